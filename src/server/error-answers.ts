/**
 * Every failure as the `{code, message}` the page gets, and its status. Prove's own short 4xx
 * message passes through; nothing else from an error (never request data) reaches the page.
 */
import type { BudgetCheck, BudgetName } from './budgets.js';
import { HttpError } from './http-error.js';
import { oneLine } from './plain-text.js';
import {
  PROVE_TEXT_MAX,
  ProveError,
  ProveHttpError,
  ProveNetworkError,
  ProveRateLimitError,
  ProveResponseError,
  ProveTimeoutError,
} from './prove-client.js';
import { StoreUnavailableError } from './store-error.js';

/** How long a page waits before asking again when the store did not answer. */
const STORE_RETRY_AFTER_SECONDS = 5;
const STORE_UNAVAILABLE_MESSAGE = `The server cannot reach its store right now: try again in ${STORE_RETRY_AFTER_SECONDS} seconds`;

/** What each budget's refusal says, before ": try again in …": written for the person waiting. */
const BUDGET_MESSAGES: Record<BudgetName, string> = {
  phone: 'Too many texts were sent to this phone number',
  address: 'Too many verifications were started from your connection',
  network: 'Too many verifications were started from your network',
  global: 'Too many verifications are being started on this site right now',
  flow: 'Too many status checks for this verification',
  'status-address': 'Too many status checks from your connection',
  'prove-calls': 'The verification service is busy',
};

/** 429 `rate_limited` with `Retry-After`, for a budget's refusal. */
export function overBudgetError(check: Extract<BudgetCheck, { ok: false }>): HttpError {
  const seconds = check.retryAfterSeconds;
  return new HttpError(429, 'rate_limited', `${BUDGET_MESSAGES[check.budget]}: try again in ${wait(seconds)}`, {
    'Retry-After': String(seconds),
  });
}

/** Throws 429 `rate_limited` with `Retry-After` when a budget refused. */
export function refuseOverBudget(check: BudgetCheck): void {
  if (!check.ok) throw overBudgetError(check);
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
  // Fail closed (without its counts the backend cannot tell a flood from a person), and never 500:
  // the request was fine, and the same call works once the store is back.
  if (error instanceof StoreUnavailableError)
    return new HttpError(503, 'store_unavailable', STORE_UNAVAILABLE_MESSAGE, {
      'Retry-After': String(STORE_RETRY_AFTER_SECONDS),
    });
  if (error instanceof ProveRateLimitError) {
    // Passed on, not retried: asking again at once only keeps Prove's limit closed for longer.
    const seconds = error.retryAfterSeconds;
    return new HttpError(
      429,
      'rate_limited',
      `Too many verifications right now: try again in ${plural(seconds, 'second')}`,
      {
        'Retry-After': String(seconds),
      },
    );
  }
  if (error instanceof ProveHttpError) {
    const code = plainProveCode(error.code);
    const extra = code !== undefined ? { proveCode: code } : {};
    if (error.endpoint === '/token' || error.status === 401) {
      return new HttpError(502, 'prove_error', 'The backend could not authenticate with Prove', {}, extra);
    }
    if (error.status >= 400 && error.status < 500) {
      const message = safeProveMessage(error.proveMessage) ?? `Prove refused the request (HTTP ${error.status})`;
      return new HttpError(502, 'prove_error', message, {}, extra);
    }
    return new HttpError(502, 'prove_error', 'Prove is not available right now, try again later', {}, extra);
  }
  if (error instanceof ProveTimeoutError)
    return new HttpError(504, 'prove_timeout', 'Prove did not answer in time, try again');
  if (error instanceof ProveNetworkError)
    return new HttpError(502, 'prove_unreachable', 'Prove could not be reached, try again later');
  if (error instanceof ProveResponseError) return new HttpError(502, 'prove_error', 'Prove gave an unexpected answer');
  if (error instanceof ProveError) return new HttpError(502, 'prove_error', 'Prove could not complete the request');
  return new HttpError(500, 'internal_error', 'Something went wrong on the server');
}

/**
 * Prove's message as one short line (it never carries our secrets: it describes our request).
 * ProveClient has made it so already; an error made elsewhere may not have been.
 */
function safeProveMessage(message: string | undefined): string | undefined {
  return oneLine(message ?? '', PROVE_TEXT_MAX) || undefined;
}

/**
 * Prove's code, for the page only when it is a plain code (`1001`, `8002`, `INVALID_PHONE`):
 * anything else is not a code a page could act on, and the page would show or log it as given.
 */
function plainProveCode(code: number | string | undefined): number | string | undefined {
  if (typeof code === 'number') return Number.isSafeInteger(code) ? code : undefined;
  return code !== undefined && /^[A-Za-z0-9_.-]{1,32}$/.test(code) ? code : undefined;
}
