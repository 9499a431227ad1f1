// Budgets on starts (per phone number, per client address, in all) and on status calls (per flow,
// per address): 429 rate_limited with Retry-After before Prove is called. Windows run on a fake
// Date (sinon): the memory store reads Date.now(). Clients use their own 127.x addresses.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { NO_LIMITS, type AppOptions, type LimitSettings, type RunningApp } from '../../demo/server/app/index.js';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { fromRateLimiter, memoryBudgetStore, type BudgetStore } from '../../src/server/budget-store.js';
import { DEFAULT_LIMITS } from '../../src/server/budgets.js';
import { limitsFrom } from '../../demo/server/app/config.js';
import { addressKey } from '../../src/server/client-address.js';
import { ADDY, assertError, call, cookieOf, startAppOn, startStubProve, type Answer, type StubProve } from './app-helpers.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;

let stub: StubProve;
let clock: sinon.SinonFakeTimers;
const apps: RunningApp[] = [];

beforeEach(async () => {
  // Only Date is faked: sockets and the servers' own timers run as usual.
  clock = sinon.useFakeTimers({ now: T0, toFake: ['Date'] });
  stub = await startStubProve();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await stub.close();
  clock.restore();
});

/** The app with only the budgets named on (`null`: every budget from the environment). */
async function start(limits: Partial<LimitSettings> | null, more: AppOptions = {}) {
  const app = await startAppOn(stub, { limits: limits === null ? {} : { ...NO_LIMITS, ...limits }, ...more });
  apps.push(app);
  return app;
}

const startFlow = (app: RunningApp, from: string, phoneNumber: string = ADDY.phoneNumber) => call(app, '/api/verify', { ...ADDY, phoneNumber }, { from });

function assertLimited(answer: Answer, retryAfter: number, message: RegExp): void {
  const error = assertError(answer, 429, 'rate_limited');
  assert.equal(answer.headers['retry-after'], String(retryAfter));
  assert.match(error.message, message);
  assert.ok(!error.message.includes('2001004010') && !error.message.includes('127.0.0'), 'no number or address echoed');
}

describe('start budgets', () => {
  test('per phone number (E.164): the 11th start in 10 minutes is 429, whichever address or spelling asks', async () => {
    const app = await start({ startsPerPhone: 10 });
    const spellings = ['2001004010', '+1 200 100 4010', '(200) 100-4010', '+12001004010'];
    for (let i = 0; i < 10; i++) {
      const answer = await startFlow(app, `127.0.0.${2 + i}`, spellings[i % spellings.length]);
      assert.equal(answer.status, 200, `start ${i + 1}`);
    }
    clock.tick(4 * MINUTE);
    assertLimited(await startFlow(app, '127.0.1.1', '200-100-4010'), 6 * 60, /this phone number: try again in 6 minutes/);
    assert.equal(stub.verifies.length, 10, 'the refused start never reached Prove');
    assert.equal((await startFlow(app, '127.0.1.1', '2001004011')).status, 200, 'another number is not limited');

    clock.tick(6 * MINUTE);
    assert.equal((await startFlow(app, '127.0.1.1')).status, 200, 'a new window');
  });

  test('per client address: the 31st start in 10 minutes is 429; other addresses go on', async () => {
    const app = await start({ startsPerIp: 30 });
    for (let i = 0; i < 30; i++) {
      // Different numbers, so only the address budget can refuse.
      assert.equal((await startFlow(app, '127.0.0.2', `20010${String(i).padStart(5, '0')}`)).status, 200, `start ${i + 1}`);
    }
    assertLimited(await startFlow(app, '127.0.0.2', '2001009999'), 600, /from this network: try again in 10 minutes/);
    assert.equal(stub.verifies.length, 30);
    assert.equal((await startFlow(app, '127.0.0.3', '2001009999')).status, 200, 'another address');
    clock.tick(10 * MINUTE);
    assert.equal((await startFlow(app, '127.0.0.2', '2001009998')).status, 200, 'the window is over');
  });

  test('in all: the global budget refuses every address, and a refused address does not use it up', async () => {
    const app = await start({ startsGlobal: 3, startsPerIp: 2 });
    assert.equal((await startFlow(app, '127.0.0.2', '2001000001')).status, 200);
    assert.equal((await startFlow(app, '127.0.0.2', '2001000002')).status, 200);
    // Over its own budget, this address takes nothing from the global one...
    for (let i = 0; i < 5; i++) assertError(await startFlow(app, '127.0.0.2', '2001000003'), 429, 'rate_limited');
    // ...so one place is left for somebody else.
    assert.equal((await startFlow(app, '127.0.0.3', '2001000004')).status, 200);
    const answer = await startFlow(app, '127.0.0.4', '2001000005');
    assertLimited(answer, 600, /Too many verifications right now/);
    assert.equal(stub.verifies.length, 3);
  });

  test('invalid requests cost nothing: only a start that would reach Prove counts', async () => {
    const app = await start({ startsPerIp: 1, startsPerPhone: 1 });
    for (let i = 0; i < 5; i++) assertError(await call(app, '/api/verify', { ...ADDY, phoneNumber: '12' }, { from: '127.0.0.2' }), 400);
    assert.equal((await startFlow(app, '127.0.0.2')).status, 200);
  });

  test('0 turns a budget off', async () => {
    const app = await start({ startsPerPhone: 0, startsPerIp: 0, startsGlobal: 0 });
    for (let i = 0; i < 40; i++) assert.equal((await startFlow(app, '127.0.0.2')).status, 200);
  });
});

