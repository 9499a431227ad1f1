/** The browser's session cookie: read from a Request's `Cookie`, written as a `Set-Cookie` value. */

/** One cookie's value from a `Cookie` header (the first wins for a repeated name). */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface SessionCookieOptions {
  name: string;
  /** The path the browser sends it to: the contract endpoints' common prefix. */
  path: string;
  /** Sent over https only; true whenever the site is https. */
  secure: boolean;
}

/**
 * HttpOnly (no script reads it) and SameSite=Strict (no other site's request carries it, the CSRF
 * guard); an empty value with Max-Age=0 clears it.
 */
export function sessionCookie(options: SessionCookieOptions, value: string, maxAgeSeconds: number): string {
  return `${options.name}=${value}; HttpOnly; SameSite=Strict; Path=${options.path}; Max-Age=${maxAgeSeconds}${options.secure ? '; Secure' : ''}`;
}
