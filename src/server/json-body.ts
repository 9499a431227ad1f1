/** Bounded JSON object bodies from a Fetch API Request. */
import { HttpError } from './http-error.js';

export interface ReadJsonOptions {
  /** Largest body accepted, in bytes. */
  limit: number;
  /** Insist on `Content-Type: application/json` (415 otherwise). */
  requireJsonType?: boolean;
}

/** The media type of the request without parameters, lower-cased ('' when absent). */
function mediaType(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Reads a JSON object body. Throws HttpError: 500 (the body was read before the handler ran),
 * 415 (not JSON content type), 413 (over the limit), 400 (malformed JSON or not an object). An
 * empty body reads as `{}`.
 */
export async function readJsonObject(request: Request, options: ReadJsonOptions): Promise<Record<string, unknown>> {
  if (request.bodyUsed) throw bodyAlreadyRead();
  if (options.requireJsonType !== false && mediaType(request.headers) !== 'application/json') {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as Content-Type: application/json');
  }
  const text = await readText(request, options.limit);
  // A Node adapter (e.g. @hono/node-server's) hands over a stream that a body parser such as
  // express.json() already drained: it reads as empty while the client declared a body. Read as
  // `{}`, it would be answered "firstName is required", which sends the integrator the wrong way.
  if (text === '' && Number(request.headers.get('content-length') ?? 0) > 0) throw bodyAlreadyRead();
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'invalid_request', 'The body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** A mounting mistake, not the client's: a 500 that says how to mount (and the log names it). */
function bodyAlreadyRead(): HttpError {
  return new HttpError(
    500,
    'body_already_read',
    "The request's body was read before prove-verify-server got it: mount prove-verify-server before body parsers (express.json() and the like)",
  );
}

/**
 * The whole body as UTF-8, refusing (413) anything over `limit` bytes: by its Content-Length before
 * reading, else as it streams in, so a client never makes the server hold more than the limit.
 */
async function readText(request: Request, limit: number): Promise<string> {
  const tooLarge = () =>
    new HttpError(413, 'payload_too_large', `The body is larger than ${limit} bytes`, { Connection: 'close' });
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
