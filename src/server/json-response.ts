/** Every answer of the handlers: JSON, never cached, never sniffed, sending no Referer onwards. */
import type { HttpError } from './http-error.js';

const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
}

/** A refusal as sent: its status, `{code, message}` and headers. */
export function errorResponse(error: HttpError): Response {
  return jsonResponse(error.status, error.body, error.headers);
}
