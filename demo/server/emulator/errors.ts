// The backend's class, so the backend and the emulator answer errors the same way.
import { HttpError } from '../../../src/server/http-error.js';

export { HttpError };

/**
 * Error codes. Prove's "Errors and Status Codes" reference documents the 8000 family for its
 * APIs; those are used wherever one fits. Prove publishes nothing for the client API's own
 * outcomes (a wrong or expired code, a spent send budget, ...), so those codes are this
 * emulator's choice, kept distinct so a widget (or a test) can tell the cases apart.
 */
export const ErrorCode = {
  // Documented by Prove (developer.prove.com/reference/status-and-error-codes).
  INTERNAL: 8000,
  /** Malformed request: not JSON, over 4 KB, or a missing or invalid parameter. */
  MALFORMED_REQUEST: 8001,
  UNAUTHORIZED: 8002,
  STEP_OUT_OF_ORDER: 8003,
  SANDBOX_USER_NOT_FOUND: 8007,
  INVALID_CORRELATION_ID: 8008,
  TEST_USER_NOT_ALLOWED: 8009,
  // The SDK's own codes (internal/error-code.js), which it acts on: 10006 makes it forget its
  // device registration.
  SDK_AUTHENTICATION_FAILURE: 10000,
  SDK_NO_DEVICE_FOUND: 10006,
  // Emulator-only: Prove documents no code for these.
  NOT_FOUND: 1004,
  METHOD_NOT_ALLOWED: 1005,
  OTP_WRONG: 1010,
  OTP_EXPIRED: 1011,
  OTP_TOO_MANY_ATTEMPTS: 1012,
  TOO_MANY_SENDS: 1013,
  LINK_EXPIRED: 1014,
  SESSION_EXPIRED: 1015,
  CLIENT_REPORTED_ERROR: 1016,
  MOBILE_AUTH_UNAVAILABLE: 1017,
  /** Prove documents the 429 and its Retry-After, not a body code. */
  RATE_LIMITED: 1018,
  /** A sandbox person whose possession always fails. */
  POSSESSION_REFUSED: 1019,
  /** A `Host` header naming no host this emulator serves (DNS rebinding). */
  HOST_NOT_SERVED: 1020,
  /** A page off the sandboxOrigins list calling /sandbox/*. */
  ORIGIN_NOT_ALLOWED: 1021,
  /** A PA-Signature (request-signer-v3.js) that does not hold. */
  BAD_REQUEST_SIGNATURE: 1022,
} as const;

export interface ProveError {
  code: number;
  message: string;
}

export const missingField = (field: string): ProveError => ({
  code: ErrorCode.MALFORMED_REQUEST,
  message: `field '${field}' is missing`,
});

export const invalidField = (field: string): ProveError => ({
  code: ErrorCode.MALFORMED_REQUEST,
  message: `field '${field}' is not valid`,
});

export const STEP_NOT_ALLOWED: ProveError = {
  code: ErrorCode.STEP_OUT_OF_ORDER,
  message: 'step not allowed',
};

export const INTERNAL_ERROR: ProveError = {
  code: ErrorCode.INTERNAL,
  message: 'error at prove, try again later',
};

export const unauthorized = (message: string): ProveError => ({
  code: ErrorCode.UNAUTHORIZED,
  message,
});

const RATE_LIMITED: ProveError = {
  code: ErrorCode.RATE_LIMITED,
  message: 'too many requests, slow down',
};

/** Thrown by request helpers; the router sends its status, `{code, message}` and headers. */
export const proveHttpError = (status: number, error: ProveError, headers: Record<string, string> = {}) =>
  new HttpError(status, error.code, error.message, headers);

export const HOST_NOT_SERVED: ProveError = {
  code: ErrorCode.HOST_NOT_SERVED,
  message: 'this server does not answer for that Host',
};

export const ORIGIN_NOT_ALLOWED: ProveError = {
  code: ErrorCode.ORIGIN_NOT_ALLOWED,
  message: 'this origin may not use the sandbox endpoints',
};

export const tooManyRequests = (retryAfterS: number) =>
  proveHttpError(429, RATE_LIMITED, { 'Retry-After': String(retryAfterS) });
