/**
 * The two Prove contracts behind the handlers' one seam, against the stand-in for Prove
 * (app-helpers.ts): `unify` (the default) binds the verdict to the number Prove proved and runs
 * the identity check on it; `verify-status` keeps the July 2025 guide's calls and refuses an answer naming
 * another number; onVerified hears each verdict once; the store holds nobody's name or number.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  createProveVerifyHandlers,
  memoryStore,
  NO_LIMITS,
  ProveClient,
  type ProveVerifyHandlers,
  type ProveVerifyOptions,
  type ProveVerifyStore,
  type VerifiedResult,
} from '../../src/server/index.js';
import { ADDY, resetStub, startStubProve, type StubProve } from './app-helpers.js';

const SITE = 'https://shop.example';
const LANDING = `${SITE}/link-opened.html`;

let stub: StubProve;
const made: ProveVerifyHandlers[] = [];
const logged: string[] = [];

function handlers(options: Partial<ProveVerifyOptions> = {}): ProveVerifyHandlers {
  const created = createProveVerifyHandlers({
    prove: { baseUrl: stub.url, clientId: 'id', clientSecret: 'secret' },
    finalTarget: { landingUrl: LANDING },
    pageOrigins: [SITE],
    limits: NO_LIMITS,
    log: (line) => logged.push(line),
    ...options,
  });
  made.push(created);
  return created;
}

function post(path: string, body: unknown, cookie?: string): Request {
  return new Request(`${SITE}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE, ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify(body),
  });
}

interface Started {
  flowId: string;
  cookie: string;
  body: Record<string, unknown>;
}

/** The connection's address, as a runtime passes it (without one, the handlers log a warning once). */
const PEER = { clientAddress: '203.0.113.7' };

async function start(h: ProveVerifyHandlers, person: object = ADDY): Promise<Started> {
  const answer = await h.verify(post('/verify', person), PEER);
  assert.equal(answer.status, 200, await answer.clone().text());
  const body = (await answer.json()) as Record<string, unknown>;
  return { flowId: body.flowId as string, cookie: answer.headers.get('set-cookie')!.split(';')[0]!, body };
}

