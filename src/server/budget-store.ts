/**
 * Where the budgets keep their counts. The budgets ask "take `points` for this key" and "how much
 * has this key used": a fixed window per key, starting at the key's first take, as
 * rate-limiter-flexible counts it. Several processes behind one address need a shared store;
 * rate-limiter-flexible's Redis, Valkey, Postgres... limiters take the same options, so such a
 * store is a few lines:
 *
 *   const redisStore: BudgetStore = ({ name, points, windowMs }) =>
 *     fromRateLimiter(new RateLimiterRedis({ storeClient, keyPrefix: name, points, duration: windowMs / 1000 }));
 *
 * The default keeps the counts in this process, in a Map per budget of at most `maxKeys` windows
 * (MAX_KEYS_PER_BUDGET). Not rate-limiter-flexible's memory store: that one keeps a timer per key
 * until its window ends and cannot say how many keys it holds, so a flood of refused starts grew
 * it by 46 MB per 100,000. Here windows end in the order they began (one length per budget), so
 * the ended ones are dropped from the front of the Map as each take comes, with no timer; and a
 * full Map refuses a new key (fails closed, as over budget) rather than forgetting a live count.
 */
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

import { StoreUnavailableError } from './store-error.js';

/** One budget: at most `points` per key in each window of `windowMs`. */
export interface BudgetSpec {
  /** Names the budget in the store's keys (e.g. `texts-phone`). */
  name: string;
  points: number;
  windowMs: number;
  /** The handlers' clock (their `now` setting); a store that keeps its own time (Redis's expiry) needs none. */
  now?: () => number;
}

export type BudgetAnswer = { ok: true } | { ok: false; retryAfterMs: number };

/** What a key has used of its current window: 0 and 0 when it has none. */
export interface BudgetUse {
  used: number;
  msLeft: number;
}

/** The counter of one budget. */
export interface BudgetCounter {
  /** Takes `points` for `key`; over budget, says how long until its window ends. */
  take(key: string, points: number): Promise<BudgetAnswer>;
  /** What `key` has used, without taking anything or making a counter for it. */
  peek(key: string): Promise<BudgetUse>;
  /** Lets go of whatever the counter holds. */
  close(): Promise<void>;
}

/** Makes the counter of one budget. */
export type BudgetStore = (spec: BudgetSpec) => BudgetCounter;

/**
 * Most keys one budget keeps in memory at once. The budgets look before they take, so a refused
 * start makes no key: keys come from starts that passed (bounded by the global budget) and status
 * calls of live flows. 50,000 windows are about 10 MB; a budget that reaches it (the global budget
 * turned off, and a flood from that many addresses) refuses new keys until windows end.
 */
export const MAX_KEYS_PER_BUDGET = 50_000;

/** A memory counter; `size` is how many windows it holds (for tests and a health check). */
export interface MemoryBudgetCounter extends BudgetCounter {
  readonly size: number;
}

/** The memory store, with at most `maxKeys` keys per budget. */
export function memoryBudgets(options: { maxKeys?: number } = {}): (spec: BudgetSpec) => MemoryBudgetCounter {
  const maxKeys = options.maxKeys ?? MAX_KEYS_PER_BUDGET;
  return ({ points, windowMs, now = Date.now }) => {
    /** Windows by key, in the order they began, so in the order they end. */
    const windows = new Map<string, { used: number; endsAt: number }>();
    const dropEnded = (at: number) => {
      for (const [key, slot] of windows) {
        if (slot.endsAt > at) break;
        windows.delete(key);
      }
    };
    /* eslint-disable @typescript-eslint/require-await -- memory answers at once; `async` keeps each answer a promise and a throw a rejection, as Redis's are */
    return {
      get size() {
        return windows.size;
      },
      async take(key, cost) {
        const at = now();
        dropEnded(at);
        let slot = windows.get(key);
        if (!slot) {
          // Full: refused as over budget until the oldest window ends, never a live count forgotten.
          if (windows.size >= maxKeys) return { ok: false, retryAfterMs: windows.values().next().value!.endsAt - at };
          slot = { used: 0, endsAt: at + windowMs };
          windows.set(key, slot);
        }
        if (slot.used + cost > points) return { ok: false, retryAfterMs: slot.endsAt - at };
        slot.used += cost;
        return { ok: true };
      },
      async peek(key) {
        const at = now();
        const slot = windows.get(key);
        return slot && slot.endsAt > at ? { used: slot.used, msLeft: slot.endsAt - at } : { used: 0, msLeft: 0 };
      },
      async close() {
        windows.clear();
      },
    };
    /* eslint-enable @typescript-eslint/require-await */
  };
}

/** The default store: counts in this process's memory, MAX_KEYS_PER_BUDGET keys per budget at most. */
export const memoryBudgetStore: (spec: BudgetSpec) => MemoryBudgetCounter = memoryBudgets();

/** A BudgetCounter over any rate-limiter-flexible limiter. */
export function fromRateLimiter(
  limiter: RateLimiterAbstract,
  close: () => Promise<void> = async () => {},
): BudgetCounter {
  return {
    async take(key, points) {
      try {
        await limiter.consume(key, points);
        return { ok: true };
      } catch (rejection) {
        // Over budget it rejects with a RateLimiterRes; anything else is the store failing.
        if (rejection instanceof RateLimiterRes)
          return { ok: false, retryAfterMs: Math.max(0, rejection.msBeforeNext) };
        throw new BudgetStoreError(rejection);
      }
    },
    async peek(key) {
      let use: RateLimiterRes | null;
      try {
        use = await limiter.get(key);
      } catch (error) {
        throw new BudgetStoreError(error);
      }
      return use ? { used: use.consumedPoints, msLeft: Math.max(0, use.msBeforeNext) } : { used: 0, msLeft: 0 };
    },
    close,
  };
}

/** A budget: its counter in the store, and what it allows per key. */
export interface Budget {
  counter: BudgetCounter;
  points: number;
}

/** Whether `cost` more fits (a budget that is off, undefined, takes anything). */
export function fits(budget: Budget | undefined, use: BudgetUse, cost: number): boolean {
  return !budget || use.used + cost <= budget.points;
}

// Whatever a store throws, the app fails closed (503) rather than letting the call through.
export async function peek(budget: Budget | undefined, key: string): Promise<BudgetUse> {
  if (!budget) return { used: 0, msLeft: 0 };
  try {
    return await budget.counter.peek(key);
  } catch (error) {
    throw error instanceof BudgetStoreError ? error : new BudgetStoreError(error);
  }
}

export async function take(budget: Budget | undefined, key: string, cost: number): Promise<BudgetAnswer> {
  if (!budget) return { ok: true };
  try {
    return await budget.counter.take(key, cost);
  } catch (error) {
    throw error instanceof BudgetStoreError ? error : new BudgetStoreError(error);
  }
}

/** The budgets' store could not answer (e.g. its database is down): answered like any store failure. */
export class BudgetStoreError extends StoreUnavailableError {
  override name = 'BudgetStoreError';
  constructor(cause: unknown) {
    super('the budget store did not answer', { cause });
  }
}
