/**
 * What a person sees when the Redis behind prove-verify-server stalls or stops mid-flow, against a
 * real redis-server (Debian's; .ci/run installs it) with AOF on, as docs/server.md asks, and the client
 * settings of that page's snippet (test/stacks/server/redis.ts). Paused (SIGSTOP) or stopped
 * (SIGKILL), every call answers 503 store_unavailable with Retry-After within the commandTimeout,
 * never a 500 and never a verdict; started again on the same AOF directory, the flow finishes with
 * its own verdict, given once. Without AOF the same restart ends the flow: the status call answers
 * 401 and the element offers to start again.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { freeLoopbackPort } from '../../../demo/server/loopback.js';
import {
  createProveVerifyHandlers,
  NO_LIMITS,
  redisStore,
  type ProveVerifyHandlers,
  type VerifiedResult,
} from '../../../src/server/index.js';
import { ADDY, resetStub, startStubProve, type StubProve } from '../../server/app-helpers.js';
import { skipWithoutRedis, startRedisServer, stopRedisServer } from './redis-server.js';

const SITE = 'https://shop.example';
/** docs/server.md's client settings, as its snippet has them (checked against the fixture below). */
const SNIPPET_CLIENT = { commandTimeout: 1000, enableOfflineQueue: false, autoResendUnfulfilledCommands: false };
const FIXTURE = new URL('../../stacks/server/redis.ts', import.meta.url);
const VERDICT = { success: 'true', possessionResult: 'success', verifyResult: 'success' };

let stub: StubProve;
let port = 0;
let dir = '';
let server: ChildProcess | undefined;
let client: Redis;
let handlers: ProveVerifyHandlers;
/** What the client's 'error' listener wrote, one line each. */
let redisErrors: string[] = [];
let verified: VerifiedResult[] = [];
let logged: string[] = [];

async function startRedis(persistence: 'aof' | 'none'): Promise<void> {
  server = await startRedisServer(port, ['--dir', dir, '--appendonly', persistence === 'aof' ? 'yes' : 'no']);
}

async function stopRedis(signal: NodeJS.Signals): Promise<void> {
  await stopRedisServer(server, signal);
}