async function status(
  h: ProveVerifyHandlers,
  flow: Started,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await h.verifyStatus(post('/verify-status', { flowId: flow.flowId }, flow.cookie), PEER);
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

/** An onVerified that records its calls and answers `extra`. */
function recorder(extra: Record<string, unknown> = {}) {
  const calls: Array<{ result: VerifiedResult; url: string }> = [];
  const onVerified = (result: VerifiedResult, request: Request) => {
    calls.push({ result, url: request.url });
    return extra;
  };
  return { calls, onVerified };
}

before(async () => {
  stub = await startStubProve();
});
beforeEach(() => {
  logged.length = 0;
  resetStub(stub);
});
after(async () => {
  await Promise.all(made.map((h) => h.close()));
  await stub.close();
});

describe("flow: 'unify' (the default), Prove's current contract", () => {
  test('starts at /v3/unify with our clientRequestId and tells the page it may change number in the flow', async () => {
    const flow = await start(handlers({ allowOtpRetry: true }));
    assert.deepEqual(Object.keys(flow.body).sort(), ['authToken', 'changeNumber', 'flowId']);
    assert.equal(flow.body.changeNumber, 'in-flow');
    assert.equal(stub.verifies.length, 0, 'no /v3/verify at the start');
    const sent = stub.unifies[0]!;
    assert.deepEqual(Object.keys(sent).sort(), [
      'allowOTPRetry',
      'clientRequestId',
      'finalTargetUrl',
      'phoneNumber',
      'possessionType',
    ]);
    assert.equal(sent.phoneNumber, '+12001004010');
    assert.equal(sent.possessionType, 'desktop');
    assert.equal(sent.finalTargetUrl, LANDING);
    assert.equal(sent.allowOTPRetry, true);
    assert.match(String(sent.clientRequestId), /^[0-9a-f-]{36}$/);
  });

  test('pending, then possession of ANOTHER number: the identity check and the verdict name the number proved', async () => {
    const hook = recorder({ token: 'signed-by-the-site', success: false, phoneNumber: '+10000000000' });
    const h = handlers({ onVerified: hook.onVerified });
    const flow = await start(h);
    assert.deepEqual(await status(h, flow), { status: 202, body: { pending: true } });
    const clientRequestId = stub.unifies[0]!.clientRequestId;
    assert.equal(stub.unifyStatuses[0]!.clientRequestId, clientRequestId);
    assert.match(String(stub.unifyStatuses[0]!.correlationId), /^correlation-\d+$/);
    assert.equal(hook.calls.length, 0, 'no verdict, no call');

    // The person took the SDK's change-number step; Prove writes the number without +1.
    stub.unifyStatus = {
      success: 'true',
      correlationId: 'correlation-1',
      phoneNumber: '2001004011',
      proveId: 'prove-id-0',
    };
    const verdict = await status(h, flow);
    assert.equal(verdict.status, 200);
    assert.deepEqual(stub.identities, [
      {
        verificationType: 'verifiedUser',
        phoneNumber: '+12001004011',
        firstName: 'Addy',
        lastName: 'Epinay',
        clientRequestId,
      },
    ]);
    assert.deepEqual(verdict.body, {
      token: 'signed-by-the-site',
      success: true,
      possessionResult: 'success',
      verifyResult: 'success',
      phoneNumber: '+12001004011',
      proveId: 'prove-id-1',
      assuranceLevel: 'AL2',
      reasons: ['NA'],
    });
    assert.equal(hook.calls.length, 1);
    assert.deepEqual(hook.calls[0]!.result, {
      success: true,
      phoneNumber: '+12001004011',
      firstName: 'Addy',
      lastName: 'Epinay',
      proveId: 'prove-id-1',
      assuranceLevel: 'AL2',
      flowId: flow.flowId,
    });
    assert.equal(hook.calls[0]!.url, `${SITE}/verify-status`, 'the hook gets the request');
  });

  test('unify-status false: a failure, no identity check, and onVerified hears it', async () => {
    const hook = recorder();
    const h = handlers({ onVerified: hook.onVerified });
    const flow = await start(h);
    stub.unifyStatus = { success: 'false', correlationId: 'correlation-1', phoneNumber: '+12001004010' };
    const verdict = await status(h, flow);
    assert.deepEqual(verdict, {
      status: 200,
      body: { success: false, possessionResult: 'failed', verifyResult: 'not_applicable', phoneNumber: '+12001004010' },
    });
    assert.equal(stub.identities.length, 0);
    assert.equal(hook.calls.length, 1);
    assert.equal(hook.calls[0]!.result.success, false);
  });

  test('the identity check says false: a failure with its reasons', async () => {
    const h = handlers();
    const flow = await start(h);
    stub.unifyStatus = { success: 'true', phoneNumber: '+12001004010' };
    stub.identity = {
      success: 'false',
      phoneNumber: '+12001004010',
      proveId: 'p-2',
      identity: { firstName: 'Addy', lastName: 'Epinay', assuranceLevel: 'AL0', reasons: ['NM'] },
    };
    const verdict = await status(h, flow);
    assert.equal(verdict.status, 200);
    assert.deepEqual(verdict.body, {
      success: false,
      possessionResult: 'success',
      verifyResult: 'failed',
      phoneNumber: '+12001004010',
      proveId: 'p-2',
      assuranceLevel: 'AL0',
      reasons: ['NM'],
    });
  });

  test('an identity of another number than the one proved is a failure', async () => {
    const h = handlers();
    const flow = await start(h);
    stub.unifyStatus = { success: 'true', phoneNumber: '+12001004011' };
    stub.identity = {
      success: 'true',
      phoneNumber: '+12001004010',
      proveId: 'p-3',
      identity: { assuranceLevel: 'AL2', reasons: [] },
    };
    const verdict = await status(h, flow);
    assert.equal(verdict.body.success, false);
    assert.equal(verdict.body.phoneNumber, '+12001004011');
  });

  test('possession_required: 500 prove_contract telling the integrator why, one log line, no verdict', async () => {
    const hook = recorder();
    const h = handlers({ onVerified: hook.onVerified });
    const flow = await start(h);
    stub.unifyStatus = { success: 'possession_required', correlationId: 'correlation-1', phoneNumber: '+12001004010' };
    const answer = await status(h, flow);
    assert.equal(answer.status, 500);
    assert.equal(answer.body.code, 'prove_contract');
    assert.match(String(answer.body.message), /possession_required.*possessionType "none"/);
    assert.deepEqual(logged, [`prove-verify 500 prove_contract POST /verify-status: ${String(answer.body.message)}`]);
    assert.equal(stub.identities.length, 0);
    assert.equal(hook.calls.length, 0);
  });

  test('a success that names no phone binds nothing: 502, no identity check, no verdict', async () => {
    const h = handlers();
    const flow = await start(h);
    stub.unifyStatus = { success: 'true', correlationId: 'correlation-1' };
    const answer = await status(h, flow);
    assert.equal(answer.status, 502);
    assert.equal(answer.body.code, 'prove_error');
    assert.equal(stub.identities.length, 0);
  });

  test('clientCustomerId, from your own session, goes to the start and to the identity check', async () => {
    const h = handlers({
      clientCustomerId: (request) => (request.headers.get('cookie')?.includes('site=') ? 'customer-7' : undefined),
    });
    const answer = await h.verify(
      new Request(`${SITE}/verify`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: SITE, Cookie: 'site=abc' },
        body: JSON.stringify(ADDY),
      }),
    );
    const { flowId } = (await answer.json()) as { flowId: string };
    const cookie = `${answer.headers.get('set-cookie')!.split(';')[0]!}; site=abc`;
    assert.equal(stub.unifies[0]!.clientCustomerId, 'customer-7');
    stub.unifyStatus = { success: 'true', phoneNumber: '+12001004010' };
    assert.equal((await status(h, { flowId, cookie, body: {} })).status, 200);
    assert.equal(stub.identities[0]!.clientCustomerId, 'customer-7');
    await start(h);
    assert.equal('clientCustomerId' in stub.unifies[1]!, false, 'none without one');
  });
});

