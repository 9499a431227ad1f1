import { expect } from '@open-wc/testing';
import { BackendError } from '../../src/backend.js';
import {
  backendFailed,
  configMissing,
  interrupted,
  linkExpired,
  sdkFailed,
  statusFailed,
  stillPending,
} from '../../src/flow/failures.js';
import type { FlowState } from '../../src/flow/state.js';
import { PROVE_MOBILE_AUTH_HOSTS } from '../../src/prove-hosts.js';
import { SdkFailure, type SdkFailureReason } from '../../src/sdk.js';

/** What failures.ts answers for each way a flow fails: the step, the event, the console line. */

const NOW = 1_000_000;
const values = { firstName: 'Addy', lastName: 'Epinay', phone: '2001004010' };
const sends = { count: 1, expiresAt: NOW + 120_000, resendAt: NOW + 30_000 };
const codeEntry: FlowState = { name: 'otp-entry', values, possession: 'mobile', sends, prompt: 1, expired: false };
const linkSending: FlowState = { name: 'link-sending', values, possession: 'desktop', sends };
const linkWaiting: FlowState = { name: 'link-waiting', values, possession: 'desktop', sends, canResend: true };

/** What `sdk('network')` reports to the page: the SDK's words and Prove's code, recoverable. */
const SDK_NETWORK_ERROR = {
  code: 'network',
  message: 'network happened',
  proveCode: 10001,
  proveMessage: 'Prove says no',
  recoverable: true,
};
const backend = (error: BackendError, call: 'start' | 'status' = 'start') => backendFailed(error, call, NOW);
interface Where {
  state?: FlowState;
  possession?: 'mobile' | 'desktop';
  online?: boolean;
  proveOrigin?: string;
}
const sdk = (
  reason: SdkFailureReason,
  { state = codeEntry, possession = 'mobile', online = true, proveOrigin }: Where = {},
) =>
  sdkFailed(
    new SdkFailure(reason, `${reason} happened`, 10001, 'Prove says no', proveOrigin),
    { state, possession, online },
    NOW,
  );

