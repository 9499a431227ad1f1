/** Small node:http helpers: JSON answers and files (the contract's bodies and cookies are prove-verify/server's). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../../../src/server/http-error.js';

export { HttpError };

const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { code: error.code, message: error.message, ...error.extra }, error.headers);
}

export function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...BASE_HEADERS,
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-cache',
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
