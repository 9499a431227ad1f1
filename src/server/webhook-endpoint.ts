/** The webhook endpoint: Prove's signed change events, each token taken once. */
import { HttpError } from './http-error.js';
import { readJsonObject } from './json-body.js';
import { jsonResponse } from './json-response.js';
import type { ProveVerifyOptions } from './options.js';
import type { LogSink } from './refusal-log.js';
import type { WebhookTokenStore } from './store.js';
import { describeValidation } from './validation.js';
import { replayKey } from './webhook-replay.js';
import { verifyWebhookAuthorization, WebhookPayloadSchema } from './webhooks.js';

export const WEBHOOK_BODY_LIMIT = 256 * 1024;

const WEBHOOK_CACHE_FULL =
  'prove-verify: the webhook token cache is full (maxWebhookTokens): the tokens issued first are forgotten to make room, ' +
  'and a token issued no later than one forgotten is refused with 503 (Prove delivers again with a new one); ' +
  "raise maxWebhookTokens if Prove's own deliveries fill it";

export function webhookEndpoint(
  options: ProveVerifyOptions,
  tokens: WebhookTokenStore,
  now: () => number,
  log: LogSink,
): (request: Request) => Promise<Response> {
  const webhookSecret = options.webhookSecret ? new TextEncoder().encode(options.webhookSecret) : undefined;
  // Once: under a flood every delivery would say it again.
  let saidFull = false;
  return async (request) => {
    const receivedAt = new Date(now());
    if (!webhookSecret) throw new HttpError(401, 'unauthorized', 'Webhook rejected: this backend takes no webhooks');
    const auth = await verifyWebhookAuthorization(
      request.headers.get('x-prove-authorization') ?? undefined,
      webhookSecret,
      receivedAt,
    );
    if (!auth.ok) throw new HttpError(401, 'unauthorized', `Webhook rejected: ${auth.reason}`);
    const token = { key: replayKey(auth.token), issuedAtMs: auth.issuedAtMs, forgetAtMs: auth.refusedFromMs };
    const seen = await tokens.take(token, receivedAt.getTime());
    if (seen === 'replayed') throw new HttpError(401, 'unauthorized', 'Webhook rejected: token already used');
    if ((seen === 'full' || seen === 'forgotten') && !saidFull) {
      saidFull = true;
      log(WEBHOOK_CACHE_FULL);
    }
    if (seen === 'forgotten') {
      // Perhaps a replay, perhaps Prove's own delivery that came late: its next attempt has a new token.
      throw new HttpError(
        503,
        'server_busy',
        'Webhook token issued before the newest one this backend had to forget: deliver again',
        {
          'Retry-After': '5',
        },
      );
    }
    // Prove's content type is not documented: the JWT, not the header, is what we trust.
    const body = await readJsonObject(request, { limit: WEBHOOK_BODY_LIMIT, requireJsonType: false });
    const parsed = WebhookPayloadSchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_webhook', describeValidation(parsed.error));
    const extra = (await options.onWebhookNotifications?.(parsed.data.notifications, receivedAt)) ?? {};
    return jsonResponse(200, { received: parsed.data.notifications.length, ...extra });
  };
}
