/**
 * Prove's change-event webhooks (Prove's integration guide: "Webhook Notifications"). Prove signs a JWT with the
 * Portal's secret (HS256, `iss` "Prove Identity") and sends it as
 * `X-Prove-Authorization: Bearer <jwt>`; the body is `{notifications: [...]}`.
 * Delivery is best effort with up to three attempts, so the same eventId can arrive twice:
 * each eventId is taken once.
 */
import { errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';

const WEBHOOK_EVENT_TYPES = [
  'PHONE_NUMBER_CHANGE',
  'DISCONNECT',
  'PORT',
  'LINE_TYPE_CHANGE',
  'MOVED_OUT_OF_COVERAGE',
] as const;

const text = (max: number) => z.string().max(max);

const WebhookNotificationSchema = z.object({
  eventId: text(200).min(1),
  event: text(500),
  eventType: z.enum(WEBHOOK_EVENT_TYPES),
  eventTimestamp: text(100),
  // Present only when the site sent a clientCustomerId with the Verify call.
  clientCustomerId: text(200).nullish(),
  identityId: text(200),
});
export type WebhookNotification = z.infer<typeof WebhookNotificationSchema>;

export const WebhookPayloadSchema = z.object({
  notifications: z.array(WebhookNotificationSchema).max(1000),
});

export interface StoredWebhookEvent extends WebhookNotification {
  /** When this backend received it (ISO 8601). */
  receivedAt: string;
}

const WEBHOOK_ISSUER = 'Prove Identity';

/** The oldest a webhook token may be (from its `iat`): Prove signs each delivery as it sends it. */
const WEBHOOK_MAX_TOKEN_AGE_S = 10 * 60;
/** Clock difference tolerated between Prove and us, for `exp`, `nbf` and an `iat` slightly ahead. */
const WEBHOOK_CLOCK_TOLERANCE_S = 30;
/** No token is accepted later than this after its `iat`: the replay cache may let go of it then. */
export const WEBHOOK_TOKEN_LIFETIME_MS = (WEBHOOK_MAX_TOKEN_AGE_S + WEBHOOK_CLOCK_TOLERANCE_S) * 1000;

export type WebhookAuthResult =
  | {
      ok: true;
      /** The compact JWT, to remember so it is taken once. */
      token: string;
      /** When the token stops being accepted anyway: its exp or iat + max age, plus the tolerance. */
      refusedFromMs: number;
      /** Its `iat`, in ms. */
      issuedAtMs: number;
    }
  | { ok: false; reason: string };

/**
 * Checks `X-Prove-Authorization: Bearer <jwt>`: HS256 only (so `alg: none` and every other
 * algorithm fail), signed with `secret`, issuer "Prove Identity", with `exp` and `iat` both
 * present (Prove documents its tokens as short-lived), not expired, not before `nbf`, issued at
 * most 10 minutes ago and not in the future beyond the tolerance.
 */
export async function verifyWebhookAuthorization(
  header: string | string[] | undefined,
  secret: Uint8Array,
  now: Date,
): Promise<WebhookAuthResult> {
  if (typeof header !== 'string') return { ok: false, reason: 'missing X-Prove-Authorization' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return { ok: false, reason: 'X-Prove-Authorization is not a Bearer token' };
  const token = match[1]!;
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: WEBHOOK_ISSUER,
      requiredClaims: ['exp', 'iat'],
      maxTokenAge: WEBHOOK_MAX_TOKEN_AGE_S,
      currentDate: now,
      clockTolerance: WEBHOOK_CLOCK_TOLERANCE_S,
    });
    const refusedFromS = Math.min(payload.exp!, payload.iat! + WEBHOOK_MAX_TOKEN_AGE_S) + WEBHOOK_CLOCK_TOLERANCE_S;
    return { ok: true, token, refusedFromMs: refusedFromS * 1000, issuedAtMs: payload.iat! * 1000 };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired)
      return { ok: false, reason: error.claim === 'iat' ? 'token too old' : 'token expired' };
    if (error instanceof joseErrors.JWTClaimValidationFailed) {
      return {
        ok: false,
        reason: error.reason === 'missing' ? `claim ${error.claim} missing` : `claim ${error.claim} rejected`,
      };
    }
    if (error instanceof joseErrors.JOSEAlgNotAllowed) return { ok: false, reason: 'algorithm not allowed' };
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) return { ok: false, reason: 'bad signature' };
    return { ok: false, reason: 'malformed token' };
  }
}

/** The last `keep` events, newest first, and the eventIds already taken (bounded). */
export class WebhookEventLog {
  readonly #keep: number;
  readonly #maxSeen: number;
  readonly #seen = new Set<string>();
  #events: StoredWebhookEvent[] = [];

  constructor(options: { keep?: number; maxSeen?: number } = {}) {
    this.#keep = options.keep ?? 50;
    this.#maxSeen = options.maxSeen ?? 10_000;
  }

  /** Takes the notifications not seen before; answers how many were new and how many repeats. */
  add(notifications: readonly WebhookNotification[], receivedAt: Date): { accepted: number; duplicates: number } {
    let accepted = 0;
    let duplicates = 0;
    for (const notification of notifications) {
      if (this.#seen.has(notification.eventId)) {
        duplicates++;
        continue;
      }
      this.#seen.add(notification.eventId);
      if (this.#seen.size > this.#maxSeen) {
        const oldest = this.#seen.values().next().value;
        if (oldest !== undefined) this.#seen.delete(oldest);
      }
      this.#events.unshift({ ...notification, receivedAt: receivedAt.toISOString() });
      accepted++;
    }
    if (this.#events.length > this.#keep) this.#events = this.#events.slice(0, this.#keep);
    return { accepted, duplicates };
  }

  list(): StoredWebhookEvent[] {
    return this.#events.map((event) => ({ ...event }));
  }
}
