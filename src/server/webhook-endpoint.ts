/** The webhook endpoint: Prove's signed change events, each token taken once. */
import { HttpError } from './http-error.js';
import { readJsonObject } from './json-body.js';
import { jsonResponse } from './json-response.js';
import type { ProveVerifyOptions } from './options.js';
import type { WebhookTokenStore } from './store.js';
import { describeValidation } from './validation.js';
import { replayKey } from './webhook-replay.js';
import { verifyWebhookAuthorization, WebhookPayloadSchema } from './webhooks.js';

export const WEBHOOK_BODY_LIMIT = 256 * 1024;

export function webhookEndpoint(options: ProveVerifyOptions, tokens: WebhookTokenStore, now: () => number): (request: Request) => Promise<Response> {
  const webhookSecret = options.webhookSecret ? new TextEncoder().encode(options.webhookSecret) : undefined;
  return async (request) => {
    const receivedAt = new Date(now());
    if (!webhookSecret) throw new HttpError(401, 'unauthorized', 'Webhook rejected: this backend takes no webhooks');
    const auth = await verifyWebhookAuthorization(request.headers.get('x-prove-authorization') ?? undefined, webhookSecret, receivedAt);
    if (!auth.ok) throw new HttpError(401, 'unauthorized', `Webhook rejected: ${auth.reason}`);
    const seen = await tokens.take(replayKey(auth.token), auth.refusedFromMs, receivedAt.getTime());
    if (seen === 'replayed') throw new HttpError(401, 'unauthorized', 'Webhook rejected: token already used');
    if (seen === 'full') {
      throw new HttpError(503, 'server_busy', 'Too many webhooks right now: deliver again later', { 'Retry-After': '60' });
    }
    // Prove's content type is not documented: the JWT, not the header, is what we trust.
    const body = await readJsonObject(request, { limit: WEBHOOK_BODY_LIMIT, requireJsonType: false });
    const parsed = WebhookPayloadSchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_webhook', describeValidation(parsed.error));
    const extra = (await options.onWebhookNotifications?.(parsed.data.notifications, receivedAt)) ?? {};
    return jsonResponse(200, { received: parsed.data.notifications.length, ...extra });
  };
}
