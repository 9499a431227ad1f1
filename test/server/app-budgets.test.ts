// Budgets through the demo app, against a stub of Prove (budgets.ts has the defaults and why): texts
// per phone number, address, network and in all, with the reserve over the global budget; status
// calls per flow and per address, paced per flow; every call to Prove in one budget. 429
// rate_limited with Retry-After before Prove is called, or 202 pending for a status call. The
// clock is the handlers' `now`; clients use their own 127.x addresses (127.0.0.0/24 is one network).
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_LIMITS, type AppOptions, type LimitSettings, type RunningApp } from '../../demo/server/app/index.js';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { fromRateLimiter, memoryBudgetStore, type BudgetStore } from '../../src/server/budget-store.js';
import { DEFAULT_LIMITS } from '../../src/server/budgets.js';
import { limitsFrom } from '../../demo/server/app/config.js';
import { addressKey } from '../../src/server/client-address.js';
import {
  ADDY,
  assertError,
  call,
  cookieOf,
  startAppOn,
  startStubProve,
  type Answer,
  type StubProve,
} from './app-helpers.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;

let stub: StubProve;
let at = T0;
const now = () => at;
const tick = (ms: number) => (at += ms);
const apps: RunningApp[] = [];

beforeEach(async () => {
  at = T0;
  stub = await startStubProve();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await stub.close();
});

/** The app with only the budgets named on (`null`: every budget from the environment). */
async function start(limits: Partial<LimitSettings> | null, more: AppOptions = {}) {
  const app = await startAppOn(stub, { limits: limits === null ? {} : { ...NO_LIMITS, ...limits }, now, ...more });
  apps.push(app);
  return app;
}

const startFlow = (app: RunningApp, from: string, phoneNumber: string = ADDY.phoneNumber) =>
  call(app, '/api/verify', { ...ADDY, phoneNumber }, { from });

/** A started flow's cookie and flowId, for its status calls. */
async function flowFrom(app: RunningApp, from: string, phoneNumber?: string) {
  const started = await startFlow(app, from, phoneNumber);
  assert.equal(started.status, 200, started.text);
  const { flowId } = started.json() as { flowId: string };
  return { cookie: cookieOf(started), flowId, from };
}

const askStatus = (app: RunningApp, flow: { cookie: string; flowId: string; from: string }) =>
  call(app, '/api/verify-status', { flowId: flow.flowId }, { cookie: flow.cookie, from: flow.from });

function assertLimited(answer: Answer, retryAfter: number, message: RegExp): void {
  const error = assertError(answer, 429, 'rate_limited');
  assert.equal(answer.headers['retry-after'], String(retryAfter));
  assert.match(error.message, message);
  assert.ok(!error.message.includes('2001004010') && !error.message.includes('127.0.'), 'no number or address echoed');
}

