import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, proveHttpError } from './errors.js';
import { MAX_BODY_BYTES } from './config.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(res, status, JSON.stringify(body), headers);
}

/** Raw text with a JSON content type: the fault switches use it for answers that are not JSON. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    // A page that loads an answer as a script or style gets nothing parsed from it.
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function sendHtmlPage(res: ServerResponse, status: number, title: string, text: string): void {
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">` +
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(html);
}

/**
 * Prove's 8001 for a body over 4 KB is a 400. `Connection: close`: the rest of the body is
 * not worth reading, and Node would otherwise drain it to reuse the connection.
 */
const tooLarge = () =>
  proveHttpError(
    400,
    { code: ErrorCode.MALFORMED_REQUEST, message: `request body is over ${MAX_BODY_BYTES / 1024} KB` },
    { Connection: 'close' },
  );

/** The media type without parameters, lower-cased ('' when absent). */
const mediaType = (req: IncomingMessage) => (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * A body of the wrong kind is refused before it is read. For JSON this also keeps out the
 * requests a page may send across origins without a preflight (text/plain, form encodings).
 */
function requireMediaType(req: IncomingMessage, expected: string): void {
  if (mediaType(req) !== expected) {
    throw proveHttpError(
      415,
      { code: ErrorCode.MALFORMED_REQUEST, message: `Content-Type must be ${expected}` },
      { Connection: 'close' },
    );
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The SDK sends `Content-Type: application/json` on every call (fetchFromBackend in
 * internal/auth-session.js), so requiring it refuses nothing real. An empty body reads as `{}`.
 */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  return (await readJsonText(req)).value;
}

/** The body as sent (what a PA-Signature covers) and as parsed. */
export async function readJsonText(req: IncomingMessage): Promise<{ text: string; value: Record<string, unknown> }> {
  requireMediaType(req, 'application/json');
  const text = await readBody(req, MAX_BODY_BYTES);
  return { text, value: parseJsonObject(text) };
}

function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw proveHttpError(400, { code: ErrorCode.MALFORMED_REQUEST, message: 'request body is not valid JSON' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw proveHttpError(400, { code: ErrorCode.MALFORMED_REQUEST, message: 'request body must be a JSON object' });
  }
  return value as Record<string, unknown>;
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  requireMediaType(req, 'application/x-www-form-urlencoded');
  return new URLSearchParams(await readBody(req, MAX_BODY_BYTES));
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