/** Waits, asking every 50 ms, until the client is connected again (ioredis reconnects by itself). */
async function untilReady(timeoutMs = 20_000): Promise<number> {
  const started = performance.now();
  while (client.status !== 'ready') {
    assert.ok(performance.now() - started < timeoutMs, `the client did not reconnect (${client.status})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
}

function post(route: string, body: unknown, cookie = ''): Request {
  return new Request(`${SITE}/api/${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE, ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify(body),
  });
}

async function startFlow(): Promise<{ cookie: string; flowId: string }> {
  const started = await handlers.verify(post('verify', ADDY), { clientAddress: '203.0.113.9' });
  assert.equal(started.status, 200);
  return {
    cookie: started.headers.get('set-cookie')!.split(';')[0]!,
    flowId: ((await started.json()) as { flowId: string }).flowId,
  };
}

/** The status call as the element makes it, timed. */
async function status({ cookie, flowId }: { cookie: string; flowId: string }) {
  const begun = performance.now();
  const answer = await handlers.verifyStatus(post('verify-status', { flowId }, cookie), {
    clientAddress: '203.0.113.9',
  });
  return { answer, ms: performance.now() - begun, body: (await answer.json()) as Record<string, unknown> };
}

function assertStoreUnavailable({ answer, body, ms }: Awaited<ReturnType<typeof status>>, withinMs: number) {
  assert.equal(answer.status, 503, JSON.stringify(body));
  assert.equal(body.code, 'store_unavailable');
  assert.equal(answer.headers.get('retry-after'), '5');
  assert.ok(ms < withinMs, `answered after ${Math.round(ms)} ms`);
}

describe('Redis paused or stopped mid-flow: what the person sees', { skip: skipWithoutRedis }, () => {
  before(async () => {
    stub = await startStubProve();
    port = await freeLoopbackPort();
  });
  beforeEach(async () => {
    resetStub(stub);
    dir = mkdtempSync(path.join(tmpdir(), 'pv-redis-'));
    await startRedis('aof');
    redisErrors = [];
    verified = [];
    logged = [];
    client = new Redis({ host: '127.0.0.1', port, ...SNIPPET_CLIENT });
    client.on('error', (error: Error) => redisErrors.push(error.message));
    await once(client, 'ready');
    handlers = createProveVerifyHandlers({
      prove: { baseUrl: stub.url, clientId: 'id', clientSecret: 'secret' },
      finalTarget: { landingUrl: `${SITE}/link-opened.html` },
      pageOrigins: [SITE],
      limits: NO_LIMITS,
      flow: 'verify-status',
      store: redisStore(client),
      onVerified: (result) => void verified.push(result),
      log: (line) => logged.push(line),
    });
  });
  afterEach(async () => {
    await handlers.close();
    client.disconnect();
    await stopRedis('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
  after(async () => {
    await stub?.close();
  });

  test("docs/server.md's snippet has the client settings used here, and an 'error' listener", () => {
    const fixture = readFileSync(FIXTURE, 'utf8');
    for (const [name, value] of Object.entries(SNIPPET_CLIENT))
      assert.ok(fixture.includes(`${name}: ${value}`), `${name}: ${value}`);
    assert.match(fixture, /redis\.on\('error', /);
  });

  test('paused (SIGSTOP): each call answers 503 store_unavailable within the commandTimeout; resumed, the flow finishes, its verdict given once', async () => {
    const flow = await startFlow();
    // Prove has the verdict when Redis stalls: the person, back from their phone, must not be told it expired.
    stub.status = VERDICT;
    server!.kill('SIGSTOP');
    const paused = await status(flow);
    assertStoreUnavailable(paused, SNIPPET_CLIENT.commandTimeout + 500);
    assert.ok(
      paused.ms >= SNIPPET_CLIENT.commandTimeout - 50,
      `a paused Redis is found out by the timeout (${Math.round(paused.ms)} ms)`,
    );
    const start = await handlers.verify(post('verify', ADDY), { clientAddress: '203.0.113.9' });
    assert.equal(start.status, 503);
    assert.equal(stub.verifies.length, 1, 'a start the store could not keep sent no text');
    assert.equal(verified.length, 0, 'no verdict while the store is paused');
    console.log(
      `# Redis paused: the status call answered 503 store_unavailable after ${Math.round(paused.ms)} ms (commandTimeout ${SNIPPET_CLIENT.commandTimeout} ms)`,
    );

    server!.kill('SIGCONT');
    const verdict = await status(flow);
    assert.equal(verdict.answer.status, 200, JSON.stringify(verdict.body));
    assert.deepEqual(verdict.body, {
      success: true,
      possessionResult: 'success',
      verifyResult: 'success',
      phoneNumber: '+12001004010',
    });
    assert.equal((await status(flow)).answer.status, 401, 'given once');
    assert.deepEqual(
      verified.map((result) => [result.flowId, result.success]),
      [[flow.flowId, true]],
    );
    assert.ok(
      logged.some((line) =>
        line.startsWith('prove-verify 503 store_unavailable POST /api/verify-status: StoreUnavailableError'),
      ),
    );
  });

  test('stopped (SIGKILL) and started again on its AOF: 503 at once meanwhile, then the verdict Prove gave, once', async () => {
    const flow = await startFlow();
    const other = await startFlow();
    stub.status = VERDICT;
    await stopRedis('SIGKILL');
    const down: Awaited<ReturnType<typeof status>>[] = [];
    for (let i = 0; i < 5; i++) down.push(await status(flow));
    for (const answer of down) assertStoreUnavailable(answer, 250);
    assert.equal(verified.length, 0);
    assert.equal(stub.statuses.length, 0, 'Prove is not asked while the flow cannot be read');
    const slowest = Math.max(...down.map((answer) => answer.ms));
    console.log(
      `# Redis stopped: 5 status calls answered 503 store_unavailable, the slowest after ${slowest.toFixed(1)} ms`,
    );

    // Down long enough for ioredis to fail a reconnection: its 'error' listener's line.
    const heard = performance.now();
    while (redisErrors.length === 0) {
      assert.ok(performance.now() - heard < 10_000, 'ioredis never tried to reconnect');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const answer of [await status(flow), await status(other)]) assertStoreUnavailable(answer, 250);
    await startRedis('aof');
    const back = await untilReady();
    console.log(`# Redis started again: the client was ready ${Math.round(back)} ms after redis-server was`);
    const verdict = await status(flow);
    assert.equal(verdict.answer.status, 200, JSON.stringify(verdict.body));
    assert.deepEqual(verdict.body, {
      success: true,
      possessionResult: 'success',
      verifyResult: 'success',
      phoneNumber: '+12001004010',
    });
    const again = await status(flow);
    assert.equal(again.answer.status, 401);
    stub.status = { success: 'false', possessionResult: 'failed', verifyResult: 'not_applicable' };
    const otherVerdict = await status(other);
    assert.equal(otherVerdict.body.success, false, "the other flow's own verdict, not the first's");
    assert.deepEqual(
      verified.map((result) => [result.flowId, result.success]),
      [
        [flow.flowId, true],
        [other.flowId, false],
      ],
    );
    assert.match(redisErrors[0]!, /ECONNREFUSED/);
  });

  test('without persistence the same restart ends the flows in progress: 401, and the element offers to start again', async () => {
    await stopRedis('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(path.join(tmpdir(), 'pv-redis-'));
    await startRedis('none');
    await untilReady();
    const flow = await startFlow();
    stub.status = VERDICT;
    await stopRedis('SIGKILL');
    await startRedis('none');
    await untilReady();
    const lost = await status(flow);
    assert.equal(lost.answer.status, 401);
    assert.equal(lost.body.code, 'session_expired');
    assert.equal(verified.length, 0);
  });
});