describe('status budgets', () => {
  test('per flow: over its budget a status call is 429 before Prove is asked; a new flow has its own', async () => {
    const app = await start({ statusPerSession: 3 });
    const cookie = cookieOf(await startFlow(app, '127.0.0.2'));
    for (let i = 0; i < 3; i++) assert.equal((await call(app, '/api/verify-status', {}, { cookie, from: '127.0.0.2' })).status, 202);
    clock.tick(MINUTE);
    assertLimited(await call(app, '/api/verify-status', {}, { cookie, from: '127.0.0.2' }), 540, /status checks for this verification/);
    assert.equal(stub.statuses.length, 3);
    const other = cookieOf(await startFlow(app, '127.0.0.2'));
    assert.equal((await call(app, '/api/verify-status', {}, { cookie: other, from: '127.0.0.2' })).status, 202);
  });

  test('per address, across flows; calls without a session cost nothing', async () => {
    const app = await start({ statusPerIp: 4 });
    const first = cookieOf(await startFlow(app, '127.0.0.2'));
    const second = cookieOf(await startFlow(app, '127.0.0.2'));
    for (let i = 0; i < 10; i++) assertError(await call(app, '/api/verify-status', {}, { cookie: 'pv_session=nope', from: '127.0.0.2' }), 401);
    for (const cookie of [first, first, second, second]) {
      assert.equal((await call(app, '/api/verify-status', {}, { cookie, from: '127.0.0.2' })).status, 202);
    }
    assertLimited(await call(app, '/api/verify-status', {}, { cookie: second, from: '127.0.0.2' }), 600, /status checks from this network/);
    assert.equal(stub.statuses.length, 4);
  });
});

