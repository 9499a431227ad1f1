import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { WEBHOOK_TIMEOUT_MS } from './config.js';
import type { RouteHandler } from './context.js';
import { ErrorCode, proveHttpError, invalidField } from './errors.js';
import { readJsonObject, sendJson } from './http.js';
import { SANDBOX_OWNERS } from './sandbox-rules.js';

/** Prove's change events and the wording its example payload uses for them. */
const WEBHOOK_EVENTS = {
  PHONE_NUMBER_CHANGE: 'phone number change detected',
  DISCONNECT: 'phone number disconnected',
  PORT: 'phone number ported',
  LINE_TYPE_CHANGE: 'phone line type change detected',
  MOVED_OUT_OF_COVERAGE: 'phone number moved out of coverage',
} as const;

type EventType = keyof typeof WEBHOOK_EVENTS;

const bodySchema = z.object({
  eventType: z.enum(Object.keys(WEBHOOK_EVENTS) as [EventType, ...EventType[]]).optional(),
  clientCustomerId: z.string().max(128).optional(),
  identityId: z.string().max(128).optional(),
});

/** Prove's examples carry whole seconds: 2025-01-23T10:11:12Z. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * POST /sandbox/webhook: sends one notification the way Prove's "Save and Test Webhook" does,
 * signed HS256 with the webhook secret and carried as `X-Prove-Authorization: Bearer <jwt>`.
 * One attempt (Prove retries up to 3 times); the answer says how it went.
 */
export const testWebhook: RouteHandler = async (req, res, ctx) => {
  const { webhookUrl, webhookSecret, now } = ctx.config;
  if (!webhookUrl || !webhookSecret) {
    throw proveHttpError(404, { code: ErrorCode.NOT_FOUND, message: 'no webhookUrl is configured' });
  }
  const parsed = bodySchema.safeParse(await readJsonObject(req));
  if (!parsed.success) throw proveHttpError(400, invalidField(String(parsed.error.issues[0]?.path[0] ?? 'body')));
  const eventType = parsed.data.eventType ?? 'PHONE_NUMBER_CHANGE';
  const nowMs = now();
  const notification = {
    eventId: randomUUID(),
    event: WEBHOOK_EVENTS[eventType],
    eventType,
    eventTimestamp: isoSeconds(nowMs),
    clientCustomerId: parsed.data.clientCustomerId ?? ctx.lastVerified?.clientCustomerId ?? randomUUID(),
    identityId: parsed.data.identityId ?? ctx.lastVerified?.identityId ?? SANDBOX_OWNERS[0]!.identityId,
  };
  const jwt = await signWebhookToken(webhookSecret, nowMs);

  const abort = new AbortController();
  ctx.pending.add(abort);
  const timer = setTimeout(() => abort.abort(), WEBHOOK_TIMEOUT_MS);
  try {
    const answer = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Prove-Authorization': `Bearer ${jwt}` },
      body: JSON.stringify({ notifications: [notification] }),
      redirect: 'manual',
      signal: abort.signal,
    });
    await answer.body?.cancel();
    sendJson(res, 200, { delivered: answer.ok, status: answer.status });
  } catch {
    sendJson(res, 200, { delivered: false, status: 0 });
  } finally {
    clearTimeout(timer);
    ctx.pending.delete(abort);
  }
};

/** The token of one delivery attempt, as Prove signs it (HS256 with the Portal's secret, 5 minutes). */
export async function signWebhookToken(webhookSecret: string, nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return (
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('Prove Identity')
      // Prove signs each delivery attempt with its own short-lived token: two deliveries in one
      // second are two tokens, which a backend that takes each token once must tell apart.
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + 5 * 60)
      .sign(new TextEncoder().encode(webhookSecret))
  );
}
