/**
 * Budgets on what costs money and what Prove limits, checked before Prove is called.
 *
 * Texts, not starts: a start lets Prove send up to three texts (its client API sends a code or a
 * link, and the person may ask for it again), so each start takes TEXTS_PER_START points, and the
 * budgets below are written in texts. They are counted per client address (IPv4, or the IPv6
 * /64), per network around it (IPv4 /24, IPv6 /48: one holder of many addresses), per phone
 * number and for the whole app: one address or network cannot use up the app's budget, and a
 * number receives at most so many texts however many addresses ask.
 *
 * Defaults, per hour (`windowMs`; each key's window starts at its first start):
 * - 15 texts per phone number (5 starts): a person who mistypes, asks again and restarts a few
 *   times stays inside; a number being pumped gets at most 15 texts an hour.
 * - 60 texts per address (20 starts): a household or an office behind one address. Mobile
 *   carriers put many people behind one IPv4 address (CGNAT): a site with many such visitors
 *   raises this and the next.
 * - 300 texts per network (100 starts per /24 or /48): an office, a campus, a carrier's NAT pool;
 *   a flood from many addresses of one network stops here, not at the global budget.
 * - 900 texts in all (300 starts an hour, 50 every 10 minutes), plus a reserve of 600 (below): the
 *   most a flood from many networks costs, about 1,500 texts an hour. A small or medium site
 *   starts far fewer flows at its peak; a busy one raises it. The global budget is counted in
 *   sixths of the window (at most 150 texts in any 10 minutes): once spent, it is spent for 10
 *   minutes at most, not an hour.
 * - The reserve, for fairness: over the global budget, a network (/24, /48) may still make ONE
 *   start in the window from a reserve of 600 texts (also counted in sixths: 33 starts in each 10
 *   minutes). Whoever spent the global budget does not lock everyone else out: people from other
 *   networks keep verifying, while a flood needs a new network for each start, and more than 33
 *   networks every 10 minutes to run the reserve dry too. The cost stays bounded: global + reserve.
 * - 60 status calls per flow, 600 per address: the element asks at most about 7 times in each
 *   30 s wait (1, 2, 4, 8, 8... s) and a person may press "Try again" a few times.
 * - 1 s at least between status calls of one flow (`statusIntervalMs`): one asked sooner is
 *   answered 202 pending without asking Prove. The element waits 1 s and more, so it never notices;
 *   a script polling in a loop gets at most one Prove call a second per flow.
 * - 20 Prove calls a second (`proveCallsPerSecond`): every call to Prove (starts, status calls,
 *   the identity check) counts, shared across machines through the store; Prove allows a client
 *   about 25. prove-call-budget.ts counts them in fifths of a second, so that no second, however
 *   it falls, sees more than 24. Over it a start is 429 with Retry-After 1, and a status call 202
 *   pending (the element asks again, as it does while the phone has not finished).
 * 0 turns a budget off (the test stacks start many flows from 127.0.0.1 with the same numbers).
 *
 * Counters stay bounded: a start is checked against every budget (peek) before any counter is
 * made, so a refused start (the global budget spent, an address over its own) makes none, and
 * 100,000 of them cost nothing; the memory store also holds at most MAX_KEYS_PER_BUDGET keys
 * (budget-store.ts).
 */
import { fits, peek, take, type Budget, type BudgetCounter, type BudgetStore } from './budget-store.js';
import { ConfigError } from './config-error.js';
import type { ProveCallGate } from './flows/flow.js';
import { ProveCallBudget } from './prove-call-budget.js';

/** Texts Prove may send for one start: its first, and up to two more the person asks for. */
export const TEXTS_PER_START = 3;
/** The global budget and the reserve are counted in sixths of the window: SLICES of them. */
const SLICES = 6;

