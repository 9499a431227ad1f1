/**
 * prove-verify-server's Redis store against a real redis-server (Debian's; .ci/run installs it),
 * started here on a free loopback port with no persistence and stopped at the end. Two handler
 * instances on one Redis stand for two machines behind a load balancer.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { freeLoopbackPort } from '../../../demo/server/loopback.js';
import {
  createProveVerifyHandlers,
  NO_LIMITS,
  redisStore,
  type ProveVerifyHandlers,
  type ProveVerifyOptions,
} from '../../../src/server/index.js';
import {
  ADDY,
  call,
  cookieOf as demoCookieOf,
  resetStub,
  startAppOn,
  startStubProve,
  type StubProve,
} from '../../server/app-helpers.js';
import { skipWithoutRedis, startRedisServer, stopRedisServer } from './redis-server.js';

const SITE = 'https://shop.example';
const WEBHOOK_SECRET = 'whsec_redis_test';

let redis: ChildProcess | undefined;
let port = 0;
let stub: StubProve;
const clients: Redis[] = [];
const made: ProveVerifyHandlers[] = [];
let clock = Date.parse('2026-01-01T00:00:00Z');
const now = () => clock;

async function startRedis(): Promise<void> {
  port = await freeLoopbackPort();
  redis = await startRedisServer(port);
}

/** One "machine": its own Redis connection and its own handlers, on the shared Redis. */
function machine(options: Partial<ProveVerifyOptions> = {}, store: { maxFlows?: number } = {}): ProveVerifyHandlers {
  const client = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: true, lazyConnect: false });
  clients.push(client);
  const handlers = createProveVerifyHandlers({
    prove: { baseUrl: stub.url, clientId: 'id', clientSecret: 'secret' },
    finalTarget: { landingUrl: `${SITE}/link-opened.html` },
    pageOrigins: [SITE],
    limits: NO_LIMITS,
    // The July 2025 guide's contract, whose calls the stub counts here; the unify test below says so.
    flow: 'verify-status',
    store: redisStore(client, { now, maxFlows: store.maxFlows }),
    webhookSecret: WEBHOOK_SECRET,
    now,
    // The refusals here are read by their status; their log lines are server-handlers.test.ts's.
    log: false,
    ...options,
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

const cookieOf = (response: Response) => response.headers.get('set-cookie')?.split(';')[0] ?? '';

async function assertError400(answer: Response, message: string): Promise<void> {
  assert.equal(answer.status, 400);
  assert.deepEqual(await answer.json(), { code: 'invalid_request', message });
}

describe('the Redis store, two machines on one redis-server', { skip: skipWithoutRedis }, () => {
  before(async () => {
    await startRedis();
    stub = await startStubProve();
  });
  beforeEach(async () => {
    resetStub(stub);
    const admin = new Redis({ host: '127.0.0.1', port });
    await admin.flushall();
    admin.disconnect();
  });
  after(async () => {
    await Promise.all(made.map((h) => h.close()));
    for (const client of clients) client.disconnect();
    await stub?.close();
    await stopRedisServer(redis);
  });

  test('a flow started on one machine is read on the other, once', async () => {
    const a = machine();
    const b = machine();
    const started = await a.verify(post('/verify', ADDY));
    assert.equal(started.status, 200);
    const { flowId } = (await started.json()) as { flowId: string };
    const cookie = cookieOf(started);

    const pending = await b.verifyStatus(post('/verify-status', { flowId }, cookie));
    assert.equal(pending.status, 202);
    assert.equal(stub.statuses[0]!.clientRequestId, stub.verifies[0]!.clientRequestId);

    assert.equal(
      (await b.verifyStatus(post('/verify-status', { flowId }, '__Host-pv_session=forged'))).status,
      401,
      'a flowId needs its browser',
    );
    assert.equal(stub.statuses.length, 1);

    stub.status = { success: 'false', possessionResult: 'failed', verifyResult: 'not applicable' };
    const verdict = await b.verifyStatus(post('/verify-status', { flowId }, cookie));
    assert.deepEqual(await verdict.json(), {
      success: false,
      possessionResult: 'failed',
      verifyResult: 'not_applicable',
      phoneNumber: '+12001004010',
    });
    assert.equal(
      (await a.verifyStatus(post('/verify-status', { flowId }, cookie))).status,
      401,
      'ended for both machines',
    );
  });

  test('unify across machines: Redis holds no name and no phone number in clear, and the other machine opens the flow', async () => {
    const a = machine({ flow: 'unify' });
    const b = machine({ flow: 'unify' });
    const started = await a.verify(post('/verify', { ...ADDY, possessionType: 'mobile' }));
    const { flowId } = (await started.json()) as { flowId: string };
    const admin = new Redis({ host: '127.0.0.1', port });
    try {
      const keys = await admin.keys('*');
      const values = await Promise.all(
        keys.map(async (key) =>
          (await admin.type(key)) === 'string'
            ? await admin.get(key)
            : JSON.stringify(await admin.zrange(key, '0', '-1')),
        ),
      );
      const everything = [...keys, ...values].join('\n');
      assert.ok(everything.includes(flowId), 'the flow is in this Redis');
      for (const personal of ['Addy', 'Epinay', '2001004010'])
        assert.ok(!everything.includes(personal), `Redis holds ${personal}`);
    } finally {
      admin.disconnect();
    }
    stub.unifyStatus = { success: 'true', phoneNumber: '2001004010' };
    const verdict = await b.verifyStatus(post('/verify-status', { flowId }, cookieOf(started)));
    assert.equal(verdict.status, 200);
    assert.equal(((await verdict.json()) as { success: boolean }).success, true);
    assert.deepEqual(
      [stub.identities[0]!.firstName, stub.identities[0]!.lastName, stub.identities[0]!.phoneNumber],
      ['Addy', 'Epinay', '+12001004010'],
      'machine b opened what machine a sealed',
    );
  });

  test('a new key at each start, on either machine: the flows move to it, the old keys read nothing; a browser keeps at most five', async () => {
    const a = machine();
    const b = machine();
    let cookie = '';
    const cookies: string[] = [];
    const flowIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const started = await (i % 2 ? b : a).verify(post('/verify', ADDY, cookie));
      cookie = cookieOf(started);
      cookies.push(cookie);
      flowIds.push(((await started.json()) as { flowId: string }).flowId);
    }
    assert.equal(new Set(cookies).size, 6, 'six starts, six keys');
    assert.equal(
      (await a.verifyStatus(post('/verify-status', { flowId: flowIds[0] }, cookie))).status,
      401,
      'the oldest of six ended',
    );
    for (const old of cookies.slice(0, 5))
      assert.equal((await b.verifyStatus(post('/verify-status', { flowId: flowIds[4] }, old))).status, 401);
    assert.equal(stub.statuses.length, 0, 'an old key never reaches Prove');
    assert.equal(
      (await a.verifyStatus(post('/verify-status', { flowId: flowIds[1] }, cookie))).status,
      202,
      "the second tab's flow, under the latest cookie",
    );
    // Each flow is known to Prove by the clientRequestId it started with.
    assert.equal(stub.statuses[0]!.clientRequestId, stub.verifies[1]!.clientRequestId);
    const admin = new Redis({ host: '127.0.0.1', port });
    try {
      assert.equal((await admin.keys('*browser:*')).length, 1, "the old keys' sets are gone");
    } finally {
      admin.disconnect();
    }
    await assertError400(await b.verifyStatus(post('/verify-status', {}, cookie)), 'flowId is required');
  });

  test('ten status calls at once for one finished flow, on two machines: one verdict, one onVerified', async () => {
    const verified: string[] = [];
    const onVerified = (result: { flowId: string }) => void verified.push(result.flowId);
    const a = machine({ onVerified });
    const b = machine({ onVerified });
    const started = await a.verify(post('/verify', ADDY));
    const { flowId } = (await started.json()) as { flowId: string };
    stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'success' };
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? b : a).verifyStatus(post('/verify-status', { flowId }, cookieOf(started))),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    assert.deepEqual(
      statuses.filter((s) => s === 200),
      [200],
      statuses.join(' '),
    );
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      Array(9).fill(401),
    );
    assert.deepEqual(verified, [flowId]);
    assert.ok(stub.statuses.length > 1, 'the calls raced: several read the flow before one took it');
  });

  test('no cookie, phone number or address rests in Redis as text', async () => {
    const a = machine({ limits: { ...NO_LIMITS, textsPerPhone: 15, textsPerAddress: 15, statusPerAddress: 5 } });
    const started = await a.verify(post('/verify', ADDY), { clientAddress: '203.0.113.9' });
    const cookieValue = cookieOf(started).split('=')[1]!;
    const { flowId } = (await started.json()) as { flowId: string };
    await a.verifyStatus(post('/verify-status', { flowId }, cookieOf(started)), { clientAddress: '203.0.113.9' });
    const admin = new Redis({ host: '127.0.0.1', port });
    try {
      const keys = await admin.keys('*');
      assert.ok(
        keys.some((key) => key.includes(':budget:texts-phone:')),
        'the budgets counted in Redis',
      );
      const values = await Promise.all(
        keys.map(async (key) => ((await admin.type(key)) === 'string' ? await admin.get(key) : '')),
      );
      const everything = [...keys, ...values].join('\n');
      for (const secret of [cookieValue, '2001004010', '203.0.113.9']) assert.ok(!everything.includes(secret), secret);
    } finally {
      admin.disconnect();
    }
  });

  test('flows end with the injected clock', async () => {
    const a = machine();
    const b = machine();
    const started = await a.verify(post('/verify', ADDY));
    const { flowId } = (await started.json()) as { flowId: string };
    clock += 15 * 60_000;
    try {
      assert.equal((await b.verifyStatus(post('/verify-status', { flowId }, cookieOf(started)))).status, 401);
    } finally {
      clock -= 15 * 60_000;
    }
    assert.equal(stub.statuses.length, 0);
  });

  test("the budgets count both machines' calls", async () => {
    const a = machine({ limits: { ...NO_LIMITS, textsPerPhone: 6 } });
    const b = machine({ limits: { ...NO_LIMITS, textsPerPhone: 6 } });
    assert.equal((await a.verify(post('/verify', ADDY))).status, 200);
    assert.equal((await b.verify(post('/verify', ADDY))).status, 200);
    const refused = await a.verify(post('/verify', ADDY));
    assert.equal(refused.status, 429);
    assert.match(refused.headers.get('retry-after')!, /^\d+$/);
    assert.equal(stub.verifies.length, 2, 'the third start sent no text');
  });

  test('a store full on one machine is full on the other, but a browser may start again in its own place', async () => {
    const a = machine({}, { maxFlows: 1 });
    const b = machine({}, { maxFlows: 1 });
    const first = await a.verify(post('/verify', ADDY));
    assert.equal(first.status, 200);
    const busy = await b.verify(post('/verify', ADDY));
    assert.equal(busy.status, 503);
    assert.equal(((await busy.json()) as { code: string }).code, 'server_busy');
    const again = await b.verify(post('/verify', ADDY, cookieOf(first)));
    assert.equal(again.status, 200);
    assert.equal(stub.verifies.length, 2);
  });

  test('a webhook token taken by one machine is refused by the other', async () => {
    const a = machine();
    const b = machine();
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('Prove Identity')
      .setIssuedAt(Math.floor(clock / 1000))
      .setExpirationTime(Math.floor(clock / 1000) + 300)
      .sign(new TextEncoder().encode(WEBHOOK_SECRET));
    const delivery = () =>
      new Request(`${SITE}/webhook`, {
        method: 'POST',
        headers: { 'X-Prove-Authorization': `Bearer ${jwt}` },
        body: JSON.stringify({ notifications: [] }),
      });
    assert.equal((await a.webhook(delivery())).status, 200);
    const replay = await b.webhook(delivery());
    assert.equal(replay.status, 401);
    assert.match(((await replay.json()) as { message: string }).message, /already used/);
  });

  test('two demo apps on one Redis (the store option, REDIS_URL in npm start): one starts, the other answers', async () => {
    const apps = [];
    for (let i = 0; i < 2; i++) {
      const client = new Redis({ host: '127.0.0.1', port });
      clients.push(client);
      apps.push(await startAppOn(stub, { store: redisStore(client) }));
    }
    const [a, b] = apps as [Awaited<ReturnType<typeof startAppOn>>, Awaited<ReturnType<typeof startAppOn>>];
    try {
      const started = await call(a, '/api/verify', ADDY);
      assert.equal(started.status, 200);
      const { flowId } = started.json() as { flowId: string };
      const cookie = demoCookieOf(started);
      assert.equal((await call(b, '/api/verify-status', { flowId }, { cookie })).status, 202);
      stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'success' };
      assert.equal((await call(b, '/api/verify-status', { flowId }, { cookie })).status, 200);
      assert.equal((await call(a, '/api/verify-status', { flowId }, { cookie })).status, 401);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });
});
