// The flow store and the session cookie: a full store refuses new flows (503 + Retry-After) and
// never ends a live one; expired flows still make room; a flow ends once its verdict is read, by
// one status call only; a new browser key at each start, never one the request brought; the status
// call names its flow. Clock injected.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppOptions, RunningApp } from '../../demo/server/app/index.js';
import { MemoryFlows } from '../../src/server/memory-flows.js';
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
let now = T0;
const apps: RunningApp[] = [];

beforeEach(async () => {
  now = T0;
  stub = await startStubProve();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await stub.close();
});

async function start(options: AppOptions = {}): Promise<RunningApp> {
  const app = await startAppOn(stub, { now: () => now, ...options });
  apps.push(app);
  return app;
}

const startFlow = (app: RunningApp, cookie?: string) => call(app, '/api/verify', ADDY, { cookie });
const flowIdOf = (started: Answer) => (started.json() as { flowId: string }).flowId;
const status = (app: RunningApp, cookie: string, flowId: string) =>
  call(app, '/api/verify-status', { flowId }, { cookie });
/** A start's cookie and flowId. */
async function started(app: RunningApp, cookie?: string): Promise<{ cookie: string; flowId: string }> {
  const answer = await startFlow(app, cookie);
  assert.equal(answer.status, 200, answer.text);
  return { cookie: cookieOf(answer), flowId: flowIdOf(answer) };
}

describe('a full flow store', () => {
  test('refuses a new flow with 503 and Retry-After, before Prove is called; live flows go on', async () => {
    const app = await start({ maxFlows: 2 });
    const a = await started(app);
    now += 5 * MINUTE;
    const b = await started(app);
    const refused = await startFlow(app);
    const error = assertError(refused, 503, 'server_busy');
    assert.match(error.message, /Too many verifications are in progress/);
    // The oldest flow ends in 10 minutes: a place frees then at the latest (capped at a minute).
    assert.equal(refused.headers['retry-after'], '60');
    assert.equal(cookieOf(refused), '', 'no cookie for the refused flow');
    assert.equal(stub.verifies.length, 2, 'Prove never heard of the refused flow, so no text was sent');
    assert.equal((await status(app, a.cookie, a.flowId)).status, 202, 'the oldest flow was not evicted');
    assert.equal((await status(app, b.cookie, b.flowId)).status, 202);
  });

  test('Retry-After says when the oldest flow expires, when that is under a minute', async () => {
    const app = await start({ maxFlows: 1 });
    await startFlow(app);
    now += 15 * MINUTE - 20_000;
    const refused = await startFlow(app);
    assertError(refused, 503, 'server_busy');
    assert.equal(refused.headers['retry-after'], '20');
  });

  test('expired flows are swept to make room', async () => {
    const app = await start({ maxFlows: 2 });
    const old = await started(app);
    await startFlow(app);
    assertError(await startFlow(app), 503);
    now += 15 * MINUTE;
    assert.equal((await startFlow(app)).status, 200, 'both expired: room again');
    assert.equal((await startFlow(app)).status, 200);
    assertError(await status(app, old.cookie, old.flowId), 401, 'session_expired');
  });

  test('a browser starting again takes its own place back; a refused or failed start holds none', async () => {
    const app = await start({ maxFlows: 1 });
    let cookie = cookieOf(await startFlow(app));
    cookie = cookieOf(await startFlow(app, cookie));
    assert.ok(cookie, "the new flow took the place of its own browser's old one");

    const other = await start({ maxFlows: 1 });
    // Prove refuses the person at once: no flow kept, and the place is given back.
    stub.nextVerify = {
      status: 200,
      body: { success: 'false', possessionResult: 'not_applicable', verifyResult: 'failed' },
    };
    assert.equal((await startFlow(other)).status, 200);
    // Prove fails: the place is given back too.
    stub.nextVerify = { status: 500, body: { code: 8000, message: 'error at prove' } };
    assertError(await startFlow(other), 502, 'prove_error');
    assert.equal((await startFlow(other)).status, 200, 'the one place is still free');
    assertError(await startFlow(other), 503, 'server_busy');
  });

  test('reservations: exactly one of commit or release, and the store counts them', () => {
    const store = new MemoryFlows({ maxFlows: 2, sweepIntervalMs: 0, now: () => now });
    const first = store.reserve(undefined)!;
    const second = store.reserve(undefined)!;
    assert.equal(store.reserve(undefined), undefined, 'two held places fill a store of two');
    second.release();
    second.release(); // a second release changes nothing
    const third = store.reserve(undefined)!;
    const flow = { correlationId: 'c1', clientRequestId: 'r1', contract: 'unify', sealed: 'sealed' } as const;
    first.commit(flow, 'browser-1');
    assert.throws(() => first.commit(flow, 'browser-1'), /already ended/);
    assert.equal(store.reserve(undefined), undefined);
    third.release();
    assert.ok(store.reserve(undefined));
    store.close();
  });
});

