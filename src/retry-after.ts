/**
 * `Retry-After` (RFC 9110, section 10.2.3) as whole seconds to wait, for the element's backend
 * client (src/backend.ts) and prove-verify-server's Prove client (src/server/prove-client.ts).
 * A leaf, importing nothing, so that both the page's bundle and the server package take it.
 *
 * The header is delay-seconds or an HTTP date. A missing, unreadable, zero or past value reads as
 * 1: it came with a 429 or a 503, and asking again at once only prolongs the refusal. The longest
 * wait is the caller's, since what a wait means differs between them (see each caller).
 */
export function retryAfterSeconds(
  header: string | null | undefined,
  maxSeconds: number,
  now: number = Date.now(),
): number {
  const text = header?.trim() ?? '';
  // Digits only: a long run of them is a long wait (Number() of it may be Infinity), never "unreadable".
  const seconds = /^\d+$/.test(text) ? Number(text) : Math.ceil((Date.parse(text) - now) / 1000);
  if (Number.isNaN(seconds)) return 1;
  return Math.min(maxSeconds, Math.max(1, seconds));
}