describe('text budgets (3 texts a start)', () => {
  test('per phone number (E.164): 15 texts are 5 starts, the 6th in the hour is 429, whichever address or spelling asks', async () => {
    const app = await start({ textsPerPhone: 15 });
    const spellings = ['2001004010', '+1 200 100 4010', '(200) 100-4010', '+12001004010'];
    for (let i = 0; i < 5; i++) {
      const answer = await startFlow(app, `127.0.${i}.2`, spellings[i % spellings.length]);
      assert.equal(answer.status, 200, `start ${i + 1}`);
    }
    tick(20 * MINUTE);
    assertLimited(
      await startFlow(app, '127.0.9.2', '200-100-4010'),
      40 * 60,
      /^Too many texts were sent to this phone number: try again in 40 minutes$/,
    );
    assert.equal(stub.verifies.length, 5, 'the refused start never reached Prove');
    assert.equal((await startFlow(app, '127.0.9.2', '2001004011')).status, 200, 'another number is not limited');
    tick(40 * MINUTE);
    assert.equal((await startFlow(app, '127.0.9.2')).status, 200, 'a new window');
  });

  test('per client address: 9 texts are 3 starts; another address goes on', async () => {
    const app = await start({ textsPerAddress: 9 });
    // Different numbers, so only the address budget can refuse.
    for (let i = 0; i < 3; i++)
      assert.equal((await startFlow(app, '127.0.0.2', `200100000${i}`)).status, 200, `start ${i + 1}`);
    assertLimited(
      await startFlow(app, '127.0.0.2', '2001009999'),
      3600,
      /^Too many verifications were started from your connection: try again in 60 minutes$/,
    );
    assert.equal(stub.verifies.length, 3);
    assert.equal((await startFlow(app, '127.0.0.3', '2001009999')).status, 200, 'another address');
    tick(60 * MINUTE);
    assert.equal((await startFlow(app, '127.0.0.2', '2001009998')).status, 200, 'the window is over');
  });

  test('per network: the addresses of one /24 share its budget; another /24 has its own', async () => {
    const app = await start({ textsPerNetwork: 9, textsPerAddress: 60 });
    for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4'])
      assert.equal((await startFlow(app, from, `2001000${from.slice(-1)}00`)).status, 200, from);
    assertLimited(
      await startFlow(app, '127.0.0.5', '2001000500'),
      3600,
      /^Too many verifications were started from your network: try again in 60 minutes$/,
    );
    assert.equal((await startFlow(app, '127.0.1.5', '2001000501')).status, 200, 'another /24');
    assert.equal(stub.verifies.length, 4);
  });

  test('in all, with fairness: over the global budget another network still verifies, the flooding one gets one more start, then nobody until the next 10 minutes', async () => {
    // Per 10 minutes: 2 starts in all (a sixth of 36 texts), 2 more from the reserve (a sixth of 36).
    const app = await start({ textsGlobal: 36, textsReserve: 36 });
    let number = 0;
    const next = () => `2001000${String(++number).padStart(3, '0')}`;
    assert.equal((await startFlow(app, '127.0.0.2', next())).status, 200);
    assert.equal((await startFlow(app, '127.0.0.3', next())).status, 200);
    assert.equal(
      (await startFlow(app, '127.0.0.4', next())).status,
      200,
      "the flooding network's start from the reserve",
    );
    for (let i = 5; i < 10; i++)
      assertLimited(
        await startFlow(app, `127.0.0.${i}`, next()),
        600,
        /^Too many verifications are being started on this site right now: try again in 10 minutes$/,
      );
    assert.equal((await startFlow(app, '127.0.1.2', next())).status, 200, 'somebody from another network');
    assertError(await startFlow(app, '127.0.2.2', next()), 429, 'rate_limited');
    assert.equal(stub.verifies.length, 4, 'global + reserve, no more');
    tick(10 * MINUTE);
    assert.equal((await startFlow(app, '127.0.0.9', next())).status, 200, 'the next sixth of the hour');
  });

  test('a start refused by its own budget takes nothing of the global one', async () => {
    const app = await start({ textsGlobal: 54, textsPerAddress: 6 });
    assert.equal((await startFlow(app, '127.0.0.2', '2001000001')).status, 200);
    assert.equal((await startFlow(app, '127.0.0.2', '2001000002')).status, 200);
    for (let i = 0; i < 5; i++) assertError(await startFlow(app, '127.0.0.2', '2001000003'), 429, 'rate_limited');
    assert.equal(
      (await startFlow(app, '127.0.0.3', '2001000004')).status,
      200,
      'the third of three starts (a sixth of 54 texts) is left for somebody else',
    );
    assertLimited(await startFlow(app, '127.0.0.4', '2001000005'), 600, /on this site right now/);
  });

  test('invalid requests cost nothing: only a start that would reach Prove counts', async () => {
    const app = await start({ textsPerAddress: 3, textsPerPhone: 3 });
    for (let i = 0; i < 5; i++)
      assertError(await call(app, '/api/verify', { ...ADDY, phoneNumber: '12' }, { from: '127.0.0.2' }), 400);
    assert.equal((await startFlow(app, '127.0.0.2')).status, 200);
  });

  test('0 turns a budget off', async () => {
    const app = await start({ textsPerPhone: 0, textsPerAddress: 0, textsPerNetwork: 0, textsGlobal: 0 });
    for (let i = 0; i < 40; i++) assert.equal((await startFlow(app, '127.0.0.2')).status, 200);
  });
});

