/**
 * One budget on every call to Prove (starts, status calls, the identity check), shared by every
 * machine through the budgets' store: Prove allows a client about 25 calls a second, and above it
 * answers 429 to everybody's calls, a person's start among them.
 *
 * Counted in fifths of a second of the clock: each 200 ms takes at most a fifth of the per-second
 * figure (rounded up) and each second at most the figure. A window starting at the first call
 * would let two windows' worth through within a moment at their edge (40 for 20); with fifths, no
 * second, however it falls, holds more than six fifths (24 for 20), under Prove's 25. Keys name
 * their fifth and their second, so machines whose clocks agree (NTP: milliseconds) share them.
 *
 * Starts come first: a status call over the budget costs nothing (202 pending, the element asks
 * again), a start refused costs a person a wait. So status calls may fill a fifth only up to one
 * call short of it, and a second only up to a fifth's worth short: a flood of status calls leaves
 * the people starting at least one call in every 200 ms and four in every second (at 20 a second).
 */
import { fits, peek, take, type Budget } from './budget-store.js';
import type { BudgetCheck, MakeBudget } from './budgets.js';
import { overBudgetError } from './error-answers.js';
import { HttpError } from './http-error.js';
import type { ProveCallKind } from './flows/flow.js';

const FIFTH_MS = 200;
/** Over it, a call may be made again in the next second at the latest. */
const OVER: Extract<BudgetCheck, { ok: false }> = { ok: false, budget: 'prove-calls', retryAfterSeconds: 1 };
/** How long a fifth's or a second's key stays in the store: it is never read after its second. */
const KEY_LIFETIME_MS = 2000;

/** A call over the budget, not made. A status call answers it 202 pending; a start, 429 with Retry-After 1. */
export class ProveCallRefused extends HttpError {
  constructor(check: Extract<BudgetCheck, { ok: false }>) {
    const error = overBudgetError(check);
    super(error.status, error.code, error.message, error.headers);
  }
}

export class ProveCallBudget {
  readonly #fifth?: Budget;
  readonly #second?: Budget;
  readonly #now: () => number;

  /** `perSecond` 0: off. */
  constructor(perSecond: number, make: MakeBudget, now: () => number) {
    this.#fifth = make('prove-calls-fifth', Math.ceil(perSecond / 5), KEY_LIFETIME_MS);
    this.#second = make('prove-calls-second', perSecond, KEY_LIFETIME_MS);
    this.#now = now;
  }

  /** Whether a call would be let through now (taking nothing). */
  async peek(): Promise<BudgetCheck> {
    const [fifth, second] = this.#keys();
    const [inFifth, inSecond] = await Promise.all([peek(this.#fifth, fifth), peek(this.#second, second)]);
    return fits(this.#fifth, inFifth, 1) && fits(this.#second, inSecond, 1) ? { ok: true } : OVER;
  }

  /** Whether a status call leaves the starts their share of the current fifth and second. */
  async #roomForStatus(): Promise<boolean> {
    const [fifth, second] = this.#keys();
    const [inFifth, inSecond] = await Promise.all([peek(this.#fifth, fifth), peek(this.#second, second)]);
    const leave = (budget: Budget | undefined, share: number): Budget | undefined =>
      budget && { ...budget, points: Math.max(1, budget.points - share) };
    const fifthShare = this.#fifth ? 1 : 0;
    const secondShare = this.#fifth?.points ?? 0;
    return fits(leave(this.#fifth, fifthShare), inFifth, 1) && fits(leave(this.#second, secondShare), inSecond, 1);
  }

  /** Takes one call. */
  async take(): Promise<BudgetCheck> {
    const [fifth, second] = this.#keys();
    for (const [budget, key] of [
      [this.#fifth, fifth],
      [this.#second, second],
    ] as const) {
      if (!(await take(budget, key, 1)).ok) return OVER;
    }
    return { ok: true };
  }

  /** The gate the flows ask before each call to Prove: throws ProveCallRefused over the budget. */
  readonly gate = async (call: ProveCallKind = 'start'): Promise<void> => {
    if (call === 'status' && !(await this.#roomForStatus())) throw new ProveCallRefused(OVER);
    const check = await this.take();
    if (!check.ok) throw new ProveCallRefused(check);
  };

  #keys(): [string, string] {
    const at = this.#now();
    return [String(Math.floor(at / FIFTH_MS)), String(Math.floor(at / 1000))];
  }
}