export interface LimitSettings {
  /** Texts per phone number (E.164) in a window; `LIMIT_TEXTS_PER_PHONE`, default 15 (5 starts). */
  textsPerPhone: number;
  /** Texts per client address (IPv4, IPv6 /64) in a window; `LIMIT_TEXTS_PER_ADDRESS`, default 60. */
  textsPerAddress: number;
  /** Texts per network (IPv4 /24, IPv6 /48) in a window; `LIMIT_TEXTS_PER_NETWORK`, default 300. */
  textsPerNetwork: number;
  /** Texts in all in a window, at most a sixth of it in each sixth of the window; `LIMIT_TEXTS_GLOBAL`, default 900. */
  textsGlobal: number;
  /**
   * Over the global budget, one start per network in a window from this many texts;
   * `LIMIT_TEXTS_RESERVE`, default 600.
   */
  textsReserve: number;
  /** Status calls per flow in a window; `LIMIT_STATUS_PER_FLOW`, default 60. */
  statusPerFlow: number;
  /** Status calls per client address in a window; `LIMIT_STATUS_PER_ADDRESS`, default 600. */
  statusPerAddress: number;
  /**
   * Least time between status calls of a flow that ask Prove, in ms (whole seconds);
   * `LIMIT_STATUS_INTERVAL_SECONDS`, default 1000.
   */
  statusIntervalMs: number;
  /** Calls to Prove per second, every machine's; `LIMIT_PROVE_CALLS_PER_SECOND`, default 20. */
  proveCallsPerSecond: number;
  /** The window of every budget but the Prove calls', in ms; `LIMIT_WINDOW_SECONDS`, default 3600 (an hour). */
  windowMs: number;
}

export const DEFAULT_LIMITS: Readonly<LimitSettings> = {
  textsPerPhone: 15,
  textsPerAddress: 60,
  textsPerNetwork: 300,
  textsGlobal: 900,
  textsReserve: 600,
  statusPerFlow: 60,
  statusPerAddress: 600,
  statusIntervalMs: 1000,
  proveCallsPerSecond: 20,
  windowMs: 60 * 60_000,
};

/** Every budget off, for test stacks that start many flows from one address with one number. */
export const NO_LIMITS: Readonly<Partial<LimitSettings>> = {
  textsPerPhone: 0,
  textsPerAddress: 0,
  textsPerNetwork: 0,
  textsGlobal: 0,
  textsReserve: 0,
  statusPerFlow: 0,
  statusPerAddress: 0,
  statusIntervalMs: 0,
  proveCallsPerSecond: 0,
};

/** Retired setting names (named for starts, sessions and IPs): each is a ConfigError naming its successor. */
export const RENAMED_LIMITS = {
  startsPerPhone: 'textsPerPhone',
  startsPerIp: 'textsPerAddress',
  startsGlobal: 'textsGlobal',
  statusPerSession: 'statusPerFlow',
  statusPerIp: 'statusPerAddress',
} as const satisfies Record<string, keyof LimitSettings>;

/** What a retired name's ConfigError says after the name. */
export function renamedLimitMessage(old: keyof typeof RENAMED_LIMITS): string {
  const now = RENAMED_LIMITS[old];
  const texts = now.startsWith('texts')
    ? ` (budgets count texts now, ${TEXTS_PER_START} per start: 10 starts are 30 texts)`
    : '';
  return `is now limits.${now}${texts}`;
}

/**
 * The limits: each given key wins over the default.
 * @throws {ConfigError} when a limit is not a whole number, a text budget is under one start, or
 *   a window or interval cannot be counted (see each message).
 */
