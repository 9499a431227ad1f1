/** Time and pace for the attacks: each one is bounded by a deadline and a request count. */
import { setTimeout as sleepFor } from 'node:timers/promises';

export const sleep = (ms: number) => sleepFor(ms);

/** A hard bound on one attack: at most `requests` requests, until `ms` have passed. */
export class Bound {
  readonly #until: number;
  readonly started = performance.now();
  #used = 0;

  constructor(
    private readonly requests: number,
    ms: number,
  ) {
    this.#until = this.started + ms;
  }

  /** Takes one request; false once either bound is reached. */
  take(): boolean {
    if (this.#used >= this.requests || performance.now() >= this.#until) return false;
    this.#used++;
    return true;
  }

  get used(): number {
    return this.#used;
  }

  get elapsedMs(): number {
    return performance.now() - this.started;
  }

  get over(): boolean {
    return this.#used >= this.requests || performance.now() >= this.#until;
  }
}

/** At most `perSecond` slots a second, shared by every worker that awaits one. */
export class Pacer {
  #next = performance.now();

  constructor(private readonly perSecond: number) {}

  async slot(): Promise<void> {
    const now = performance.now();
    const at = Math.max(now, this.#next);
    this.#next = at + 1000 / this.perSecond;
    if (at > now) await sleep(at - now);
  }
}

/** Runs `count` workers until each returns. */
export async function workers(count: number, work: (index: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, index) => work(index)));
}

const TEN_MINUTES_MS = 600_000;

/**
 * A count as "per 10 minutes": as measured when the attacker was stopped for the rest of the
 * window (the budgets refused with a Retry-After reaching past 10 minutes from the start), else
 * scaled from the time it ran (marked ≈).
 */
export function perTenMinutes(count: number, elapsedMs: number, stoppedForSeconds: number | undefined): string {
  if (stoppedForSeconds !== undefined && elapsedMs + stoppedForSeconds * 1000 >= TEN_MINUTES_MS - 1000)
    return `${count}`;
  return `≈${Math.round((count * TEN_MINUTES_MS) / Math.max(1, elapsedMs))}`;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
