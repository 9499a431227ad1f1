/**
 * An answer to send instead of carrying on: an HTTP status, a `{code, message}` JSON body and
 * headers. The backend's codes are words (`rate_limited`); the Prove emulator's are Prove's numbers.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string | number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** What is sent: `{code, message}` and any extra fields. */
  get body(): { code: string | number; message: string } & Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.extra };
  }
}
