/**
 * The browser's session cookie: read from a Request's `Cookie`, written as a `Set-Cookie` value.
 * It names the browser, not a flow: its value is the browser's key, under which the store keeps
 * each flow that browser started (memory-flows.ts), up to FLOWS_PER_BROWSER at once.
 */
import { HttpError } from './http-error.js';

/**
 * The cookie's name on an https site with Path=/: the prefix makes browsers refuse it from a
 * subdomain or over http.
 */
export const HOST_SESSION_COOKIE = '__Host-pv_session';
/** Its name where `__Host-` cannot be had (an http site, or another path). */
export const DEFAULT_SESSION_COOKIE = 'pv_session';

/**
 * One cookie's value from a `Cookie` header. The name twice is refused, not one of them picked: a
 * second one is a cookie set for another path or by a subdomain (a key planted in the browser), and
 * which the browser sends first is not ours to choose.
 * @throws {HttpError} 400 invalid_request when the header names the cookie twice.
 */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  let value: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    if (value !== undefined) {
      throw new HttpError(
        400,
        'invalid_request',
        `Two ${name} cookies came with this request: clear this site's cookies in the browser, then start again`,
      );
    }
    value = part.slice(eq + 1).trim();
  }
  return value;
}

export interface SessionCookieOptions {
  name: string;
  /** The path the browser sends it to: the contract endpoints' common prefix. */
  path: string;
  /** Sent over https only; true whenever the site is https. */
  secure: boolean;
}

/** The name the cookie gets when none is set: `__Host-pv_session` wherever the prefix holds (Secure, Path=/). */
export function defaultCookieName({ path, secure }: Pick<SessionCookieOptions, 'path' | 'secure'>): string {
  return secure && path === '/' ? HOST_SESSION_COOKIE : DEFAULT_SESSION_COOKIE;
}

/**
 * HttpOnly (no script reads it) and SameSite=Strict (no other site's request carries it, the CSRF
 * guard); an empty value with Max-Age=0 clears it.
 */
export function sessionCookie(options: SessionCookieOptions, value: string, maxAgeSeconds: number): string {
  return `${options.name}=${value}; HttpOnly; SameSite=Strict; Path=${options.path}; Max-Age=${maxAgeSeconds}${options.secure ? '; Secure' : ''}`;
}