describe('which address counts', () => {
  test("the socket's address; X-Forwarded-For only with TRUST_PROXY hops, read from the right", async () => {
    const seen: string[] = [];
    const recording: BudgetStore = (spec) => {
      const counter = memoryBudgetStore(spec);
      return { take: (key) => (spec.name === 'starts-ip' && seen.push(key), counter.take(key)), close: () => counter.close() };
    };
    const forwarded = { 'X-Forwarded-For': '203.0.113.7, 198.51.100.1' };
    const direct = await start({ startsPerIp: 100 }, { budgetStore: recording });
    await call(direct, '/api/verify', ADDY, { from: '127.0.0.9', headers: forwarded });
    const oneProxy = await start({ startsPerIp: 100 }, { budgetStore: recording, trustProxy: 1 });
    await call(oneProxy, '/api/verify', ADDY, { from: '127.0.0.9', headers: forwarded });
    const twoProxies = await start({ startsPerIp: 100 }, { budgetStore: recording, trustProxy: 2 });
    await call(twoProxies, '/api/verify', ADDY, { from: '127.0.0.9', headers: forwarded });
    await call(twoProxies, '/api/verify', ADDY, { from: '127.0.0.9' });
    assert.deepEqual(seen, ['127.0.0.9', '198.51.100.1', '203.0.113.7', '127.0.0.9']);
  });

  test('a store that cannot answer fails closed: 503, and Prove is not called', async () => {
    const broken: BudgetStore = (spec) => {
      const counter = memoryBudgetStore(spec);
      return { take: () => Promise.reject(new Error('connection refused')), close: () => counter.close() };
    };
    // A rate-limiter-flexible limiter whose database is down rejects with an Error, not a RateLimiterRes.
    const down = { consume: () => Promise.reject(new Error('ECONNREFUSED')) } as unknown as RateLimiterAbstract;
    const failing: BudgetStore = () => fromRateLimiter(down);
    for (const budgetStore of [broken, failing]) {
      const app = await start({ startsPerIp: 10 }, { budgetStore });
      const answer = await startFlow(app, '127.0.0.2');
      const error = assertError(answer, 503, 'server_busy');
      assert.ok(!error.message.includes('ECONNREFUSED') && !error.message.includes('connection refused'));
      assert.equal(answer.headers['retry-after'], '5');
    }
    assert.equal(stub.verifies.length, 0);
  });

  test('the phone number counts in E.164, after validation', async () => {
    const keys: string[] = [];
    const recording: BudgetStore = (spec) => {
      const counter = memoryBudgetStore(spec);
      return { take: (key) => (spec.name === 'starts-phone' && keys.push(key), counter.take(key)), close: () => counter.close() };
    };
    const app = await start({ startsPerPhone: 10 }, { budgetStore: recording });
    await startFlow(app, '127.0.0.2', '(200) 100-4010');
    await startFlow(app, '127.0.0.2', '+44 20 7946 0958');
    assert.deepEqual(keys, ['+12001004010', '+442079460958']);
  });

  test('addresses as keys: IPv4-mapped IPv6 as IPv4, IPv6 by its /64', () => {
    assert.equal(addressKey('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(addressKey('203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64', 'one /64, one key');
    assert.notEqual(addressKey('2001:db8:1:3::1'), addressKey('2001:db8:1:2::1'));
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('[2001:db8::1]'), '2001:db8:0:0::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(addressKey('not an address'), '?not an address');
    assert.equal(addressKey('x'.repeat(500)).length, 65, 'a bounded key');
  });
});

describe('the memory store', () => {
  test('keeps one timer per key until its window ends, and close() clears them all', async () => {
    clock.restore();
    const timers = sinon.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    try {
      const counter = memoryBudgetStore({ name: 'test', points: 2, windowMs: 10 * MINUTE });
      for (const key of ['a', 'b', 'c', 'a']) await counter.take(key);
      assert.deepEqual(await counter.take('a'), { ok: false, retryAfterMs: 10 * MINUTE });
      assert.equal(timers.countTimers(), 3, 'one per key');
      await counter.close();
      assert.equal(timers.countTimers(), 0, 'nothing left running');
    } finally {
      timers.restore();
      clock = sinon.useFakeTimers({ now: T0, toFake: ['Date'] });
    }
  });
});

describe('limits from the environment', () => {
  test('defaults: 10 per phone, 30 per address, 600 in all, 60 per flow, 300 status per address, per 10 minutes', () => {
    assert.deepEqual(limitsFrom({}), DEFAULT_LIMITS);
    assert.deepEqual(DEFAULT_LIMITS, {
      startsPerPhone: 10,
      startsPerIp: 30,
      startsGlobal: 600,
      statusPerSession: 60,
      statusPerIp: 300,
      windowMs: 600_000,
    });
  });

  test('each variable sets its budget, 0 turns it off, the option wins, garbage stops the app', () => {
    const env = {
      LIMIT_STARTS_PER_PHONE: '3',
      LIMIT_STARTS_PER_IP: '0',
      LIMIT_STARTS_GLOBAL: '1000',
      LIMIT_STATUS_PER_SESSION: '20',
      LIMIT_STATUS_PER_IP: ' 50 ',
      LIMIT_WINDOW_SECONDS: '60',
    };
    assert.deepEqual(limitsFrom(env), {
      startsPerPhone: 3,
      startsPerIp: 0,
      startsGlobal: 1000,
      statusPerSession: 20,
      statusPerIp: 50,
      windowMs: 60_000,
    });
    assert.equal(limitsFrom(env, { startsPerPhone: 7 }).startsPerPhone, 7);
    for (const [name, value] of [
      ['LIMIT_STARTS_PER_PHONE', 'ten'],
      ['LIMIT_STARTS_PER_IP', '-1'],
      ['LIMIT_STARTS_GLOBAL', '1.5'],
      ['LIMIT_WINDOW_SECONDS', '0'],
    ]) {
      assert.throws(
        () => limitsFrom({ [name!]: value }),
        (e: Error) => e.name === 'ConfigError' && e.message.includes(name!),
        name,
      );
    }
  });

  test('startApp reads them: LIMIT_STARTS_PER_PHONE=1 refuses the second start', async () => {
    process.env.LIMIT_STARTS_PER_PHONE = '1';
    try {
      const app = await start(null);
      assert.equal((await startFlow(app, '127.0.0.2')).status, 200);
      assertError(await startFlow(app, '127.0.0.3'), 429, 'rate_limited');
    } finally {
      delete process.env.LIMIT_STARTS_PER_PHONE;
    }
  });
});
