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

/**
 * Who may call a path from a browser page:
 *   client   Prove's client API: the SDK runs on any integrator's page, so any origin, as at Prove
 *   sandbox  the inbox (every code), the fault switches, the test webhook: the demo app only
 */
export type CorsArea = 'client' | 'sandbox';

export function corsArea(path: string): CorsArea | undefined {
  if (path.startsWith('/v1/client/')) return 'client';
  if (path.startsWith('/sandbox/')) return 'sandbox';
  return undefined;
}

/**
 * False for a page from an origin off the list; the router then answers 403 with no CORS
 * headers, so the page cannot even read the refusal. No `Origin` means no page reading across
 * origins: curl, a Node script, or the phone opening an Instant Link (a navigation).
 */
export function sandboxOriginAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  return origin === undefined || allowed.has(origin.trim().toLowerCase());
}

/** Called once the origin is known to be welcome; echoes it (client API: `*` for a caller with none). */
export function applyCors(req: IncomingMessage, res: ServerResponse, area: CorsArea): void {
  const origin = req.headers.origin;
  if (origin !== undefined) res.setHeader('Access-Control-Allow-Origin', origin);
  else if (area === 'client') res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Vary', 'Origin');
}

export function answerPreflight(req: IncomingMessage, res: ServerResponse, area: CorsArea): void {
  applyCors(req, res, area);
  res.setHeader('Access-Control-Allow-Methods', 'POST, GET, DELETE, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
  res.setHeader('Access-Control-Max-Age', '600');
  res.writeHead(204, { 'Content-Length': '0' });
  res.end();
}

/**
 * A page served on a loopback port is reachable under three names; a developer may open any of
 * them, and each is its own origin.
 */
export const loopbackOrigins = (port: number): string[] =>
  ['localhost', '127.0.0.1', '[::1]'].map((host) => `http://${host}:${port}`);

/** Reduces configured origins to scheme://host:port, as browsers send them in `Origin`. */
export function originSet(origins: readonly string[] = []): Set<string> {
  const set = new Set<string>();
  for (const value of origins) {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`sandboxOrigins must be http(s), got ${value}`);
    set.add(url.origin);
  }
  return set;
}
