/**
 * The flows in this process's memory (memoryStore's, store.ts). A flow is one Prove flow a browser
 * started: what identifies it to Prove (Prove's correlationId, our own clientRequestId, the
 * contract) and the person, sealed (flow-seal.ts), so the page never sees them. A flow has its own
 * random id (the `flowId` the page sends back) and belongs to one browser: the key its session
 * cookie holds (cookies.ts). Two elements or two tabs of one browser run their own flows, and a
 * flowId is worth nothing without its browser's cookie. Each start gives the browser a new key,
 * its live flows moving to it in the same step: a key someone planted in the browser (session
 * fixation) never names a flow started after it.
 * A Map with a fixed lifetime (Prove's flow lasts 15 minutes from its start), swept on a timer,
 * and bounded. A full store refuses new flows instead of dropping live ones, so that a flood of
 * starts cannot end the flows of people mid-verification. A place is reserved before Prove is
 * called, so a flow the store could not keep never sends a text.
 */
import { randomId } from './random-id.js';

/** What a store keeps of one flow: what identifies it to Prove, and the person, sealed. */
export interface StoredFlow {
  correlationId: string;
  /** Ours, made when the flow started and sent on every Prove call of that flow, so one id traces it. */
  clientRequestId: string;
  /** Which of Prove's contracts started it (flows/flow.ts). */
  contract: 'unify' | 'verify-status';
  /**
   * The started phone number, the names and any clientCustomerId, AES-256-GCM sealed
   * (flow-seal.ts): no store holds them in clear.
   */
  sealed: string;
}

/** A live flow as a store answers it. */
export interface Flow extends StoredFlow {
  createdAt: number;
  expiresAt: number;
}

/** A live flow with the browser it belongs to. */
export interface OwnedFlow extends Flow {
  /** The browser's key (its session cookie's value). */
  browser: string;
}

export interface MemoryFlowsOptions {
  /** Lifetime in milliseconds (default 15 minutes). */
  ttlMs?: number;
  /** Most flows kept at once (default 10 000); when full, new flows are refused. */
  maxFlows?: number;
  /** How often expired flows are swept (default 60 s; 0 disables the timer). */
  sweepIntervalMs?: number;
  now?: () => number;
}

/** How long a flow lives: Prove's flow, and the authToken with it, lasts 15 minutes from its start. */
export const FLOW_TTL_MS = 15 * 60_000;

/** Flows one browser may have running at once; a new one beyond ends that browser's oldest. */
export const FLOWS_PER_BROWSER = 5;

/** A place held for a flow being started; exactly one of commit or release ends it. */
export interface Reservation {
  /**
   * Stores the flow in the place held, for the new key `browser`, and answers its flow id; the
   * live flows of `previous` (the key the request came with) move to `browser` in the same step.
   */
  commit(flow: StoredFlow, browser: string, previous?: string): string;
  /** Gives the place back (the flow did not start). */
  release(): void;
}

export class MemoryFlows {
  readonly ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #flows = new Map<string, OwnedFlow>();
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  /** Places held by starts waiting for Prove. */
  #reserved = 0;

  constructor(options: MemoryFlowsOptions = {}) {
    this.ttlMs = options.ttlMs ?? FLOW_TTL_MS;
    this.#max = Math.max(1, options.maxFlows ?? 10_000);
    this.#now = options.now ?? Date.now;
    const every = options.sweepIntervalMs ?? 60_000;
    if (every > 0) {
      this.#timer = setInterval(() => this.sweep(), every);
      // A Node timer would otherwise keep the process alive; edge runtimes have no unref.
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  get size(): number {
    return this.#flows.size;
  }

  /**
   * Holds a place for a new flow of `browser`, or answers undefined when every place is taken by
   * a live flow of other browsers (expired ones are swept first) or held by another start.
   */
  reserve(browser?: string): Reservation | undefined {
    if (this.#flows.size + this.#reserved >= this.#max) this.sweep();
    // A full store still lets a browser start again in the place of its own oldest flow: that
    // ends nobody else's.
    const own = browser === undefined ? undefined : this.#flowsOf(browser)[0];
    if (own && this.#flows.size + this.#reserved >= this.#max) this.#flows.delete(own[0]);
    if (this.#flows.size + this.#reserved >= this.#max) return undefined;
    this.#reserved++;
    let open = true;
    const end = () => {
      if (!open) throw new Error('this reservation has already ended');
      open = false;
      this.#reserved--;
    };
    return {
      commit: (flow, browser, previous) => {
        end();
        return this.#store(flow, browser, previous);
      },
      release: () => {
        if (open) end();
      },
    };
  }

  /** Milliseconds until the oldest live flow expires (a place frees then at the latest); 0 when empty. */
  msUntilNextExpiry(): number {
    let earliest = Infinity;
    for (const flow of this.#flows.values()) earliest = Math.min(earliest, flow.expiresAt);
    return Number.isFinite(earliest) ? Math.max(0, earliest - this.#now()) : 0;
  }

  #store(flow: StoredFlow, browser: string, previous: string | undefined): string {
    if (previous !== undefined && previous !== browser)
      for (const [, moving] of this.#flowsOf(previous)) moving.browser = browser;
    const mine = this.#flowsOf(browser);
    for (const [oldest] of mine.slice(0, Math.max(0, mine.length - FLOWS_PER_BROWSER + 1))) this.#flows.delete(oldest);
    const id = randomId();
    const createdAt = this.#now();
    this.#flows.set(id, {
      correlationId: flow.correlationId,
      clientRequestId: flow.clientRequestId,
      contract: flow.contract,
      sealed: flow.sealed,
      browser,
      createdAt,
      expiresAt: createdAt + this.ttlMs,
    });
    return id;
  }

  /** A browser's live flows, oldest first (a Map keeps insertion order). */
  #flowsOf(browser: string): [string, OwnedFlow][] {
    const now = this.#now();
    return [...this.#flows].filter(([, flow]) => flow.browser === browser && flow.expiresAt > now);
  }

  /** The browser's live flow named `flowId`; undefined when there is none or it is another browser's. */
  flowOf(browser: string | undefined, flowId: string): [string, OwnedFlow] | undefined {
    if (!browser) return undefined;
    const flow = this.get(flowId);
    return flow && flow.browser === browser ? [flowId, flow] : undefined;
  }

  /** Whether the browser has a live flow (its key was ours and is in use). */
  knows(browser: string | undefined): boolean {
    return browser !== undefined && this.#flowsOf(browser).length > 0;
  }

  /** The live flow with this id, or undefined (an expired one is dropped). */
  get(id: string | undefined): OwnedFlow | undefined {
    if (!id) return undefined;
    const flow = this.#flows.get(id);
    if (!flow) return undefined;
    if (flow.expiresAt <= this.#now()) {
      this.#flows.delete(id);
      return undefined;
    }
    return flow;
  }

  delete(id: string | undefined): void {
    if (id) this.#flows.delete(id);
  }

  /** Ends the live flow `id` and answers it; of calls racing for one flow, only the first gets it. */
  take(id: string): OwnedFlow | undefined {
    const flow = this.get(id);
    this.#flows.delete(id);
    return flow;
  }

  /** Drops every expired flow. */
  sweep(): void {
    const now = this.#now();
    for (const [id, flow] of this.#flows) {
      if (flow.expiresAt <= now) this.#flows.delete(id);
    }
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#flows.clear();
  }
}
