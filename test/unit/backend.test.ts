import { expect } from '@open-wc/testing';
import {
  BackendError,
  fetchVerificationResult,
  joinUrl,
  startVerification,
  type BackendConfig,
} from '../../src/backend.js';

const config = (baseUrl: string, timeout = 2000): BackendConfig => ({
  baseUrl,
  verifyPath: '/verify',
  statusPath: '/verify-status',
  credentials: 'same-origin',
  timeout,
});

const request = { firstName: 'A', lastName: 'B', phoneNumber: '+12001004010', possessionType: 'mobile' as const };

async function rejection(promise: Promise<unknown>): Promise<BackendError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(BackendError);
    return error as BackendError;
  }
  throw new Error('expected a rejection');
}

describe('backend client', () => {
  it('joins base and path with exactly one slash', () => {
    expect(joinUrl('/api/', '/verify')).to.equal('/api/verify');
    expect(joinUrl('https://x.test/api', 'verify')).to.equal('https://x.test/api/verify');
  });

  it('answers the authToken and the status result', async () => {
    expect(await startVerification(config('/fake-backend/unit1/ok'), request)).to.deep.equal({
      authToken: 'token-unit1',
      changeNumber: 'restart',
    });
    expect(await fetchVerificationResult(config('/fake-backend/unit1/nomatch'), undefined)).to.deep.include({
      success: false,
    });
  });

  it('names the flow in the status call when the start answered a flowId, and sends {} when it did not', async () => {
    const started = await startVerification(config('/fake-backend/unit10/flow-id'), request);
    expect(started).to.deep.equal({ authToken: 'token-unit10', flowId: 'flow-1', changeNumber: 'restart' });
    await fetchVerificationResult(config('/fake-backend/unit10/flow-id'), 'flow-1');
    await fetchVerificationResult(config('/fake-backend/unit10/flow-id'), undefined);
    const sent = (await (await fetch('/fake-backend/unit10/requests')).json()) as { call: string; body: unknown }[];
    expect(sent.map((r) => [r.call, r.body])).to.deep.equal([
      ['verify', request],
      ['verify-status', { flowId: 'flow-1' }],
      ['verify-status', {}],
    ]);
  });

  it('answers the result when Prove refused at once, and nothing while the status is pending (202)', async () => {
    expect(await startVerification(config('/fake-backend/unit7/verify-refused'), request)).to.deep.equal({
      result: { success: false, possessionResult: 'not_applicable', verifyResult: 'failed' },
    });
    // The first 202 has no body, the second `{pending: true}`.
    expect(await fetchVerificationResult(config('/fake-backend/unit8/status-pending2'), undefined)).to.equal(undefined);
    expect(await fetchVerificationResult(config('/fake-backend/unit8/status-pending2'), undefined)).to.equal(undefined);
    expect(await fetchVerificationResult(config('/fake-backend/unit8/status-pending2'), undefined)).to.deep.include({
      success: true,
    });
  });

  it("reads the start answer's changeNumber: in-flow only when it says so, else restart", async () => {
    const changeOf = async (path: string) =>
      ((await startVerification(config(`/fake-backend/${path}`), request)) as { changeNumber?: string }).changeNumber;
    expect(await changeOf('unit11/ok.in-flow')).to.equal('in-flow');
    expect(await changeOf('unit12/ok.restart')).to.equal('restart');
    expect(await changeOf('unit13/ok')).to.equal('restart');
    expect(await changeOf('unit14/ok.change-bogus')).to.equal('restart');
  });

  it("keeps the verdict's phoneNumber only when it is E.164", async () => {
    await startVerification(config('/fake-backend/unit15/ok'), request);
    expect(await fetchVerificationResult(config('/fake-backend/unit15/ok.proved'), undefined)).to.deep.include({
      success: true,
      phoneNumber: '+12001004010',
    });
    expect(
      await fetchVerificationResult(config('/fake-backend/unit16/ok.proved-447968900002'), undefined),
    ).to.deep.include({ phoneNumber: '+447968900002' });
    const bad = await fetchVerificationResult(config('/fake-backend/unit17/ok.proved-bad'), undefined);
    expect(bad).to.deep.include({ success: true, identityId: 'identity-1' });
    expect(bad).not.to.have.property('phoneNumber');
    for (const phoneNumber of [12001004010, '+02001004010', '+1 200 100 4010', '+1234567890123456', '']) {
      const answer = new Response(JSON.stringify({ success: true, phoneNumber }), {
        headers: { 'Content-Type': 'application/json' },
      });
      const realFetch = globalThis.fetch;
      window.fetch = () => Promise.resolve(answer);
      try {
        expect(await fetchVerificationResult(config('/nowhere'), undefined), String(phoneNumber)).to.deep.equal({
          success: true,
        });
      } finally {
        window.fetch = realFetch;
      }
    }
  });

  it('reads a 429 as rate-limited with its Retry-After', async () => {
    const error = await rejection(startVerification(config('/fake-backend/unit9/verify-429'), request));
    expect(error).to.include({
      code: 'rate-limited',
      status: 429,
      retryAfter: 3,
      message: 'Too many verifications from this address',
    });
  });

  it('carries the status and the server message of a non-2xx answer', async () => {
    const error = await rejection(startVerification(config('/fake-backend/unit2/verify-500'), request));
    expect(error).to.include({ code: 'http', status: 500, serverCode: 'prove_error', message: 'Prove is down' });
  });

  it('tells a timeout from a cancel', async () => {
    const timeout = await rejection(startVerification(config('/fake-backend/unit3/verify-slow', 100), request));
    expect(timeout.code).to.equal('timeout');
    const abort = new AbortController();
    const pending = startVerification(config('/fake-backend/unit4/verify-slow'), request, abort.signal);
    abort.abort();
    expect((await rejection(pending)).code).to.equal('aborted');
  });

  it('calls a non-JSON or shapeless answer malformed', async () => {
    expect((await rejection(startVerification(config('/fake-backend/unit5/verify-notjson'), request))).code).to.equal(
      'malformed',
    );
    expect((await rejection(startVerification(config('/fake-backend/unit6/verify-noauth'), request))).code).to.equal(
      'malformed',
    );
  });
});