describe("a flow's verdict is read once", () => {
  test('pending keeps the flow; the final answer clears the cookie and ends it', async () => {
    const app = await start();
    const { cookie, flowId } = await started(app);
    const pending = await status(app, cookie, flowId);
    assert.equal(pending.status, 202);
    assert.equal(pending.headers['set-cookie'], undefined, 'pending leaves the cookie alone');
    assert.equal((await status(app, cookie, flowId)).status, 202, 'the element polls on 202');

    stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'success', identityId: 'id-1' };
    const verdict = await status(app, cookie, flowId);
    assert.equal(verdict.status, 200);
    assert.deepEqual(verdict.json(), {
      success: true,
      possessionResult: 'success',
      verifyResult: 'success',
      phoneNumber: '+12001004010',
      identityId: 'id-1',
    });
    assert.match(String(verdict.headers['set-cookie']), /^pv_session=;.*Max-Age=0/);

    const again = await status(app, cookie, flowId);
    assertError(again, 401, 'session_expired');
    assert.match(String(again.headers['set-cookie']), /^pv_session=;.*Max-Age=0/);
    assert.equal(stub.statuses.length, 3, 'the second read never reached Prove');
  });

  test('a failed verdict ends the flow too', async () => {
    const app = await start();
    const { cookie, flowId } = await started(app);
    stub.status = { success: 'false', possessionResult: 'failed', verifyResult: 'not_applicable' };
    assert.equal((await status(app, cookie, flowId)).status, 200);
    assertError(await status(app, cookie, flowId), 401, 'session_expired');
  });

  test('ten status calls at once for one finished flow: one verdict, one onVerified; the rest are told it is over', async () => {
    const verified: string[] = [];
    const app = await start({ onVerified: (result) => void verified.push(result.flowId) });
    const { cookie, flowId } = await started(app);
    stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'success' };
    const answers = await Promise.all(Array.from({ length: 10 }, () => status(app, cookie, flowId)));
    const verdicts = answers.filter((answer) => answer.status === 200);
    assert.equal(verdicts.length, 1, `statuses: ${answers.map((answer) => answer.status).join(' ')}`);
    assert.equal((verdicts[0]!.json() as { success: boolean }).success, true);
    // Those that read the flow before it was taken asked Prove too, and are told it is over; later ones find no flow.
    const over = answers
      .filter((answer) => answer.status !== 200)
      .map((answer) => assertError(answer, 401, 'session_expired').message);
    assert.ok(
      over.includes('This verification is already over: start again'),
      'some calls raced the one that took the flow',
    );
    assert.deepEqual(verified, [flowId]);
  });
});

