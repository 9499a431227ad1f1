import type { BackendError } from '../backend.js';
import type { ProveVerifyErrorDetail } from '../events.js';
import { PROVE_MOBILE_AUTH_HOSTS } from '../prove-hosts.js';
import type { SdkFailure } from '../sdk.js';
import type { FlowAction } from './actions.js';
import type { ExpiredReason, FlowState, PossessionType, RetryTarget } from './state.js';

/**
 * What happens when a flow fails, as data: from each way a flow can fail, and where it failed, to
 * the step it goes to, the `prove-verify-error` event the page hears and the console line its
 * developer reads. The runner applies the answer (`FailureOutcome`); nothing here runs anything.
 */

/** What the runner does about a failure, in this order. */
export interface FailureOutcome {
  /** The attempt is over: its SDK, requests and listeners end before the step changes. */
  end: boolean;
  /** A line for the page's developer: a set-up mistake the page can mend. */
  log?: { level: 'warn' | 'error'; text: string };
  /** The change of step. */
  action: FlowAction;
  /** The `prove-verify-error` event's detail, when the page hears of it. */
  error?: ProveVerifyErrorDetail;
  /**
   * Asks the backend for the link's result: `once`, right away (a closed status socket); `online`,
   * each time the connection seems back, until it answers (the SDK no longer waits for the link).
   */
  ask?: 'once' | 'online';
}

type Detail = Omit<ProveVerifyErrorDetail, 'recoverable'> & { recoverable?: boolean };

/** Prove's SDK says nothing of how long to wait after its HTTP 429. */
const SDK_RATE_LIMIT_WAIT_S = 10;

/**
 * The error step, with "Try again" going back to `retry` (not before `retryAt`, ms since the
 * epoch); after a failed start, the attempt is over. `recoverable` is false for set-up mistakes.
 */
function failed(retry: RetryTarget, { recoverable = true, ...detail }: Detail, retryAt?: number): FailureOutcome {
  return {
    end: retry === 'start',
    action: { type: 'failed', code: detail.code, status: detail.status, retry, retryAt, retryAfter: detail.retryAfter },
    error: { ...detail, recoverable },
  };
}

/** The expired step: the attempt is over, and the page hears of it as an expired session (recoverable). */
function expired(reason: ExpiredReason, detail: Detail): FailureOutcome {
  return { end: true, action: { type: 'expired', reason }, error: { ...detail, recoverable: true } };
}

/** No `backend-url`: nothing can be sent, and trying again cannot mend it. */
export const configMissing = () =>
  failed('start', { code: 'config', message: 'The backend-url attribute is not set.', recoverable: false });

/** The backend answered 202 (no result yet) for 30 seconds. */
export const stillPending = () =>
  failed('status', { code: 'pending', message: 'The backend had no result after 30 seconds (HTTP 202).' });

/** The status call failed otherwise than the backend client says. */
export const statusFailed = (error: unknown) =>
  failed('status', { code: 'sdk', message: error instanceof Error ? error.message : String(error) });

/** The Instant Link's lifetime ran out before it was opened. */
export const linkExpired = () =>
  expired('link', { code: 'expired', message: 'The Instant Link expired before it was opened.' });

/** The wait for the link broke off with the connection, and the backend has no result. */
export const interrupted = () =>
  expired('interrupted', {
    code: 'network',
    message: 'The connection was lost while the Instant Link was awaited, and the backend has no result.',
  });

/**
 * A backend call's failure: the start (`start`) or the status call (`status`), at `now` (ms since
 * the epoch); nothing for a call the flow aborted itself.
 */
export function backendFailed(error: BackendError, call: RetryTarget, now: number): FailureOutcome | undefined {
  const { code, message, status, retryAfter } = error;
  if (code === 'aborted') return undefined;
  // The backend no longer knows the flow: its session is over.
  if (call === 'status' && (status === 401 || status === 410))
    return expired('session', { code: 'expired', message, status });
  // The backend refused this page's origin (CORS): a set-up mistake, which trying again cannot mend.
  if (code === 'origin') return failed(call, { code: 'integration', message, recoverable: false });
  return failed(
    call,
    { code, message, ...(status ? { status } : {}), ...(retryAfter ? { retryAfter } : {}) },
    retryAfter ? now + retryAfter * 1000 : undefined,
  );
}

/** Where Prove's SDK failed: the step, the flow's possession, and whether the page is online (`navigator.onLine`). */
export interface SdkFailedAt {
  state: FlowState;
  possession?: PossessionType;
  online: boolean;
}

/**
 * Whether an SDK failure broke off the wait for a link the phone may have: the status socket
 * closed, or a request failed with the connection after a link was sent, or while the page is
 * offline. A first send failing while the page is online (a Content-Security-Policy block, Prove
 * out of reach) sent nothing, and is a network error like any other.
 */
function linkWaitBrokeOff(reason: SdkFailure['reason'], { state, online }: SdkFailedAt): boolean {
  if (state.name !== 'link-sending' && state.name !== 'link-waiting') return false;
  if (reason === 'socket-lost') return true;
  return (
    reason === 'network' && (state.name === 'link-waiting' || !!state.resent || state.connection === 'lost' || !online)
  );
}

/**
 * Every way Prove's SDK can end an attempt, at `now` (ms since the epoch), each with its own
 * message and way forward.
 */
export function sdkFailed(
  { reason, message, proveCode, proveMessage, proveOrigin }: SdkFailure,
  at: SdkFailedAt,
  now: number,
): FailureOutcome {
  // Prove's SDK stopped waiting for the link and sends nothing more: the screen says the connection
  // is lost, and the backend says whether the phone opened the link once it can be asked.
  if (linkWaitBrokeOff(reason, at)) return { end: false, action: { type: 'connection', lost: true }, ask: 'online' };
  const detail = {
    message,
    ...(proveCode !== undefined ? { proveCode } : {}),
    ...(proveMessage ? { proveMessage } : {}),
  };
  switch (reason) {
    case 'expired':
    case 'token-expired':
      // What ran out on a desktop flow is the link; else the flow's session, as when the authToken expired.
      return reason === 'expired' && at.possession === 'desktop'
        ? linkExpired()
        : expired('session', { code: 'expired', ...detail });
    case 'socket-lost':
      // The socket closed on another step (a number being changed): the backend knows whether the link was opened.
      return { end: false, action: { type: 'finishing' }, ask: 'once' };
    case 'rate-limited':
      return failed(
        'start',
        { code: 'rate-limited', retryAfter: SDK_RATE_LIMIT_WAIT_S, ...detail },
        now + SDK_RATE_LIMIT_WAIT_S * 1000,
      );
    case 'prove-unavailable':
      return failed('start', { code: 'prove-unavailable', ...detail });
    case 'network': {
      const outcome = failed('start', { code: 'network', ...detail });
      if (!proveOrigin) return outcome;
      const ws = proveOrigin.replace(/^http/, 'ws');
      const text = `<prove-verify>: Prove's client API at ${proveOrigin} could not be reached. If this page has a Content-Security-Policy, its connect-src must allow ${proveOrigin} and ${ws}, and, for Mobile Auth on a phone, ${PROVE_MOBILE_AUTH_HOSTS.join(' ')}.`;
      return { ...outcome, log: { level: 'warn', text } };
    }
    case 'integration':
      return {
        ...failed('start', { code: 'integration', recoverable: false, ...detail }),
        log: { level: 'error', text: `<prove-verify>: Prove's SDK refused the set-up: ${message}` },
      };
    case 'unknown':
      return failed('start', { code: 'sdk', ...detail });
  }
}
