// The budgets themselves (budgets.ts, prove-call-budget.ts, budget-store.ts's memory store) on a
// fake clock: texts per start, networks, the global budget's sixths and its reserve, bounded
// counters, status pacing and the budget on calls to Prove. Through HTTP: app-budgets.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  memoryBudgets,
  memoryBudgetStore,
  type BudgetStore,
  type MemoryBudgetCounter,
} from '../../src/server/budget-store.js';
import {
  Budgets,
  NO_LIMITS,
  resolveLimits,
  TEXTS_PER_START,
  type BudgetCheck,
  type LimitSettings,
} from '../../src/server/budgets.js';
import { addressKeys } from '../../src/server/client-address.js';
import { createProveVerifyHandlers } from '../../src/server/handlers.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;
const PHONE = '+12001004010';

/** Budgets on a memory store and a clock the test moves; `keys()` counts every counter's windows. */
function budgets(given: Partial<LimitSettings>) {
  let at = T0;
  const counters: MemoryBudgetCounter[] = [];
  const store: BudgetStore = (spec) => {
    const counter = memoryBudgetStore(spec);
    counters.push(counter);
    return counter;
  };
  const made = new Budgets(resolveLimits({ ...NO_LIMITS, ...given }), store, () => at);
  return {
    budgets: made,
    tick: (ms: number) => (at += ms),
    keys: () => counters.reduce((sum, counter) => sum + counter.size, 0),
    start: (address: string, phone = PHONE) => made.start(addressKeys(address), phone),
  };
}

function refusedBy(check: BudgetCheck): string | undefined {
  return check.ok ? undefined : check.budget;
}

describe('texts, not starts', () => {
  test('a start takes 3 texts: 15 texts per phone number are 5 starts', async () => {
    const { start } = budgets({ textsPerPhone: 15 });
    for (let i = 0; i < 5; i++) assert.equal(refusedBy(await start(`198.51.${i}.1`)), undefined, `start ${i + 1}`);
    assert.equal(refusedBy(await start('198.51.9.1')), 'phone');
    assert.equal(TEXTS_PER_START, 3);
  });

  test('a text budget under one start, or a former name, stops the app naming what to write', () => {
    assert.throws(() => resolveLimits({ textsPerPhone: 2 }), /limits\.textsPerPhone must be 0 \(off\) or at least 3/);
    assert.throws(
      () => resolveLimits({ statusIntervalMs: 1500 }),
      /limits\.statusIntervalMs must be 0 \(off\) or whole seconds/,
    );
    const settings = {
      prove: { baseUrl: 'https://platform.uat.proveapis.com', clientId: 'id', clientSecret: 'secret' },
    };
    const base = {
      ...settings,
      finalTarget: { landingUrl: 'https://shop.example/link.html' },
      pageOrigins: ['https://shop.example'],
      log: false as const,
    };
    for (const [old, now] of [
      ['startsPerPhone', 'textsPerPhone'],
      ['startsPerIp', 'textsPerAddress'],
      ['startsGlobal', 'textsGlobal'],
      ['statusPerSession', 'statusPerFlow'],
      ['statusPerIp', 'statusPerAddress'],
    ]) {
      const message = new RegExp(`limits\\.${old} is now limits\\.${now}\\b`);
      assert.throws(() => createProveVerifyHandlers({ ...base, limits: { [old!]: 10 } }), message, old);
      assert.throws(() => resolveLimits({ [old!]: 10 }), message, old);
    }
  });
});

describe('networks', () => {
  test('the addresses of one IPv4 /24 share its budget; another /24 has its own', async () => {
    const { start } = budgets({ textsPerNetwork: 9, textsPerAddress: 60 });
    for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
      assert.equal(refusedBy(await start(address)), undefined);
    assert.equal(refusedBy(await start('203.0.113.4')), 'network');
    assert.equal(refusedBy(await start('203.0.114.4')), undefined);
  });

  test('the /64s of one IPv6 /48 share its budget, and one /64 is one address', async () => {
    const { start } = budgets({ textsPerNetwork: 9, textsPerAddress: 6 });
    assert.equal(refusedBy(await start('2001:db8:1:1::1')), undefined);
    assert.equal(refusedBy(await start('2001:db8:1:1:ffff::2')), undefined);
    assert.equal(refusedBy(await start('2001:db8:1:1::3')), 'address', 'one /64');
    assert.equal(refusedBy(await start('2001:db8:1:2::1')), undefined);
    assert.equal(refusedBy(await start('2001:db8:1:3::1')), 'network', 'one /48');
    assert.equal(refusedBy(await start('2001:db8:2:3::1')), undefined, 'another /48');
  });
});