describe('status calls', () => {
  test('per flow: over its budget a status call is 429 before Prove is asked; a new flow has its own', async () => {
    const app = await start({ statusPerFlow: 3 });
    const flow = await flowFrom(app, '127.0.0.2');
    for (let i = 0; i < 3; i++) assert.equal((await askStatus(app, flow)).status, 202);
    tick(MINUTE);
    assertLimited(
      await askStatus(app, flow),
      59 * 60,
      /^Too many status checks for this verification: try again in 59 minutes$/,
    );
    assert.equal(stub.statuses.length, 3);
    assert.equal((await askStatus(app, await flowFrom(app, '127.0.0.2'))).status, 202);
  });

  test('per address, across flows; calls without a flow cost nothing', async () => {
    const app = await start({ statusPerAddress: 4 });
    const first = await flowFrom(app, '127.0.0.2');
    const second = await flowFrom(app, '127.0.0.2');
    for (let i = 0; i < 10; i++)
      assertError(
        await call(
          app,
          '/api/verify-status',
          { flowId: first.flowId },
          { cookie: 'pv_session=nope', from: '127.0.0.2' },
        ),
        401,
      );
    for (const flow of [first, first, second, second]) assert.equal((await askStatus(app, flow)).status, 202);
    assertLimited(
      await askStatus(app, second),
      3600,
      /^Too many status checks from your connection: try again in 60 minutes$/,
    );
    assert.equal(stub.statuses.length, 4);
  });

  test("a status call within statusIntervalMs of the last is 202 pending without asking Prove; the element's 1, 2, 4 s waits never meet it", async () => {
    const app = await start({ statusIntervalMs: 1000 });
    const flow = await flowFrom(app, '127.0.0.2');
    assert.equal((await askStatus(app, flow)).status, 202);
    for (let i = 0; i < 10; i++) assert.equal((await askStatus(app, flow)).status, 202, 'a script polling in a loop');
    tick(999);
    assert.equal((await askStatus(app, flow)).status, 202);
    assert.equal(stub.statuses.length, 1, 'Prove was asked once');
    for (const wait of [1, 1000, 2000, 4000]) {
      tick(wait);
      assert.equal((await askStatus(app, flow)).status, 202);
    }
    assert.equal(stub.statuses.length, 5, "each of the element's calls reached Prove");
    stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'success' };
    assert.equal((await askStatus(app, flow)).status, 202, 'too soon: pending, though Prove has the verdict');
    tick(1000);
    const verdict = await askStatus(app, flow);
    assert.equal(verdict.status, 200, verdict.text);
    assert.equal((verdict.json() as { success: boolean }).success, true);
  });
});

describe('calls to Prove', () => {
  test('every call counts, the identity check too: over the budget a start is 429 Retry-After 1, a status call 202 without asking Prove', async () => {
    // 2 calls in each fifth of a second (10 a second), on the unify flow: a verdict is two calls.
    const app = await start({ proveCallsPerSecond: 10 }, { flow: 'unify' });
    const first = await flowFrom(app, '127.0.0.2');
    const second = await flowFrom(app, '127.0.0.3');
    assertLimited(await startFlow(app, '127.0.0.4'), 1, /^The verification service is busy: try again in 1 second$/);
    assert.equal(stub.unifies.length, 2);

    tick(200);
    assert.equal((await askStatus(app, first)).status, 202);
    assert.equal((await askStatus(app, first)).status, 202);
    assert.equal((await askStatus(app, first)).status, 202, 'over the budget: pending');
    assert.equal(stub.unifyStatuses.length, 2, 'Prove was not asked the third time');

    tick(200);
    assert.equal((await askStatus(app, second)).status, 202);
    stub.unifyStatus = { success: 'true', phoneNumber: '2001004010' };
    assert.equal(
      (await askStatus(app, first)).status,
      202,
      'unify-status said true, but the identity check had no call left',
    );
    assert.deepEqual([stub.unifyStatuses.length, stub.identities.length], [4, 0]);

    tick(200);
    const verdict = await askStatus(app, first);
    assert.equal(verdict.status, 200, verdict.text);
    assert.deepEqual([stub.unifyStatuses.length, stub.identities.length], [5, 1]);
    assert.equal((await startFlow(app, '127.0.0.4')).status, 429, 'both calls of the verdict counted');
  });
  test('the verify-status flow counts its start and each status call', async () => {
    // One call in each fifth of a second.
    const app = await start({ proveCallsPerSecond: 5 });
    const flow = await flowFrom(app, '127.0.0.2');
    assertError(await startFlow(app, '127.0.0.3'), 429, 'rate_limited');
    tick(200);
    assert.equal((await askStatus(app, flow)).status, 202);
    assert.equal((await askStatus(app, flow)).status, 202);
    assert.deepEqual([stub.verifies.length, stub.statuses.length], [1, 1]);
  });
});