describe("flow: 'verify-status', the seed's contract", () => {
  test('restart to change number; the verdict names the started number', async () => {
    const hook = recorder();
    const h = handlers({ flow: 'verify-status', onVerified: hook.onVerified });
    const flow = await start(h);
    assert.equal(flow.body.changeNumber, 'restart');
    assert.equal(stub.unifies.length, 0);
    stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'success', identityId: 'id-1' };
    const verdict = await status(h, flow);
    assert.deepEqual(verdict.body, {
      success: true,
      possessionResult: 'success',
      verifyResult: 'success',
      phoneNumber: '+12001004010',
      identityId: 'id-1',
    });
    assert.deepEqual(hook.calls[0]!.result, {
      success: true,
      phoneNumber: '+12001004010',
      firstName: 'Addy',
      lastName: 'Epinay',
      flowId: flow.flowId,
    });
  });

  test('an answer naming another number than the started one is a failure; the same number, however written, is not', async () => {
    const h = handlers({ flow: 'verify-status' });
    stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'success', phoneNumber: '2001004011' };
    const other = await status(h, await start(h));
    assert.equal(other.body.success, false);
    assert.equal(other.body.possessionResult, 'failed');
    assert.equal(other.body.phoneNumber, '+12001004010');
    stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'success', phoneNumber: '2001004010' };
    assert.equal((await status(h, await start(h))).body.success, true);
  });

  test('a person Prove refuses at once: the refusal as today, no flow kept, onVerified not called', async () => {
    const hook = recorder();
    const h = handlers({ flow: 'verify-status', onVerified: hook.onVerified });
    stub.nextVerify = {
      status: 200,
      body: { success: 'false', possessionResult: 'not_applicable', verifyResult: 'failed' },
    };
    const answer = await h.verify(post('/verify', ADDY));
    assert.deepEqual(await answer.json(), {
      success: false,
      possessionResult: 'not_applicable',
      verifyResult: 'failed',
    });
    assert.equal(hook.calls.length, 0);
  });
});

