/**
 * Every failure as the `{code, message}` the page gets, and its status. Prove's own short 4xx
 * message passes through; nothing else from an error (never request data) reaches the page.
 */
import { BudgetStoreError } from './budget-store.js';
import type { BudgetCheck, BudgetName } from './budgets.js';
import { HttpError } from './http-error.js';
import { ProveError, ProveHttpError, ProveNetworkError, ProveRateLimitError, ProveResponseError, ProveTimeoutError } from './prove-client.js';

const BUDGET_MESSAGES: Record<BudgetName, string> = {
  phone: 'Too many verifications for this phone number',
  ip: 'Too many verifications from this network',
  global: 'Too many verifications right now',
  session: 'Too many status checks for this verification',
  'status-ip': 'Too many status checks from this network',
};

/** Throws 429 `rate_limited` with `Retry-After` when a budget refused. */
export function refuseOverBudget(check: BudgetCheck): void {
  if (check.ok) return;
  const seconds = check.retryAfterSeconds;
  throw new HttpError(429, 'rate_limited', `${BUDGET_MESSAGES[check.budget]}: try again in ${wait(seconds)}`, {
    'Retry-After': String(seconds),
  });
}

/** "45 seconds", "10 minutes": a wait as a person reads it (rounded up). */
function wait(seconds: number): string {
  return seconds < 120 ? plural(seconds, 'second') : plural(Math.ceil(seconds / 60), 'minute');
}

export function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  // Fail closed: without its counts the backend cannot tell a flood from a person.
  if (error instanceof BudgetStoreError)
    return new HttpError(503, 'server_busy', 'The server cannot take verifications right now, try again shortly', { 'Retry-After': '5' });
  if (error instanceof ProveRateLimitError) {
    // Passed on, not retried: asking again at once only keeps Prove's limit closed for longer.
    const seconds = error.retryAfterSeconds;
    return new HttpError(429, 'rate_limited', `Too many verifications right now: try again in ${plural(seconds, 'second')}`, {
      'Retry-After': String(seconds),
    });
  }
  if (error instanceof ProveHttpError) {
    const extra = error.code !== undefined ? { proveCode: error.code } : {};
    if (error.endpoint === '/token' || error.status === 401) {
      return new HttpError(502, 'prove_error', 'The backend could not authenticate with Prove', {}, extra);
    }
    if (error.status >= 400 && error.status < 500) {
      const message = safeProveMessage(error.proveMessage) ?? `Prove refused the request (HTTP ${error.status})`;
      return new HttpError(502, 'prove_error', message, {}, extra);
    }
    return new HttpError(502, 'prove_error', 'Prove is not available right now, try again later', {}, extra);
  }
  if (error instanceof ProveTimeoutError) return new HttpError(504, 'prove_timeout', 'Prove did not answer in time, try again');
  if (error instanceof ProveNetworkError) return new HttpError(502, 'prove_unreachable', 'Prove could not be reached, try again later');
  if (error instanceof ProveResponseError) return new HttpError(502, 'prove_error', 'Prove gave an unexpected answer');
  if (error instanceof ProveError) return new HttpError(502, 'prove_error', 'Prove could not complete the request');
  return new HttpError(500, 'internal_error', 'Something went wrong on the server');
}

/** Prove's message, if it is short plain text (it never carries our secrets: it describes our request). */
function safeProveMessage(message: string | undefined): string | undefined {
  if (!message) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are what this strips
  const clean = message.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  if (!clean || clean.length > 200) return undefined;
  return clean;
}
