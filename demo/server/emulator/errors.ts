/**
 * Error codes. Prove documents four of them for its server API; it publishes nothing for the
 * client API the SDK calls, so the rest are this emulator's own choice, kept distinct so a
 * widget (or a test) can tell the cases apart.
 */
export const ErrorCode = {
  // Documented by Prove.
  FIELD_INVALID: 1001,
  STEP_NOT_ALLOWED: 1003,
  INTERNAL: 8000,
  UNAUTHORIZED: 8002,
  // Emulator's choice.
  NOT_FOUND: 1004,
  METHOD_NOT_ALLOWED: 1005,
  OTP_WRONG: 1010,
  OTP_EXPIRED: 1011,
  OTP_TOO_MANY_ATTEMPTS: 1012,
  TOO_MANY_SENDS: 1013,
  SESSION_EXPIRED: 1015,
  CLIENT_REPORTED_ERROR: 1016,
  MOBILE_AUTH_UNAVAILABLE: 1017,
} as const;

export interface ProveError {
  code: number;
  message: string;
}

export const missingField = (field: string): ProveError => ({
  code: ErrorCode.FIELD_INVALID,
  message: `field '${field}' is missing`,
});

export const invalidField = (field: string): ProveError => ({
  code: ErrorCode.FIELD_INVALID,
  message: `field '${field}' is not valid`,
});

export const STEP_NOT_ALLOWED: ProveError = {
  code: ErrorCode.STEP_NOT_ALLOWED,
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

/** Thrown by request helpers; the router turns it into `status` + `{code, message}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ProveError,
  ) {
    super(body.message);
  }
}
