/**
 * Each webhook token is accepted once. Prove signs every delivery attempt with a new short-lived
 * JWT, and the token is not bound to the body: without this, anyone who saw one request (a log, a
 * proxy) could post any notifications under its signature until it expired.
 *
 * A token is remembered until it would be refused anyway (its `exp`, or `iat` plus the maximum
 * age, whichever comes first, plus the clock tolerance), so memory is bounded by time; and by
 * count: when `max` live tokens are remembered the next one is refused (503, Prove delivers again
 * later) rather than one forgotten, which would let it be replayed.
 */
import { base64url } from 'jose';

export type ReplayAnswer = 'new' | 'replayed' | 'full';

/**
 * What a verified token (compact JWS) is remembered by: its signature's bytes, not its text.
 * base64url's last character has spare bits, so one signature has several spellings that all
 * verify; decoded and encoded again, they are one (an HS256 signature is 32 bytes, so no hash).
 */
export function replayKey(token: string): string {
  const signature = token.slice(token.lastIndexOf('.') + 1);
  try {
    return base64url.encode(base64url.decode(signature));
  } catch {
    return signature;
  }
}

export class WebhookReplayGuard {
  readonly #max: number;
  readonly #seen = new Map<string, number>();

  constructor(options: { max?: number } = {}) {
    this.#max = options.max ?? 10_000;
  }

  get size(): number {
    return this.#seen.size;
  }

  /** Records `key` (replayKey of a verified token) until `forgetAtMs`; answers whether it was new. */
  take(key: string, forgetAtMs: number, nowMs: number): ReplayAnswer {
    const known = this.#seen.get(key);
    if (known !== undefined && known > nowMs) return 'replayed';
    if (this.#seen.size >= this.#max) this.#sweep(nowMs);
    if (this.#seen.size >= this.#max) return 'full';
    this.#seen.set(key, forgetAtMs);
    return 'new';
  }

  #sweep(nowMs: number): void {
    for (const [key, forgetAt] of this.#seen) if (forgetAt <= nowMs) this.#seen.delete(key);
  }

  clear(): void {
    this.#seen.clear();
  }
}
