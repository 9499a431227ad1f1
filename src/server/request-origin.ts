/**
 * Which pages may call the contract's endpoints: the backend's own (`pageOrigins`). The session
 * cookie is SameSite=Strict, so a browser already keeps it from other sites' requests; this check
 * also stops what needs no cookie (another site's page starting flows, and so texts, from its
 * visitors' browsers).
 *
 * Browsers send `Origin` on every POST made by fetch or a form, so a POST without one is not a
 * page's: it is a server (Prove's webhooks, a proxy such as the test runner's, curl). Those are let
 * through: refusing them would protect nothing (such a client can write any Origin it likes) and
 * the budgets still count them. When a browser does leave Origin out, `Sec-Fetch-Site` still
 * tells where the request came from, and anything but this origin is refused.
 */
import { HttpError } from './http-error.js';

/** Throws 403 `forbidden_origin` unless the request comes from one of `allowed` or from no page. */
export function checkRequestOrigin(headers: Headers, allowed: ReadonlySet<string>): void {
  const origin = headers.get('origin');
  if (origin !== null) {
    // `null` (a sandboxed frame, a privacy-sensitive redirect) is never one of ours.
    if (!allowed.has(origin.trim().toLowerCase())) throw refused();
    return;
  }
  const site = headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') throw refused();
}

function refused(): HttpError {
  return new HttpError(403, 'forbidden_origin', 'This API answers only pages of its own site');
}

/**
 * The origins the app's own pages are served from: `publicOrigin`, the address it listens on and,
 * when that is loopback, the other loopback names of the same port (a developer may open
 * http://127.0.0.1:8080 as well as http://localhost:8080). Never taken from the request's `Host`,
 * which a DNS-rebinding page controls.
 */
export function ownOrigins(publicOrigin: string, listenUrl: string): Set<string> {
  const origins = new Set([publicOrigin, listenUrl].map((url) => new URL(url).origin));
  const listening = new URL(listenUrl);
  if (['localhost', '127.0.0.1', '[::1]'].includes(listening.hostname)) {
    const port = listening.port ? `:${listening.port}` : '';
    for (const host of ['localhost', '127.0.0.1', '[::1]']) origins.add(`${listening.protocol}//${host}${port}`);
  }
  return origins;
}
