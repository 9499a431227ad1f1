/** A 256-bit random id, base64url: unguessable, and safe in a cookie, a URL and JSON as it is. */
import { base64url } from 'jose';

export function randomId(): string {
  // Web Crypto, not node:crypto, so the handlers run on edge runtimes too.
  return base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
}
