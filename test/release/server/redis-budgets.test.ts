/**
 * The budgets on a real redis-server (Debian's; .ci/run installs it), shared by two handler
 * instances as by two machines: the budget on calls to Prove, the least interval between status
 * calls of a flow, and a refused start leaving no key in Redis. The counting itself is
 * test/server/budgets.test.ts's, on the memory store.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { freeLoopbackPort } from '../../../demo/server/loopback.js';
import {
  createProveVerifyHandlers,
  NO_LIMITS,
  redisStore,
  type LimitSettings,
  type ProveVerifyHandlers,
} from '../../../src/server/index.js';
import { ADDY, resetStub, startStubProve, type StubProve } from '../../server/app-helpers.js';
import { skipWithoutRedis, startRedisServer, stopRedisServer } from './redis-server.js';

const SITE = 'https://shop.example';

let redis: ChildProcess | undefined;
let port = 0;
let stub: StubProve;
let admin: Redis;
const clients: Redis[] = [];
const made: ProveVerifyHandlers[] = [];
// Frozen: the Prove-call budget's keys name the clock's fifth of a second; Redis's own expiry runs on.
const now = () => Date.parse('2026-01-01T00:00:00Z');

/** One "machine" on the shared Redis, with only the budgets named on. */
function machine(limits: Partial<LimitSettings>): ProveVerifyHandlers {
  const client = new Redis({ host: '127.0.0.1', port });
  clients.push(client);
  const handlers = createProveVerifyHandlers({
    prove: { baseUrl: stub.url, clientId: 'id', clientSecret: 'secret' },
    finalTarget: { landingUrl: `${SITE}/link-opened.html` },
    pageOrigins: [SITE],
    limits: { ...NO_LIMITS, ...limits },
    flow: 'verify-status',
    store: redisStore(client, { now }),
    now,
    log: false,
  });
  made.push(handlers);
  return handlers;
}

function post(path: string, body: unknown, cookie = ''): Request {
  return new Request(`${SITE}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE, ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify(body),
  });
}

const budgetKeys = async () => (await admin.keys('*budget:*')).length;

describe('the budgets on Redis, two machines', { skip: skipWithoutRedis }, () => {
  before(async () => {
    port = await freeLoopbackPort();
    redis = await startRedisServer(port);
    admin = new Redis({ host: '127.0.0.1', port });
    stub = await startStubProve();
  });
  beforeEach(async () => {
    resetStub(stub);
    await admin.flushall();
  });
  after(async () => {
    await Promise.all(made.map((handlers) => handlers.close()));
    for (const client of [...clients, admin]) client?.disconnect();
    await stub?.close();
    await stopRedisServer(redis);
  });

  test("calls to Prove: one machine's call counts on the other", async () => {
    // One call in each fifth of a second, every machine's.
    const [a, b] = [machine({ proveCallsPerSecond: 5 }), machine({ proveCallsPerSecond: 5 })];
    assert.equal((await a.verify(post('/verify', ADDY))).status, 200);
    const refused = await b.verify(post('/verify', ADDY));
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.equal(stub.verifies.length, 1);
  });

  test("status calls of a flow: within a second of one machine's, the other answers 202 without asking Prove", async () => {
    const [a, b] = [machine({ statusIntervalMs: 1000 }), machine({ statusIntervalMs: 1000 })];
    const started = await a.verify(post('/verify', ADDY));
    const { flowId } = (await started.json()) as { flowId: string };
    const cookie = started.headers.get('set-cookie')!.split(';')[0]!;
    assert.equal((await a.verifyStatus(post('/verify-status', { flowId }, cookie))).status, 202);
    assert.equal((await b.verifyStatus(post('/verify-status', { flowId }, cookie))).status, 202);
    assert.equal(stub.statuses.length, 1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await b.verifyStatus(post('/verify-status', { flowId }, cookie))).status, 202);
    assert.equal(stub.statuses.length, 2);
  });

  test('texts: 3 a start, and a refused start leaves no key in Redis', async () => {
    const limits = { textsGlobal: 18, textsPerAddress: 60, textsPerNetwork: 300, textsPerPhone: 15 };
    const [a, b] = [machine(limits), machine(limits)];
    assert.equal((await a.verify(post('/verify', ADDY), { clientAddress: '203.0.113.1' })).status, 200);
    const keys = await budgetKeys();
    for (let i = 0; i < 50; i++) {
      const answer = await (i % 2 ? a : b).verify(post('/verify', { ...ADDY, phoneNumber: `20010040${10 + i}` }), {
        clientAddress: `198.51.${i}.1`,
      });
      assert.equal(answer.status, 429, `start ${i}`);
    }
    assert.equal(
      await budgetKeys(),
      keys,
      'the global budget (a sixth of 18 texts: one start) was spent: no address, network or number got a key',
    );
    assert.equal(stub.verifies.length, 1);
  });
});