describe('onVerified: exactly once per flow, before the answer', () => {
  test('it throws: 500 internal_error, the flow is over all the same, and it is not called again', async () => {
    let calls = 0;
    const h = handlers({
      onVerified: () => {
        calls++;
        throw new Error('the site database is down');
      },
    });
    const flow = await start(h);
    stub.unifyStatus = { success: 'true', phoneNumber: '+12001004010' };
    const failed = await status(h, flow);
    assert.equal(failed.status, 500);
    assert.equal(failed.body.code, 'internal_error');
    const again = await status(h, flow);
    assert.equal(again.status, 401);
    assert.equal(again.body.code, 'session_expired');
    assert.equal(calls, 1);
    assert.equal(stub.unifyStatuses.length, 1, 'Prove is not asked again either');
  });

  test('a sequential retry after the verdict finds the flow over: one call', async () => {
    const hook = recorder();
    const h = handlers({ onVerified: hook.onVerified });
    const flow = await start(h);
    stub.unifyStatus = { success: 'true', phoneNumber: '+12001004010' };
    assert.equal((await status(h, flow)).status, 200);
    assert.equal((await status(h, flow)).status, 401);
    assert.equal(hook.calls.length, 1);
  });

  test('two status calls at once for a finished flow (memory store): one verdict, one call, the other told the flow is over', async () => {
    const hook = recorder();
    const h = handlers({
      onVerified: async (result, request) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return hook.onVerified(result, request);
      },
    });
    const flow = await start(h);
    stub.unifyStatus = { success: 'true', phoneNumber: '+12001004010' };
    const answers = await Promise.all([status(h, flow), status(h, flow), status(h, flow)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 401, 401]);
    assert.equal(hook.calls.length, 1);
    assert.equal(answers.find((a) => a.status === 200)!.body.success, true);
  });

  test('an answer that is not an object adds nothing', async () => {
    const h = handlers({ onVerified: (() => 'not an object') as never });
    const flow = await start(h);
    stub.unifyStatus = { success: 'false', phoneNumber: '+12001004010' };
    const verdict = await status(h, flow);
    assert.deepEqual(Object.keys(verdict.body).sort(), ['phoneNumber', 'possessionResult', 'success', 'verifyResult']);
  });
});

describe('the store holds the flow sealed', () => {
  /** Every flow record the store keeps, as it keeps it. */
  async function recordOf(store: ProveVerifyStore, flow: Started): Promise<string> {
    const found = await store.flows.flowOf(flow.cookie.split('=')[1], flow.flowId);
    assert.ok(found);
    return JSON.stringify(found[1]);
  }

  for (const contract of ['unify', 'verify-status'] as const) {
    test(`${contract}: no name and no phone number in clear, and the contract it started in`, async () => {
      const store = memoryStore();
      const h = handlers({ flow: contract, store });
      const flow = await start(h, { ...ADDY, possessionType: 'mobile' });
      const record = await recordOf(store, flow);
      for (const personal of ['Addy', 'Epinay', '2001004010', '+12001004010'])
        assert.ok(!record.includes(personal), `the record holds ${personal}: ${record}`);
      const parsed = JSON.parse(record) as Record<string, unknown>;
      assert.equal(parsed.contract, contract);
      assert.match(String(parsed.correlationId), /^correlation-\d+$/);
      assert.match(String(parsed.sealed), /^[A-Za-z0-9_-]{40,}$/);
      await store.close();
    });
  }

  test("machines with the same client secret read each other's flows; another secret reads none (401, start again)", async () => {
    const store = memoryStore();
    const one = handlers({ store });
    const two = handlers({
      store,
      prove: new ProveClient({ baseUrl: stub.url, clientId: 'id', clientSecret: 'secret' }),
    });
    const other = handlers({ store, prove: { baseUrl: stub.url, clientId: 'id', clientSecret: 'another-secret' } });
    stub.unifyStatus = { success: 'true', phoneNumber: '+12001004010' };
    const flow = await start(one);
    assert.equal((await status(two, flow)).status, 200);
    assert.equal(stub.identities[0]!.firstName, 'Addy', 'the names opened on the other machine');
    const stranger = await start(one);
    const refused = await status(other, stranger);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.code, 'session_expired');
    assert.equal(stub.unifyStatuses.length, 1, 'a flow that does not open never reaches Prove');
    await store.close();
  });

  test('a sealed person moved onto another flow does not open', async () => {
    const store = memoryStore();
    const h = handlers({ store });
    const a = await start(h);
    const b = await start(h, { ...ADDY, firstName: 'Mallory' });
    const browserOf = (flow: Started) => flow.cookie.split('=')[1]!;
    const [, recordA] = (await store.flows.flowOf(browserOf(a), a.flowId))!;
    const [, recordB] = (await store.flows.flowOf(browserOf(b), b.flowId))!;
    recordA.sealed = recordB.sealed;
    const answer = await status(h, a);
    assert.equal(answer.status, 401);
    assert.equal(stub.unifyStatuses.length, 0);
    await store.close();
  });

  test('ProveClient derives the key from its secret and never lets it out', async () => {
    const client = new ProveClient({ baseUrl: stub.url, clientId: 'id', clientSecret: 'secret' });
    const key = await client.deriveKey('a purpose');
    assert.equal(key.extractable, false);
    assert.equal(key.algorithm.name, 'AES-GCM');
    assert.equal(await client.deriveKey('a purpose'), key, 'derived once');
    assert.ok(!JSON.stringify(client).includes('secret'));
  });
});
