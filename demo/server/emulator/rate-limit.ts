import { tooManyRequests } from './errors.js';

/**
 * Prove's "above 25 requests a second" as a one-second window per key, opened by the key's
 * first request. Keys are client ids and flow ids, so closed windows are pruned whenever the map
 * grows and at every sweep: a flow's window goes soon after the flow, not 10,000 flows later.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Keys with a window open or not yet swept. */
  get size(): number {
    return this.windows.size;
  }

  /** Counts one request; throws the 429 when the key is over its rate. */
  take(key: string): void {
    const now = this.clock();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= 1000) {
      if (this.windows.size >= 10_000) this.sweep(now);
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    if (window.count > this.perSecond) {
      throw tooManyRequests(Math.max(1, Math.ceil((window.startedAt + 1000 - now) / 1000)));
    }
  }

  /** Drops every window that has closed. */
  sweep(now: number = this.clock()): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= 1000) this.windows.delete(key);
  }
}
