/**
 * Where the handlers keep what outlives a request: the flows (sessions), the budgets' counts and
 * the webhook tokens already taken. One interface, so a backend on several machines keeps them in
 * one shared place (redis-store.ts) and any machine answers any request; in this process's memory
 * by default.
 */
import { memoryBudgetStore, type BudgetStore } from './budget-store.js';
import { SessionStore, type Session, type StoredFlow } from './sessions.js';

export type { StoredFlow };
import { WebhookReplayGuard, type ReplayAnswer } from './webhook-replay.js';

/** A flow as the store keeps it. */
export type Flow = Session;

/** A place held for a flow being started; exactly one of commit or release ends it. */
export interface FlowReservation {
  /** Stores the flow in the place held, for `browser`, and answers its flow id. */
  commit(flow: StoredFlow, browser: string): Promise<string>;
  /** Gives the place back (the flow did not start). */
  release(): Promise<void>;
}

/**
 * The flows: each belongs to one browser (its cookie's key) and has its own id (the flowId). A
 * full store refuses new flows rather than dropping live ones, except that a browser may start
 * again in the place of its own oldest flow; a browser keeps at most FLOWS_PER_BROWSER.
 */
export interface FlowStore {
  /** How long a flow lives, in ms. */
  readonly ttlMs: number;
  /** Holds a place for a new flow of `browser`, or undefined when the store is full. */
  reserve(browser: string): Promise<FlowReservation | undefined>;
  /** The browser's flow named `flowId`, or its newest one when none is named. */
  flowOf(browser: string | undefined, flowId: string | undefined): Promise<[string, Flow] | undefined>;
  /** Whether the browser has a live flow. */
  knows(browser: string | undefined): Promise<boolean>;
  delete(id: string): Promise<void>;
  /** Milliseconds until a place frees at the latest; 0 when none is taken. */
  msUntilNextExpiry(): Promise<number>;
}

/** Webhook tokens already taken, each remembered until it would be refused anyway. */
export interface WebhookTokenStore {
  /** Records `key` (webhook-replay.ts's replayKey) until `forgetAtMs`; answers whether it was new. */
  take(key: string, forgetAtMs: number, nowMs: number): Promise<ReplayAnswer>;
}

export interface ProveVerifyStore {
  flows: FlowStore;
  budgets: BudgetStore;
  webhookTokens: WebhookTokenStore;
  /** Lets go of what the store holds in this process (timers); a client passed in stays open. */
  close(): Promise<void>;
}

export interface MemoryStoreOptions {
  /** Flow lifetime in ms (default 15 minutes, Prove's flow session). */
  ttlMs?: number;
  /** Most flows kept at once (default 10 000). */
  maxFlows?: number;
  /** Most webhook tokens remembered at once (default 10 000); beyond, deliveries are refused (503). */
  maxWebhookTokens?: number;
  now?: () => number;
}

/** Everything in this process's memory: right for one process; lost when it restarts. */
export function memoryStore(options: MemoryStoreOptions = {}): ProveVerifyStore {
  const sessions = new SessionStore({ now: options.now, ttlMs: options.ttlMs, maxSessions: options.maxFlows });
  const tokens = new WebhookReplayGuard({ max: options.maxWebhookTokens });
  const flows: FlowStore = {
    ttlMs: sessions.ttlMs,
    async reserve(browser) {
      const place = sessions.reserve(browser);
      return place && { commit: async (flow, owner) => place.commit(flow, owner), release: async () => place.release() };
    },
    flowOf: async (browser, flowId) => sessions.flowOf(browser, flowId),
    knows: async (browser) => sessions.knows(browser),
    delete: async (id) => sessions.delete(id),
    msUntilNextExpiry: async () => sessions.msUntilNextExpiry(),
  };
  return {
    flows,
    budgets: memoryBudgetStore,
    webhookTokens: { take: async (key, forgetAtMs, nowMs) => tokens.take(key, forgetAtMs, nowMs) },
    async close() {
      sessions.close();
      tokens.clear();
    },
  };
}