describe('which address counts', () => {
  test("the socket's address; X-Forwarded-For only from the proxies TRUST_PROXY lists, read from the right", async () => {
    const seen: string[] = [];
    const recording: BudgetStore = (spec) => {
      const counter = memoryBudgetStore(spec);
      return {
        ...counter,
        take: (key, points) => (spec.name === 'texts-address' && seen.push(key), counter.take(key, points)),
        peek: (key) => counter.peek(key),
      };
    };
    const forwarded = { 'X-Forwarded-For': '203.0.113.7, 198.51.100.1' };
    const direct = await start({ textsPerAddress: 300 }, { budgetStore: recording });
    await call(direct, '/api/verify', ADDY, { from: '127.0.0.9', headers: forwarded });
    const oneProxy = await start({ textsPerAddress: 300 }, { budgetStore: recording, trustProxy: ['127.0.0.0/8'] });
    await call(oneProxy, '/api/verify', ADDY, { from: '127.0.0.9', headers: forwarded });
    const twoProxies = await start(
      { textsPerAddress: 300 },
      { budgetStore: recording, trustProxy: ['127.0.0.9', '198.51.100.0/24'] },
    );
    await call(twoProxies, '/api/verify', ADDY, { from: '127.0.0.9', headers: forwarded });
    await call(twoProxies, '/api/verify', ADDY, { from: '127.0.0.9' });
    assert.deepEqual(seen, ['127.0.0.9', '198.51.100.1', '203.0.113.7', '127.0.0.9']);
  });

  test('a store that cannot answer fails closed: 503, and Prove is not called', async () => {
    const refuse = () => Promise.reject(new Error('connection refused'));
    const broken: BudgetStore = (spec) => ({ ...memoryBudgetStore(spec), take: refuse, peek: refuse });
    // A rate-limiter-flexible limiter whose database is down rejects with an Error, not a RateLimiterRes.
    const down = {
      consume: () => Promise.reject(new Error('ECONNREFUSED')),
      get: () => Promise.reject(new Error('ECONNREFUSED')),
    };
    const failing: BudgetStore = () => fromRateLimiter(down as unknown as RateLimiterAbstract);
    for (const budgetStore of [broken, failing]) {
      const app = await start({ textsPerAddress: 30 }, { budgetStore });
      const answer = await startFlow(app, '127.0.0.2');
      const error = assertError(answer, 503, 'store_unavailable');
      assert.ok(!error.message.includes('ECONNREFUSED') && !error.message.includes('connection refused'));
      assert.equal(answer.headers['retry-after'], '5');
    }
    assert.equal(stub.verifies.length, 0);
  });

  test('the phone number counts in E.164, after validation', async () => {
    const keys: string[] = [];
    const recording: BudgetStore = (spec) => {
      const counter = memoryBudgetStore(spec);
      return {
        ...counter,
        take: (key, points) => (spec.name === 'texts-phone' && keys.push(key), counter.take(key, points)),
        peek: (key) => counter.peek(key),
      };
    };
    const app = await start({ textsPerPhone: 30 }, { budgetStore: recording });
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

describe('limits from the environment', () => {
  test('defaults, per hour: 15 texts per phone, 60 per address, 300 per network, 900 in all + 600 reserve; 60 status calls per flow, 600 per address, 1 s apart; 20 Prove calls a second', () => {
    assert.deepEqual(limitsFrom({}), DEFAULT_LIMITS);
    assert.deepEqual(DEFAULT_LIMITS, {
      textsPerPhone: 15,
      textsPerAddress: 60,
      textsPerNetwork: 300,
      textsGlobal: 900,
      textsReserve: 600,
      statusPerFlow: 60,
      statusPerAddress: 600,
      statusIntervalMs: 1000,
      proveCallsPerSecond: 20,
      windowMs: 3_600_000,
    });
  });

  test('each variable sets its budget, 0 turns it off, the option wins; garbage or a former name stops the app, naming the variable', () => {
    const env = {
      LIMIT_TEXTS_PER_PHONE: '9',
      LIMIT_TEXTS_PER_ADDRESS: '0',
      LIMIT_TEXTS_PER_NETWORK: '90',
      LIMIT_TEXTS_GLOBAL: '3000',
      LIMIT_TEXTS_RESERVE: '600',
      LIMIT_STATUS_PER_FLOW: '20',
      LIMIT_STATUS_PER_ADDRESS: ' 50 ',
      LIMIT_STATUS_INTERVAL_SECONDS: '2',
      LIMIT_PROVE_CALLS_PER_SECOND: '15',
      LIMIT_WINDOW_SECONDS: '600',
    };
    assert.deepEqual(limitsFrom(env), {
      textsPerPhone: 9,
      textsPerAddress: 0,
      textsPerNetwork: 90,
      textsGlobal: 3000,
      textsReserve: 600,
      statusPerFlow: 20,
      statusPerAddress: 50,
      statusIntervalMs: 2000,
      proveCallsPerSecond: 15,
      windowMs: 600_000,
    });
    assert.equal(limitsFrom(env, { textsPerPhone: 30 }).textsPerPhone, 30);
    for (const [name, value, message] of [
      ['LIMIT_TEXTS_PER_PHONE', 'ten', /LIMIT_TEXTS_PER_PHONE="ten" is not a whole number/],
      ['LIMIT_TEXTS_PER_ADDRESS', '-1', /LIMIT_TEXTS_PER_ADDRESS/],
      ['LIMIT_TEXTS_GLOBAL', '2', /^LIMIT_TEXTS_GLOBAL \/ limits\.textsGlobal must be 0 \(off\) or at least 3/],
      ['LIMIT_WINDOW_SECONDS', '0', /^LIMIT_WINDOW_SECONDS \/ limits\.windowMs must be at least 1 minute/],
      [
        'LIMIT_STARTS_PER_PHONE',
        '10',
        /^LIMIT_STARTS_PER_PHONE is now LIMIT_TEXTS_PER_PHONE, counted in texts \(3 per start/,
      ],
      ['LIMIT_STARTS_PER_IP', '10', /^LIMIT_STARTS_PER_IP is now LIMIT_TEXTS_PER_ADDRESS/],
      ['LIMIT_STATUS_PER_SESSION', '10', /^LIMIT_STATUS_PER_SESSION is now LIMIT_STATUS_PER_FLOW$/],
    ] as const) {
      assert.throws(
        () => limitsFrom({ [name]: value }),
        (e: Error) => e.name === 'ConfigError' && message.test(e.message),
        name,
      );
    }
  });

  test('startApp reads them: LIMIT_TEXTS_PER_PHONE=3 refuses the second start', async () => {
    process.env.LIMIT_TEXTS_PER_PHONE = '3';
    try {
      const app = await start(null);
      assert.equal((await startFlow(app, '127.0.0.2')).status, 200);
      assertError(await startFlow(app, '127.0.0.3'), 429, 'rate_limited');
    } finally {
      delete process.env.LIMIT_TEXTS_PER_PHONE;
    }
  });
});