describe('the global budget and its reserve', () => {
  test('counted in sixths of the window: spent, it refuses for 10 minutes at most', async () => {
    const { start, tick } = budgets({ textsGlobal: 36 });
    assert.equal(refusedBy(await start('198.51.100.1')), undefined);
    assert.equal(refusedBy(await start('198.51.101.1')), undefined);
    tick(4 * MINUTE);
    const over = await start('198.51.102.1');
    assert.deepEqual(over, { ok: false, budget: 'global', retryAfterSeconds: 6 * 60 });
    tick(6 * MINUTE);
    assert.equal(refusedBy(await start('198.51.102.1')), undefined);
  });

  test('over it, each network still gets one start from the reserve; a flood runs the reserve dry, and the cost is global + reserve', async () => {
    // One start per sixth in all, and two from the reserve.
    const { start } = budgets({ textsGlobal: 18, textsReserve: 36 });
    const taken: string[] = [];
    const attempt = async (address: string) => {
      const check = await start(address, `+1200100${String(taken.length).padStart(4, '0')}`);
      if (check.ok) taken.push(address);
      return refusedBy(check);
    };
    assert.equal(await attempt('203.0.113.1'), undefined, 'the flood spends the global budget');
    assert.equal(await attempt('203.0.113.2'), undefined, "its network's start from the reserve");
    for (let i = 3; i < 50; i++)
      assert.equal(await attempt(`203.0.113.${i}`), 'global', 'then nothing more for that network');
    assert.equal(await attempt('198.51.100.7'), undefined, 'somebody from another network still verifies');
    assert.equal(await attempt('198.51.100.8'), 'global', 'once per network');
    assert.equal(await attempt('192.0.2.1'), 'global', 'the reserve is spent');
    assert.equal(taken.length * TEXTS_PER_START, 3 + 6, 'global (a sixth of 18) + reserve (a sixth of 36), no more');
  });
});

describe('bounded counters', () => {
  test('refused starts make no counter: every budget is looked at before one is made', async () => {
    const { start, keys } = budgets({
      textsGlobal: 18,
      textsReserve: 18,
      textsPerAddress: 60,
      textsPerNetwork: 300,
      textsPerPhone: 15,
    });
    assert.ok((await start('203.0.113.1')).ok);
    assert.ok((await start('198.51.100.1')).ok);
    const before = keys();
    // 1,000 here (100,000 in `npm run attack`), each from a new network with a new number: nothing
    // of theirs has a counter yet.
    for (let i = 0; i < 1000; i++) {
      const check = await start(`10.${i >> 8}.${i & 0xff}.1`, `+1201${String(i).padStart(7, '0')}`);
      if (check.ok) assert.fail(`start ${i} passed`);
    }
    assert.equal(keys(), before);
  });

  test('with the global budget off, a number over its budget makes no counter of the addresses asking', async () => {
    const { start, keys } = budgets({ textsPerPhone: 3, textsPerAddress: 60, textsPerNetwork: 300 });
    assert.ok((await start('203.0.113.1')).ok);
    const before = keys();
    for (let i = 0; i < 300; i++) assert.equal(refusedBy(await start(`198.${i >> 8}.${i & 0xff}.1`)), 'phone');
    assert.equal(keys(), before);
  });

  test('the memory store holds at most maxKeys windows: full, a new key is refused (fail closed) until the oldest window ends', async () => {
    let at = T0;
    const counter = memoryBudgets({ maxKeys: 3 })({ name: 'test', points: 10, windowMs: 10 * MINUTE, now: () => at });
    for (const key of ['a', 'b', 'c']) assert.deepEqual(await counter.take(key, 3), { ok: true });
    at += MINUTE;
    assert.deepEqual(await counter.take('d', 3), { ok: false, retryAfterMs: 9 * MINUTE }, 'full');
    assert.deepEqual(await counter.take('a', 3), { ok: true }, 'a live key still counts');
    assert.deepEqual(await counter.peek('a'), { used: 6, msLeft: 9 * MINUTE });
    assert.deepEqual(await counter.peek('d'), { used: 0, msLeft: 0 }, 'a peek makes no key');
    assert.equal(counter.size, 3);
    at += 9 * MINUTE;
    assert.deepEqual(await counter.take('d', 3), { ok: true });
    assert.equal(counter.size, 1, 'ended windows are gone, no timer needed');
    assert.deepEqual(await counter.take('d', 8), { ok: false, retryAfterMs: 10 * MINUTE }, 'over its points');
    await counter.close();
    assert.equal(counter.size, 0);
  });
});

