import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The SDK sends these on every call (the PA-Sig-* family only once a device is registered and a
 * request is signed), so a preflight that leaves one out makes the browser drop the request.
 */
const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'PA-Version',
  'PA-Sig-Version',
  'PA-Challenge',
  'PA-KID',
  'PA-Signature',
].join(', ');

/** Echoes the caller's origin: the client API and the sandbox pages are open to any page. */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  res.setHeader('Vary', 'Origin');
}

export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  applyCors(req, res);
  res.setHeader('Access-Control-Allow-Methods', 'POST, GET, DELETE, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
  res.setHeader('Access-Control-Max-Age', '600');
  res.writeHead(204, { 'Content-Length': '0' });
  res.end();
}
