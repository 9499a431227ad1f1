/**
 * Where the handlers keep what outlives a request: the flows, the budgets' counts and
 * the webhook tokens already taken. One interface, so a backend on several machines keeps them in
 * one shared place (redis-store.ts) and any machine answers any request; in this process's memory
 * by default.
 */
import { memoryBudgetStore, type BudgetStore } from './budget-store.js';
import { MemoryFlows, type Flow, type StoredFlow } from './memory-flows.js';
import { WebhookReplayGuard, type ReplayAnswer, type WebhookToken } from './webhook-replay.js';

export type { Flow, StoredFlow };

/** A place held for a flow being started; exactly one of commit or release ends it. */
export interface FlowReservation {
  /**
   * Stores the flow in the place held, for the new key `browser`, and answers its flow id; the
   * live flows of `previous` (the key the request came with, if any) move to `browser` in the same
   * step, so the browser's other elements and tabs find theirs under its new cookie.
   */
  commit(flow: StoredFlow, browser: string, previous?: string): Promise<string>;
  /** Gives the place back (the flow did not start). */
  release(): Promise<void>;
}

/**
 * The flows: each belongs to one browser (its cookie's key) and has its own id (the flowId). A
 * full store refuses new flows rather than dropping live ones, except that a browser may start
 * again in the place of its own oldest flow; a browser keeps at most FLOWS_PER_BROWSER.
 * A store that cannot answer (its database down or too slow) rejects with StoreUnavailableError
 * (store-error.ts; redisStore does for every Redis failure): the handlers answer it `503
 * store_unavailable` with Retry-After, where any other error is a 500.
 */
export interface FlowStore {
  /** How long a flow lives, in ms. */
  readonly ttlMs: number;
  /** Holds a place for a new flow of `browser` (the key the request came with), or undefined when the store is full. */
  reserve(browser: string | undefined): Promise<FlowReservation | undefined>;
  /** The browser's live flow named `flowId`, or undefined (none, expired, or another browser's). */
  flowOf(browser: string | undefined, flowId: string): Promise<[string, Flow] | undefined>;
  /** Whether the browser has a live flow. */
  knows(browser: string | undefined): Promise<boolean>;
  /**
   * Ends the live flow `id` and answers it, in one step: of status calls racing for one flow,
   * exactly one gets it (and gives the verdict); the others get undefined.
   */
  take(id: string): Promise<Flow | undefined>;
  delete(id: string): Promise<void>;
  /** Milliseconds until a place frees at the latest; 0 when none is taken. */
  msUntilNextExpiry(): Promise<number>;
}

/**
 * Webhook tokens already taken, each remembered until it would be refused anyway; when full, the
 * ones issued first are forgotten and no token issued as early is taken (webhook-replay.ts).
 */
export interface WebhookTokenStore {
  /** Records the token until its `forgetAtMs`; answers whether it was new. */
  take(token: WebhookToken, nowMs: number): Promise<ReplayAnswer>;
}

export interface ProveVerifyStore {
  flows: FlowStore;
  budgets: BudgetStore;
  webhookTokens: WebhookTokenStore;
  /** Lets go of what the store holds in this process (timers); a client passed in stays open. */
  close(): Promise<void>;
}

export interface MemoryStoreOptions {
  /** Flow lifetime in ms (default 15 minutes, Prove's). */
  ttlMs?: number;
  /** Most flows kept at once (default 10 000). */
  maxFlows?: number;
  /** Most webhook tokens remembered at once (default 10 000); beyond, the ones issued first are forgotten. */
  maxWebhookTokens?: number;
  now?: () => number;
}

/** Everything in this process's memory: right for one process; lost when it restarts. */
export function memoryStore(options: MemoryStoreOptions = {}): ProveVerifyStore {
  const memory = new MemoryFlows({ now: options.now, ttlMs: options.ttlMs, maxFlows: options.maxFlows });
  const tokens = new WebhookReplayGuard({ max: options.maxWebhookTokens });
  /* eslint-disable @typescript-eslint/require-await -- memory answers at once; `async` keeps each answer a promise and a throw a rejection, as Redis's are */
  const flows: FlowStore = {
    ttlMs: memory.ttlMs,
    async reserve(browser) {
      const place = memory.reserve(browser);
      return (
        place && {
          commit: async (flow, owner, previous) => place.commit(flow, owner, previous),
          release: async () => place.release(),
        }
      );
    },
    flowOf: async (browser, flowId) => memory.flowOf(browser, flowId),
    knows: async (browser) => memory.knows(browser),
    take: async (id) => memory.take(id),
    delete: async (id) => memory.delete(id),
    msUntilNextExpiry: async () => memory.msUntilNextExpiry(),
  };
  return {
    flows,
    budgets: memoryBudgetStore,
    webhookTokens: { take: async (token, nowMs) => tokens.take(token, nowMs) },
    async close() {
      memory.close();
      tokens.clear();
    },
  };
  /* eslint-enable @typescript-eslint/require-await */
}