export function resolveLimits(options: Partial<LimitSettings> = {}): LimitSettings {
  for (const old of Object.keys(RENAMED_LIMITS) as Array<keyof typeof RENAMED_LIMITS>) {
    if (old in options) throw new ConfigError(`limits.${old} ${renamedLimitMessage(old)}`);
  }
  const limits: LimitSettings = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof LimitSettings>) {
    const value = options[key];
    if (value !== undefined) limits[key] = value;
  }
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new ConfigError(`limits.${key} must be a whole number, got ${value}`);
    if (key.startsWith('texts') && value > 0 && value < TEXTS_PER_START) {
      throw new ConfigError(
        `limits.${key} must be 0 (off) or at least ${TEXTS_PER_START}: one start may send ${TEXTS_PER_START} texts, got ${value}`,
      );
    }
  }
  if (limits.windowMs < 60_000) throw new ConfigError('limits.windowMs must be at least 1 minute (60000)');
  // Redis counts windows in whole seconds.
  if (limits.statusIntervalMs % 1000 !== 0) {
    throw new ConfigError(
      `limits.statusIntervalMs must be 0 (off) or whole seconds (1000, 2000...), got ${limits.statusIntervalMs}`,
    );
  }
  return limits;
}

/** Which budget refused. */
export type BudgetName = 'phone' | 'address' | 'network' | 'global' | 'flow' | 'status-address' | 'prove-calls';

export type BudgetCheck = { ok: true } | { ok: false; budget: BudgetName; retryAfterSeconds: number };

/** A client's budget keys (client-address.ts `addressKeys`). */
export interface AddressKeys {
  /** IPv4, or the IPv6 /64. */
  address: string;
  /** The IPv4 /24, or the IPv6 /48. */
  network: string;
}

/** Makes the budget `name` on the store (undefined when `points` is 0: off). */
export type MakeBudget = (name: string, points: number, windowMs: number) => Budget | undefined;

type Step = [BudgetName, Budget | undefined, string];

/** The app's budgets on one store. */
export class Budgets {
  readonly #counters: BudgetCounter[] = [];
  readonly #phone?: Budget;
  readonly #address?: Budget;
  readonly #network?: Budget;
  readonly #global?: Budget;
  readonly #reserve?: Budget;
  /** Which networks have had their start from the reserve (one a window each). */
  readonly #reserveNetwork?: Budget;
  readonly #flow?: Budget;
  readonly #statusAddress?: Budget;
  readonly #pacing?: Budget;
  readonly #proveCalls: ProveCallBudget;

