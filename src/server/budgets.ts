/**
 * Budgets on the calls that cost money or Prove's capacity, checked before Prove is called.
 *
 * Every start sends a text message, so starts are what SMS pumping (toll fraud) abuses; they are
 * counted per client address, per phone number and for the whole app, in that order: one address
 * cannot use up the app's budget for everybody, and a phone number receives at most so many texts
 * however many addresses ask. Status calls cost no text, but each is a Prove call and Prove allows
 * a client about 25 a second in all: they are counted per flow (session) and per address.
 *
 * Defaults, each per 10 minutes:
 * - 10 starts per phone number: a person who mistypes, resends and changes flow a few times stays
 *   well inside; a number being flooded gets at most 10 texts (plus Prove's 3 sends per flow).
 * - 30 starts per address: a household or an office behind one address starting several flows.
 * - 600 starts in all (one a second on average): far above what a demo or a small site needs at
 *   its peak, and it caps what a flood from many addresses can cost at 3,600 texts an hour; a
 *   busy site raises it. It stays under Prove's 25 calls a second, so Prove's limit is not the one hit.
 * - 60 status calls per flow: the element asks at most about 7 times in each 30 s wait
 *   (1, 2, 4, 8, 8... s) and a person may press "Try again" a few times.
 * - 300 status calls per address: 10 for each of the 30 starts an address may make.
 * 0 turns a budget off (the test stacks start many flows from 127.0.0.1 with the same numbers).
 */
import { ConfigError } from './config-error.js';
import { BudgetStoreError, type BudgetAnswer, type BudgetCounter, type BudgetStore } from './budget-store.js';

export interface LimitSettings {
  /** Starts per phone number (E.164) in a window; `LIMIT_STARTS_PER_PHONE`, default 10. */
  startsPerPhone: number;
  /** Starts per client address in a window; `LIMIT_STARTS_PER_IP`, default 30. */
  startsPerIp: number;
  /** Starts in all in a window; `LIMIT_STARTS_GLOBAL`, default 600. */
  startsGlobal: number;
  /** Status calls per flow (session) in a window; `LIMIT_STATUS_PER_SESSION`, default 60. */
  statusPerSession: number;
  /** Status calls per client address in a window; `LIMIT_STATUS_PER_IP`, default 300. */
  statusPerIp: number;
  /** The window, in ms; `LIMIT_WINDOW_SECONDS`, default 600 (10 minutes). */
  windowMs: number;
}

export const DEFAULT_LIMITS: Readonly<LimitSettings> = {
  startsPerPhone: 10,
  startsPerIp: 30,
  startsGlobal: 600,
  statusPerSession: 60,
  statusPerIp: 300,
  windowMs: 10 * 60_000,
};

/** Every budget off, for test stacks that start many flows from one address with one number. */
export const NO_LIMITS: Readonly<Partial<LimitSettings>> = {
  startsPerPhone: 0,
  startsPerIp: 0,
  startsGlobal: 0,
  statusPerSession: 0,
  statusPerIp: 0,
};

/**
 * The limits: each given key wins over the default.
 * @throws {ConfigError} when a limit is not a whole number, or the window is under a second.
 */
export function resolveLimits(options: Partial<LimitSettings> = {}): LimitSettings {
  const limits: LimitSettings = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof LimitSettings>) {
    const value = options[key];
    if (value !== undefined) limits[key] = value;
  }
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new ConfigError(`limits.${key} must be a whole number, got ${value}`);
  }
  if (limits.windowMs < 1000) throw new ConfigError('limits.windowMs must be at least 1 second');
  return limits;
}

/** Which budget refused. */
export type BudgetName = 'phone' | 'ip' | 'global' | 'session' | 'status-ip';

export type BudgetCheck = { ok: true } | { ok: false; budget: BudgetName; retryAfterSeconds: number };

/** The app's five budgets on one store. */
export class Budgets {
  readonly #counters: Partial<Record<BudgetName, BudgetCounter>> = {};

  constructor(limits: LimitSettings, store: BudgetStore) {
    const make = (budget: BudgetName, name: string, points: number) => {
      if (points > 0) this.#counters[budget] = store({ name, points, windowMs: limits.windowMs });
    };
    make('ip', 'starts-ip', limits.startsPerIp);
    make('phone', 'starts-phone', limits.startsPerPhone);
    make('global', 'starts-global', limits.startsGlobal);
    make('session', 'status-session', limits.statusPerSession);
    make('status-ip', 'status-ip', limits.statusPerIp);
  }

  /** A start from `address` for `phoneNumber` (E.164): address first, then the number, then all. */
  start(address: string, phoneNumber: string): Promise<BudgetCheck> {
    return this.#check([
      ['ip', address],
      ['phone', phoneNumber],
      ['global', 'all'],
    ]);
  }

  /** A status call of flow `sessionId` from `address`. */
  status(sessionId: string, address: string): Promise<BudgetCheck> {
    return this.#check([
      ['session', sessionId],
      ['status-ip', address],
    ]);
  }

  // In order, stopping at the first refusal: a refused call takes nothing from the later budgets,
  // so a flood from one address does not use up the budget of a phone number or of everybody.
  async #check(steps: Array<[BudgetName, string]>): Promise<BudgetCheck> {
    for (const [budget, key] of steps) {
      const counter = this.#counters[budget];
      if (!counter) continue;
      let answer: BudgetAnswer;
      try {
        answer = await counter.take(key);
      } catch (error) {
        // Whatever the store threw, the app fails closed (503) rather than letting the call through.
        throw error instanceof BudgetStoreError ? error : new BudgetStoreError(error);
      }
      if (!answer.ok) return { ok: false, budget, retryAfterSeconds: Math.max(1, Math.ceil(answer.retryAfterMs / 1000)) };
    }
    return { ok: true };
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.#counters).map((counter) => counter.close()));
  }
}