describe('two flows of one browser (two elements or two tabs)', () => {
  const statusOf = (app: RunningApp, cookie: string, flowId: string) =>
    call(app, '/api/verify-status', { flowId }, { cookie });

  test('each start answers its own flowId and a new key; each status call, with the latest cookie, reads its own flow, and the cookie stays until the last', async () => {
    const app = await start();
    const first = await startFlow(app);
    const second = await startFlow(app, cookieOf(first));
    const cookie = cookieOf(second);
    assert.match(cookie, /^pv_session=[A-Za-z0-9_-]{43}$/);
    assert.notEqual(cookie, cookieOf(first), 'a new key at each start');
    const [a, b] = [flowIdOf(first), flowIdOf(second)];
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
    // The first tab's flow moved to the new key: the browser sends that cookie from both tabs now.
    assertError(await statusOf(app, cookieOf(first), a), 401, 'session_expired');

    stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'success' };
    const verdictA = await statusOf(app, cookie, a);
    assert.equal(verdictA.status, 200);
    assert.equal(verdictA.headers['set-cookie'], undefined, 'the other flow still needs the cookie');
    assert.equal(stub.statuses.at(-1)!.correlationId, 'correlation-1');
    const verdictB = await statusOf(app, cookie, b);
    assert.equal(verdictB.status, 200);
    assert.equal(stub.statuses.at(-1)!.correlationId, 'correlation-2');
    assert.match(String(verdictB.headers['set-cookie']), /^pv_session=;.*Max-Age=0/);
    assertError(await statusOf(app, cookie, a), 401, 'session_expired');
  });

  test("a flowId is nothing without its browser's cookie, and a cookie the server did not issue is never taken as a key", async () => {
    const app = await start();
    const mine = await startFlow(app);
    const flowId = flowIdOf(mine);
    const theirs = cookieOf(await startFlow(app));
    assertError(await statusOf(app, theirs, flowId), 401, 'session_expired');
    const planted = `pv_session=${'A'.repeat(43)}`;
    const plantedStart = await startFlow(app, planted);
    assert.notEqual(cookieOf(plantedStart), planted);
    assertError(await statusOf(app, planted, flowIdOf(plantedStart)), 401, 'session_expired');
    assertError(
      await call(app, '/api/verify-status', { flowId: 'not an id!' }, { cookie: cookieOf(mine) }),
      400,
      'invalid_request',
    );
    assert.equal(stub.statuses.length, 0, 'Prove was never asked');
  });

  test("session fixation: a key of the attacker's own, planted in the victim's browser, names none of the victim's flows", async () => {
    const app = await start();
    const attacker = await started(app);
    // The victim's browser starts with the attacker's cookie (planted through a subdomain or an http page).
    const victim = await started(app, attacker.cookie);
    assert.notEqual(victim.cookie, attacker.cookie);
    stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'success' };
    assertError(await statusOf(app, attacker.cookie, victim.flowId), 401, 'session_expired');
    assertError(await statusOf(app, attacker.cookie, attacker.flowId), 401, 'session_expired');
    assert.equal(stub.statuses.length, 0, "the attacker's key reads nothing, not even its own flow any more");
    assert.equal(
      (await statusOf(app, victim.cookie, victim.flowId)).status,
      200,
      "the victim's verdict is the victim's",
    );
  });

  test('the status call names its flow: without a flowId it is a 400, and Prove is not asked', async () => {
    const app = await start();
    const { cookie } = await started(app);
    const answer = await call(app, '/api/verify-status', {}, { cookie });
    assert.equal(assertError(answer, 400, 'invalid_request').message, 'flowId is required');
    assert.equal(stub.statuses.length, 0);
  });

  test("two session cookies in one request: 400 telling to clear the site's cookies, on either call, and nothing is read", async () => {
    const app = await start();
    const { cookie, flowId } = await started(app);
    for (const both of [`${cookie}; pv_session=${'B'.repeat(43)}`, `pv_session=${'B'.repeat(43)}; ${cookie}`]) {
      assert.match(
        assertError(await statusOf(app, both, flowId), 400, 'invalid_request').message,
        /Two pv_session cookies.*clear this site's cookies/,
      );
      assertError(await startFlow(app, both), 400, 'invalid_request');
    }
    assert.equal(stub.statuses.length, 0);
    assert.equal(stub.verifies.length, 1);
    assert.equal((await statusOf(app, cookie, flowId)).status, 202, 'one cookie: the flow goes on');
  });

  test('a sixth flow of one browser ends its first', async () => {
    const app = await start();
    const first = await started(app);
    let { cookie, flowId } = first;
    for (let i = 0; i < 5; i++) ({ cookie, flowId } = await started(app, cookie));
    assertError(await statusOf(app, cookie, first.flowId), 401, 'session_expired');
    assert.equal((await statusOf(app, cookie, flowId)).status, 202);
    assert.equal(stub.statuses.at(-1)!.correlationId, 'correlation-6');
  });
});