describe('failures', () => {
  it('a missing backend-url: the form with "Verify" again, and a set-up error nothing can mend', () => {
    expect(configMissing()).to.deep.equal({
      end: true,
      action: {
        type: 'failed',
        code: 'config',
        status: undefined,
        retry: 'start',
        retryAt: undefined,
        retryAfter: undefined,
      },
      error: { code: 'config', message: 'The backend-url attribute is not set.', recoverable: false },
    });
  });

  it('a call the flow aborted itself: nothing', () => {
    expect(backend(new BackendError('aborted', 'aborted'))).to.equal(undefined);
    expect(backend(new BackendError('aborted', 'aborted'), 'status')).to.equal(undefined);
  });

  it("the backend's refusal of the start: an error the start can be tried again from, with the status", () => {
    expect(backend(new BackendError('http', 'HTTP 500', 500))).to.deep.equal({
      end: true,
      action: { type: 'failed', code: 'http', status: 500, retry: 'start', retryAt: undefined, retryAfter: undefined },
      error: { code: 'http', message: 'HTTP 500', status: 500, recoverable: true },
    });
    // The status call's failure keeps the attempt: "Try again" asks for the verdict again.
    expect(backend(new BackendError('timeout', 'timed out'), 'status')).to.deep.equal({
      end: false,
      action: {
        type: 'failed',
        code: 'timeout',
        status: undefined,
        retry: 'status',
        retryAt: undefined,
        retryAfter: undefined,
      },
      error: { code: 'timeout', message: 'timed out', recoverable: true },
    });
  });

  it('a Retry-After: "Try again" waits until then, and the event names the wait', () => {
    expect(backend(new BackendError('rate-limited', 'slow down', 429, undefined, 3))).to.deep.equal({
      end: true,
      action: { type: 'failed', code: 'rate-limited', status: 429, retry: 'start', retryAt: NOW + 3000, retryAfter: 3 },
      error: { code: 'rate-limited', message: 'slow down', status: 429, retryAfter: 3, recoverable: true },
    });
  });

  it('401 or 410 on the status call: the session expired; on the start, an HTTP error', () => {
    for (const status of [401, 410]) {
      expect(backend(new BackendError('http', 'gone', status), 'status')).to.deep.equal({
        end: true,
        action: { type: 'expired', reason: 'session' },
        error: { code: 'expired', message: 'gone', status, recoverable: true },
      });
      expect(backend(new BackendError('http', 'gone', status))?.action).to.include({ type: 'failed', code: 'http' });
    }
  });

  it("the backend refusing this page's origin: a set-up error, with no way to try again", () => {
    expect(backend(new BackendError('origin', 'CORS'), 'status')).to.deep.equal({
      end: false,
      action: {
        type: 'failed',
        code: 'integration',
        status: undefined,
        retry: 'status',
        retryAt: undefined,
        retryAfter: undefined,
      },
      error: { code: 'integration', message: 'CORS', recoverable: false },
    });
  });

  it('the status call failing otherwise, or pending for 30 s: an error that asks for the verdict again', () => {
    expect(statusFailed(new TypeError('boom'))).to.deep.include({
      end: false,
      error: { code: 'sdk', message: 'boom', recoverable: true },
    });
    expect(stillPending()).to.deep.equal({
      end: false,
      action: {
        type: 'failed',
        code: 'pending',
        status: undefined,
        retry: 'status',
        retryAt: undefined,
        retryAfter: undefined,
      },
      error: { code: 'pending', message: 'The backend had no result after 30 seconds (HTTP 202).', recoverable: true },
    });
  });

  it("the SDK's expired token, or an expired code: the session expired, with Prove's words", () => {
    for (const reason of ['token-expired', 'expired'] as const) {
      expect(sdk(reason), reason).to.deep.equal({
        end: true,
        action: { type: 'expired', reason: 'session' },
        error: {
          code: 'expired',
          message: `${reason} happened`,
          proveCode: 10001,
          proveMessage: 'Prove says no',
          recoverable: true,
        },
      });
    }
  });

  it('an expired desktop flow, or the link running out: the link expired', () => {
    const expired = {
      end: true,
      action: { type: 'expired', reason: 'link' },
      error: { code: 'expired', message: 'The Instant Link expired before it was opened.', recoverable: true },
    };
    expect(sdk('expired', { state: linkWaiting, possession: 'desktop' })).to.deep.equal(expired);
    expect(linkExpired()).to.deep.equal(expired);
  });

  it('the wait for the link broken off with no result: interrupted, said as a network error', () => {
    expect(interrupted()).to.deep.equal({
      end: true,
      action: { type: 'expired', reason: 'interrupted' },
      error: {
        code: 'network',
        message: 'The connection was lost while the Instant Link was awaited, and the backend has no result.',
        recoverable: true,
      },
    });
  });

  it('the status socket lost on another step: the verdict, asked for once', () => {
    expect(sdk('socket-lost')).to.deep.equal({ end: false, action: { type: 'finishing' }, ask: 'once' });
  });

  it('the wait for a link broken off: the connection is lost, and the backend is asked once it is back', () => {
    const lost = { end: false, action: { type: 'connection', lost: true }, ask: 'online' };
    expect(sdk('socket-lost', { state: linkSending, possession: 'desktop' }), 'socket closed').to.deep.equal(lost);
    expect(sdk('network', { state: linkWaiting, possession: 'desktop' }), 'waiting').to.deep.equal(lost);
    expect(
      sdk('network', { state: { ...linkSending, resent: true }, possession: 'desktop' }),
      'sending again',
    ).to.deep.equal(lost);
    expect(
      sdk('network', { state: { ...linkSending, connection: 'lost' }, possession: 'desktop' }),
      'connection lost',
    ).to.deep.equal(lost);
    expect(sdk('network', { state: linkSending, possession: 'desktop', online: false }), 'offline').to.deep.equal(lost);
  });

  it('a first link that could not be sent while online: a network error like any other', () => {
    expect(sdk('network', { state: linkSending, possession: 'desktop' })).to.deep.include({
      end: true,
      error: SDK_NETWORK_ERROR,
    });
  });

  it("Prove out of reach: a network error, and the console names what the page's CSP must allow", () => {
    const answer = sdk('network', { proveOrigin: 'https://platform.uat.proveapis.com' });
    expect(answer).to.deep.include({
      end: true,
      error: SDK_NETWORK_ERROR,
    });
    expect(answer.log?.level).to.equal('warn');
    expect(answer.log?.text).to.include('https://platform.uat.proveapis.com and wss://platform.uat.proveapis.com');
    for (const host of PROVE_MOBILE_AUTH_HOSTS) expect(answer.log?.text).to.include(host);
    expect(sdk('network')?.log, 'no origin known: nothing to name').to.equal(undefined);
  });

  it("Prove's 429: a wait of 10 s before trying again (the SDK names none)", () => {
    expect(sdk('rate-limited')).to.deep.equal({
      end: true,
      action: {
        type: 'failed',
        code: 'rate-limited',
        status: undefined,
        retry: 'start',
        retryAt: NOW + 10_000,
        retryAfter: 10,
      },
      error: {
        code: 'rate-limited',
        retryAfter: 10,
        message: 'rate-limited happened',
        proveCode: 10001,
        proveMessage: 'Prove says no',
        recoverable: true,
      },
    });
  });

  it('a set-up the SDK refused: an error nothing can mend, and the console says why', () => {
    expect(sdk('integration')).to.deep.equal({
      end: true,
      action: {
        type: 'failed',
        code: 'integration',
        status: undefined,
        retry: 'start',
        retryAt: undefined,
        retryAfter: undefined,
      },
      error: {
        code: 'integration',
        message: 'integration happened',
        proveCode: 10001,
        proveMessage: 'Prove says no',
        recoverable: false,
      },
      log: { level: 'error', text: "<prove-verify>: Prove's SDK refused the set-up: integration happened" },
    });
  });

  it("Prove unavailable, and anything else: errors the start can be tried again from, with Prove's words when it gave any", () => {
    expect(sdk('prove-unavailable')?.error).to.include({ code: 'prove-unavailable', recoverable: true });
    expect(sdk('unknown')?.error).to.include({ code: 'sdk', recoverable: true });
    const bare = sdkFailed(
      new SdkFailure('unknown', 'odd'),
      { state: codeEntry, possession: 'mobile', online: true },
      NOW,
    );
    expect(bare?.error).to.deep.equal({ code: 'sdk', message: 'odd', recoverable: true });
  });
});
