/**
 * Where the budgets keep their counts. The app asks only "take one point for this key": a
 * fixed window per key, as rate-limiter-flexible counts it. The default keeps the counts in this
 * process (rate-limiter-flexible's memory store); several processes behind one address need a
 * shared store, and rate-limiter-flexible's Redis, Valkey, Postgres... limiters take the same
 * options, so such a store is a few lines:
 *
 *   const redisStore: BudgetStore = ({ name, points, windowMs }) =>
 *     fromRateLimiter(new RateLimiterRedis({ storeClient, keyPrefix: name, points, duration: windowMs / 1000 }));
 */
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** One budget: at most `points` per key in each window of `windowMs`. */
export interface BudgetSpec {
  /** Names the budget in the store's keys (e.g. `starts-phone`). */
  name: string;
  points: number;
  windowMs: number;
}

export type BudgetAnswer = { ok: true } | { ok: false; retryAfterMs: number };

/** The counter of one budget. */
export interface BudgetCounter {
  /** Takes one point for `key`; over budget, says how long until its window ends. */
  take(key: string): Promise<BudgetAnswer>;
  /** Lets go of whatever the counter holds (timers included). */
  close(): Promise<void>;
}

/** Makes the counter of one budget. */
export type BudgetStore = (spec: BudgetSpec) => BudgetCounter;

/** The default store: counts in this process's memory. */
export const memoryBudgetStore: BudgetStore = ({ name, points, windowMs }) => {
  const limiter = new RateLimiterMemory({ keyPrefix: name, points, duration: windowMs / 1000 });
  return fromRateLimiter(limiter, async () => {
    // The memory store keeps one unref'd timer per key until its window ends: clear them now.
    await Promise.all(limiter.dump().storage.map(({ key }) => limiter.delete(key)));
  });
};

/** A BudgetCounter over any rate-limiter-flexible limiter. */
export function fromRateLimiter(limiter: RateLimiterAbstract, close: () => Promise<void> = async () => {}): BudgetCounter {
  return {
    async take(key) {
      try {
        await limiter.consume(key, 1);
        return { ok: true };
      } catch (rejection) {
        // Over budget it rejects with a RateLimiterRes; anything else is the store failing.
        if (rejection instanceof RateLimiterRes) return { ok: false, retryAfterMs: Math.max(0, rejection.msBeforeNext) };
        throw new BudgetStoreError(rejection);
      }
    },
    close,
  };
}

/** The store could not answer (e.g. its database is down). */
export class BudgetStoreError extends Error {
  override name = 'BudgetStoreError';
  constructor(cause: unknown) {
    super('the budget store did not answer', { cause });
  }
}
