/**
 * Server-side sessions holding one Prove flow's ids (Prove's correlationId and our own
 * clientRequestId), so the page never sees them.
 * In memory: a Map with a fixed lifetime (Prove's flow session lasts 15 minutes from the Verify
 * call), swept on a timer, and bounded. A full store refuses new flows instead of dropping live
 * ones: evicting the oldest let a flood of starts end the flows of people mid-verification. A
 * place is reserved before Prove is called, so a flow the store could not keep never sends a text.
 */
import { randomBytes } from 'node:crypto';

/** What identifies one flow to Prove. */
export interface FlowIds {
  correlationId: string;
  /** Ours, made when the flow started and sent on every Prove call of that flow, so one id traces it. */
  clientRequestId: string;
}

export interface Session extends FlowIds {
  createdAt: number;
  expiresAt: number;
}

export interface SessionStoreOptions {
  /** Lifetime in milliseconds (default 15 minutes). */
  ttlMs?: number;
  /** Most sessions kept at once (default 10 000); when full, new flows are refused. */
  maxSessions?: number;
  /** How often expired sessions are swept (default 60 s; 0 disables the timer). */
  sweepIntervalMs?: number;
  now?: () => number;
}

export const SESSION_TTL_MS = 15 * 60_000;

/** A place held for a flow being started; exactly one of commit or release ends it. */
export interface Reservation {
  /** Stores the flow in the place held and answers its session id. */
  commit(flow: FlowIds): string;
  /** Gives the place back (the flow did not start). */
  release(): void;
}

export class SessionStore {
  readonly ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #sessions = new Map<string, Session>();
  readonly #timer: NodeJS.Timeout | undefined;
  /** Places held by starts waiting for Prove. */
  #reserved = 0;

  constructor(options: SessionStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? SESSION_TTL_MS;
    this.#max = Math.max(1, options.maxSessions ?? 10_000);
    this.#now = options.now ?? Date.now;
    const every = options.sweepIntervalMs ?? 60_000;
    if (every > 0) {
      this.#timer = setInterval(() => this.sweep(), every);
      this.#timer.unref();
    }
  }

  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Holds a place for a new flow, or answers undefined when every place is taken by a live
   * session (expired ones are swept first) or held by another start.
   */
  reserve(): Reservation | undefined {
    if (this.#sessions.size + this.#reserved >= this.#max) this.sweep();
    if (this.#sessions.size + this.#reserved >= this.#max) return undefined;
    this.#reserved++;
    let open = true;
    const end = () => {
      if (!open) throw new Error('this reservation has already ended');
      open = false;
      this.#reserved--;
    };
    return {
      commit: (flow) => {
        end();
        return this.#store(flow);
      },
      release: () => {
        if (open) end();
      },
    };
  }

  /** Milliseconds until the oldest live session expires (a place frees then at the latest); 0 when empty. */
  msUntilNextExpiry(): number {
    let earliest = Infinity;
    for (const session of this.#sessions.values()) earliest = Math.min(earliest, session.expiresAt);
    return Number.isFinite(earliest) ? Math.max(0, earliest - this.#now()) : 0;
  }

  #store(flow: FlowIds): string {
    const id = randomBytes(32).toString('base64url');
    const createdAt = this.#now();
    this.#sessions.set(id, {
      correlationId: flow.correlationId,
      clientRequestId: flow.clientRequestId,
      createdAt,
      expiresAt: createdAt + this.ttlMs,
    });
    return id;
  }

  /** The live session with this id, or undefined (an expired one is dropped). */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }

  /** Drops every expired session. */
  sweep(): void {
    const now = this.#now();
    for (const [id, session] of this.#sessions) {
      if (session.expiresAt <= now) this.#sessions.delete(id);
    }
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#sessions.clear();
  }
}