  constructor(limits: LimitSettings, store: BudgetStore, now: () => number = Date.now) {
    const make: MakeBudget = (name, points, windowMs) => {
      if (points <= 0) return undefined;
      const counter = store({ name, points, windowMs, now });
      // Checked now, not at the first start: a counter that cannot look before it takes would fail every one.
      if (typeof counter?.take !== 'function' || typeof counter.peek !== 'function') {
        throw new ConfigError(
          'budgetStore must make counters with take(key, points), peek(key) and close() (budget-store.ts; fromRateLimiter makes one)',
        );
      }
      this.#counters.push(counter);
      return { counter, points };
    };
    // A sixth of the window, in whole seconds (Redis's), and a sixth of the texts: at least one start.
    const sliceMs = Math.round(limits.windowMs / SLICES / 1000) * 1000;
    const slice = (texts: number) => (texts > 0 ? Math.max(TEXTS_PER_START, Math.floor(texts / SLICES)) : 0);
    this.#address = make('texts-address', limits.textsPerAddress, limits.windowMs);
    this.#network = make('texts-network', limits.textsPerNetwork, limits.windowMs);
    this.#phone = make('texts-phone', limits.textsPerPhone, limits.windowMs);
    this.#global = make('texts-global', slice(limits.textsGlobal), sliceMs);
    if (this.#global) {
      this.#reserve = make('texts-reserve', slice(limits.textsReserve), sliceMs);
      if (this.#reserve) this.#reserveNetwork = make('texts-reserve-network', TEXTS_PER_START, limits.windowMs);
    }
    this.#flow = make('status-flow', limits.statusPerFlow, limits.windowMs);
    this.#statusAddress = make('status-address', limits.statusPerAddress, limits.windowMs);
    this.#pacing = limits.statusIntervalMs > 0 ? make('status-pacing', 1, limits.statusIntervalMs) : undefined;
    this.#proveCalls = new ProveCallBudget(limits.proveCallsPerSecond, make, now);
  }

  /**
   * A start from `keys` for `phoneNumber` (E.164). Every budget is looked at first, and a start any
   * of them refuses takes nothing and makes no counter; then the shared budget is taken (the
   * global one, or over it the reserve), then the address's, the network's and the number's.
   */
  async start(keys: AddressKeys, phoneNumber: string): Promise<BudgetCheck> {
    const own: Step[] = [
      ['address', this.#address, keys.address],
      ['network', this.#network, keys.network],
      ['phone', this.#phone, phoneNumber],
    ];
    const [uses, global, reserve, reserveNetwork, proveCall] = await Promise.all([
      Promise.all(own.map(([, budget, key]) => peek(budget, key))),
      peek(this.#global, 'all'),
      peek(this.#reserve, 'all'),
      peek(this.#reserveNetwork, keys.network),
      this.#proveCalls.peek(),
    ]);
    for (const [i, [name, budget]] of own.entries()) {
      if (!fits(budget, uses[i]!, TEXTS_PER_START)) return refused(name, uses[i]!.msLeft);
    }
    // A start the Prove-call budget would refuse now costs the person none of their texts.
    if (!proveCall.ok) return proveCall;
    const shared: Step[] = [];
    if (fits(this.#global, global, TEXTS_PER_START)) shared.push(['global', this.#global, 'all']);
    // Over the global budget: the network's one start from the reserve, if it has not had it.
    else if (reserveNetwork.used === 0 && this.#reserve && fits(this.#reserve, reserve, TEXTS_PER_START)) {
      shared.push(['global', this.#reserve, 'all'], ['global', this.#reserveNetwork, keys.network]);
    } else return refused('global', global.msLeft);
    // Taken in order, stopping at a refusal (starts racing for the last texts): the shared budget
    // first, so that a start it refuses takes nothing of the person's own budgets.
    for (const [name, budget, key] of [...shared, ...own]) {
      const answer = await take(budget, key, TEXTS_PER_START);
      if (!answer.ok) return refused(name, answer.retryAfterMs);
    }
    return { ok: true };
  }

  /**
   * Whether a status call of `flowId` comes within `statusIntervalMs` of the last one let through:
   * it is then answered pending without asking Prove, and counts in no other budget.
   */
  async tooSoon(flowId: string): Promise<boolean> {
    return !(await take(this.#pacing, flowId, 1)).ok;
  }

  /** A status call of flow `flowId` from `keys`: looked at first, then taken, as a start is. */
  async status(flowId: string, keys: AddressKeys): Promise<BudgetCheck> {
    const steps: Step[] = [
      ['flow', this.#flow, flowId],
      ['status-address', this.#statusAddress, keys.address],
    ];
    const uses = await Promise.all(steps.map(([, budget, key]) => peek(budget, key)));
    for (const [i, [name, budget]] of steps.entries()) {
      if (!fits(budget, uses[i]!, 1)) return refused(name, uses[i]!.msLeft);
    }
    for (const [name, budget, key] of steps) {
      const answer = await take(budget, key, 1);
      if (!answer.ok) return refused(name, answer.retryAfterMs);
    }
    return { ok: true };
  }

  /**
   * Asked by the flows before each call to Prove (flow.ts's ProveCallGate): takes the call from
   * every machine's budget, or throws ProveCallRefused.
   */
  get proveCallGate(): ProveCallGate {
    return this.#proveCalls.gate;
  }

  async close(): Promise<void> {
    await Promise.all(this.#counters.map((counter) => counter.close()));
  }
}

/** Over budget: the wait, in whole seconds, at least one. */
function refused(budget: BudgetName, retryAfterMs: number): BudgetCheck {
  return { ok: false, budget, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
}
