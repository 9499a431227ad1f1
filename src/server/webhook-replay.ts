/**
 * Each webhook token is accepted once. Prove signs every delivery attempt with a new short-lived
 * JWT, and the token is not bound to the body: without this, anyone who saw one request (a log, a
 * proxy) could post any notifications under its signature until it expired.
 *
 * A token is remembered until it would be refused anyway (its `exp`, or `iat` plus the maximum
 * age, whichever comes first, plus the clock tolerance), so memory is bounded by time; and by
 * count (`maxWebhookTokens`). A full cache does not refuse every delivery until a place expires
 * (a burst would lock Prove's own deliveries out for ten minutes): it forgets the tokens issued
 * first and raises a low-water mark to the newest `iat` it forgot: a token issued at or before the
 * mark may have been taken and forgotten, so it is refused (Prove delivers again with a new one),
 * while a token issued after it is checked against the cache as usual. Fresh deliveries keep
 * being accepted, and no forgotten token can be replayed.
 */
import { base64url } from 'jose';

/**
 * What taking a token answered:
 * - `new`: taken now;
 * - `full`: taken now, and the cache was full, so the tokens issued first were forgotten to make room;
 * - `replayed`: taken before;
 * - `forgotten`: issued no later than a token forgotten to make room: it may have been taken, so it is refused.
 */
export type ReplayAnswer = 'new' | 'full' | 'replayed' | 'forgotten';

/** A verified webhook token, as the replay cache keeps it. */
export interface WebhookToken {
  /** replayKey of the token. */
  key: string;
  /** Its `iat`, in ms. */
  issuedAtMs: number;
  /** When it is refused anyway (webhooks.ts's refusedFromMs): it need not be remembered past this. */
  forgetAtMs: number;
}

/** Most tokens remembered at once, by default. */
export const DEFAULT_MAX_WEBHOOK_TOKENS = 10_000;

/**
 * How many tokens a full cache forgets at once: a tenth, so that a cache under a flood sorts its
 * tokens once per many deliveries rather than at each.
 */
export function forgetBatch(max: number): number {
  return Math.max(1, Math.ceil(max / 10));
}

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

/** The replay cache in this process's memory. */
export class WebhookReplayGuard {
  readonly #max: number;
  readonly #seen = new Map<string, { issuedAtMs: number; forgetAtMs: number }>();
  /** The newest `iat` forgotten to make room: a token issued no later is refused. */
  #mark = -Infinity;

  constructor(options: { max?: number } = {}) {
    this.#max = options.max ?? DEFAULT_MAX_WEBHOOK_TOKENS;
  }

  get size(): number {
    return this.#seen.size;
  }

  take(token: WebhookToken, nowMs: number): ReplayAnswer {
    const known = this.#seen.get(token.key);
    if (known !== undefined && known.forgetAtMs > nowMs) return 'replayed';
    if (token.issuedAtMs <= this.#mark) return 'forgotten';
    let full = false;
    if (this.#seen.size >= this.#max) this.#sweep(nowMs);
    if (this.#seen.size >= this.#max) {
      this.#forgetOldest();
      full = true;
      // It may be older than the tokens just forgotten.
      if (token.issuedAtMs <= this.#mark) return 'forgotten';
    }
    this.#seen.set(token.key, { issuedAtMs: token.issuedAtMs, forgetAtMs: token.forgetAtMs });
    return full ? 'full' : 'new';
  }

  #sweep(nowMs: number): void {
    for (const [key, { forgetAtMs }] of this.#seen) if (forgetAtMs <= nowMs) this.#seen.delete(key);
  }

  #forgetOldest(): void {
    const oldest = [...this.#seen].sort(([, a], [, b]) => a.issuedAtMs - b.issuedAtMs).slice(0, forgetBatch(this.#max));
    for (const [key, { issuedAtMs }] of oldest) {
      this.#seen.delete(key);
      this.#mark = Math.max(this.#mark, issuedAtMs);
    }
  }

  clear(): void {
    this.#seen.clear();
  }
}