describe('status calls', () => {
  test('one flow is asked about at most once per statusIntervalMs; another flow is not held back', async () => {
    const { budgets: made, tick } = budgets({ statusIntervalMs: 1000 });
    assert.equal(await made.tooSoon('flow-1'), false);
    tick(999);
    assert.equal(await made.tooSoon('flow-1'), true);
    assert.equal(await made.tooSoon('flow-2'), false);
    tick(1);
    assert.equal(await made.tooSoon('flow-1'), false);
  });

  test('statusIntervalMs 0: no pacing, and no counter for it', async () => {
    const { budgets: made, keys } = budgets({});
    for (let i = 0; i < 3; i++) assert.equal(await made.tooSoon('flow-1'), false);
    assert.equal(keys(), 0);
  });

  test('per flow and per address, a refused call taking nothing', async () => {
    const { budgets: made } = budgets({ statusPerFlow: 2, statusPerAddress: 3 });
    const keys = addressKeys('203.0.113.1');
    assert.ok((await made.status('flow-1', keys)).ok);
    assert.ok((await made.status('flow-1', keys)).ok);
    assert.equal(refusedBy(await made.status('flow-1', keys)), 'flow');
    assert.ok((await made.status('flow-2', keys)).ok, "the refused call took none of the address's");
    assert.equal(refusedBy(await made.status('flow-2', keys)), 'status-address');
  });
});

describe('calls to Prove', () => {
  test('20 a second: at most 20 in each second of the clock and 24 in any second however it falls', async () => {
    const { budgets: made, tick } = budgets({ proveCallsPerSecond: 20 });
    const passed: number[] = [];
    // A call each millisecond from the middle of a second on, far over the budget: one-second
    // windows would let 20 through at the end of a second and 20 more at the start of the next.
    tick(500);
    for (let ms = 500; ms < 2500; ms++) {
      try {
        await made.proveCallGate();
        passed.push(ms);
      } catch (error) {
        assert.equal((error as { status?: number }).status, 429);
      }
      tick(1);
    }
    for (const second of [0, 1, 2])
      assert.ok(passed.filter((ms) => Math.floor(ms / 1000) === second).length <= 20, `second ${second}`);
    assert.equal(passed.length, 44, '12 + 20 + 12: four in each fifth of a second');
    const busiest = Math.max(...passed.map((from) => passed.filter((ms) => ms >= from && ms < from + 1000).length));
    assert.ok(busiest <= 24, `${busiest} in one second`);
  });

  test('a flood of status calls leaves the starts one call in every fifth of a second, and four a second', async () => {
    const { budgets: made, tick } = budgets({ proveCallsPerSecond: 20 });
    const gate = made.proveCallGate;
    let statusPassed = 0;
    const flood = async () => {
      for (let i = 0; i < 10; i++)
        await gate('status').then(
          () => statusPassed++,
          () => {},
        );
    };
    for (let fifth = 0; fifth < 4; fifth++) {
      await flood();
      await gate('start'); // throws if the status calls took the whole fifth
      await assert.rejects(gate('start'), { status: 429 }, 'the fifth is full now');
      tick(200);
    }
    assert.equal(statusPassed, 12, 'three status calls in each fifth');
    await flood();
    assert.equal(statusPassed, 12, 'status calls stop at 16 of the 20 a second');
    for (let i = 0; i < 4; i++) await gate('start');
    await assert.rejects(gate('start'), { status: 429 });
  });

  test('over it a start is refused before any text is counted', async () => {
    const { budgets: made, start, keys } = budgets({ proveCallsPerSecond: 5, textsPerPhone: 15 });
    await made.proveCallGate();
    const before = keys();
    assert.deepEqual(await start('203.0.113.1'), { ok: false, budget: 'prove-calls', retryAfterSeconds: 1 });
    assert.equal(keys(), before, 'no text taken, no counter made');
  });
});
