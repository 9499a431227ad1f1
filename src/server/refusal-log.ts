/**
 * One log line per refusal, so that a backend answering 403 to its own pages (a `pageOrigins`
 * typo) or 502 (Prove refusing its credentials) says so where its operator looks:
 *
 *   prove-verify 403 forbidden_origin POST /api/verify: Origin https://www.shop.example is not one of pageOrigins
 *   prove-verify 502 prove_error POST /api/verify: ProveHttpError: Prove /v3/verify answered
 *     HTTP 400 (code 8001) "field 'x' is missing"
 *
 * What a line may hold: the status, the code, the method and path (never the query), and the
 * answer's own message (written for the page, so it names fields and never holds their values),
 * or the cause of a failure of ours or Prove's. Never a body, a cookie, a token or a setting's
 * secret. Text from outside (Prove's code and message, the path, an Origin) is made one line:
 * control characters and newlines could otherwise forge lines of their own.
 */
import { HttpError } from './http-error.js';
import { oneLine } from './plain-text.js';
import { ProveHttpError } from './prove-client.js';

// lazy-handlers.ts writes its own lines with it.
export { oneLine };

export type LogSink = (line: string) => void;

/** The `log` setting as a sink: console.warn by default (every runtime has it), nothing for `false`. */
export function logSink(log: LogSink | false | undefined, fallback: LogSink = (line) => console.warn(line)): LogSink {
  if (log === false) return () => {};
  const write = log ?? fallback;
  return (line) => {
    try {
      write(line);
    } catch {
      // A logger that fails must not turn an answer into a failure of its own.
    }
  };
}

/**
 * Foreign text (Prove's message, an unknown error's): one line, and long digit runs, which may be a
 * phone number, hidden.
 */
function foreign(text: string, max = 200): string {
  return oneLine(text.replace(/\d{6,}/g, '#'), max);
}

/**
 * The line for a refusal: `answer` is what was sent, `cause` what was thrown (the same HttpError
 * for a refusal of ours).
 */
export function refusalLine(request: Request, answer: HttpError, cause: unknown): string {
  const path = URL.canParse(request.url) ? new URL(request.url).pathname : '?';
  const detail = detailOf(request, answer, cause);
  return `prove-verify ${answer.status} ${oneLine(String(answer.code), 40)} ${oneLine(request.method, 16)} ${oneLine(path, 120)}${detail ? `: ${detail}` : ''}`;
}

function detailOf(request: Request, answer: HttpError, cause: unknown): string | undefined {
  if (answer.code === 'forbidden_origin') {
    const origin = request.headers.get('origin');
    return origin !== null
      ? `Origin ${oneLine(origin, 100)} is not one of pageOrigins`
      : `Sec-Fetch-Site ${oneLine(request.headers.get('sec-fetch-site') ?? '', 20)} (a page of another site)`;
  }
  // Routine (an expired flow, a wrong path or method): the status and code say it all.
  if (answer.code === 'session_expired' || answer.status === 404 || answer.status === 405) return undefined;
  if (cause instanceof HttpError) return oneLine(cause.message);
  return describeCause(cause);
}

/** A failure that is not a refusal of ours: its class and message, and what it wrapped. */
function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  let text = `${error.name}: ${foreign(error.message)}`;
  if (error instanceof ProveHttpError && error.proveMessage) text += ` ${JSON.stringify(foreign(error.proveMessage))}`;
  if (error.cause instanceof Error) text += ` (${error.cause.name}: ${foreign(error.cause.message, 120)})`;
  return text;
}
