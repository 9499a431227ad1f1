/**
 * The backend contract as standard `Request → Response` handlers (the Fetch API), so one backend
 * mounts in Express (through an adapter), Hono, Next.js route handlers, Bun, Deno and edge
 * runtimes alike:
 *
 *   verify        {firstName, lastName, phoneNumber, possessionType, finalTargetUrl?}
 *                 → budgets (address, phone number, all), a place in the flow store
 *                 → Prove /v3/verify (allowOTPRetry, a new clientRequestId, the backend's own
 *                   finalTargetUrl unless an allowed one is asked for); the flow's ids kept
 *                   server-side, keyed by the browser's cookie and a flowId
 *                 → 200 {authToken, flowId} + session cookie
 *                 → 200 {success: false, possessionResult, verifyResult} when Prove refused the
 *                   person at once (no authToken, no flow kept)
 *                 → 429 rate_limited over a budget, 503 server_busy when the store is full
 *   verifyStatus  {flowId?} → the browser's flow (its newest without a flowId) → budgets (flow,
 *                 address) → Prove /v3/verify-status → 200 {success: boolean, possessionResult,
 *                 verifyResult, identityId?}, the flow ending with it; 202 {pending: true} until then
 *   webhook       Prove's signed change events, each token taken once → 200
 *
 * Every refusal is `{code, message}`; nothing personal, no token and no code is logged.
 */
import type { BudgetStore } from './budget-store.js';
import { Budgets, resolveLimits, type LimitSettings } from './budgets.js';
import { clientAddress } from './client-address.js';
import { ConfigError } from './config-error.js';
import { readCookie, sessionCookie, type SessionCookieOptions } from './cookies.js';
import { describeFailure, plural, refuseOverBudget, toHttpError, worthLogging } from './error-answers.js';
import { decideFinalTarget } from './final-target.js';
import { HttpError } from './http-error.js';
import { readJsonObject } from './json-body.js';
import { ProveClient, type V3VerifyResponse } from './prove-client.js';
import { randomId } from './random-id.js';
import { checkRequestOrigin } from './request-origin.js';
import { memoryStore, type ProveVerifyStore } from './store.js';
import { describeValidation, meetsProveTargetRule, StatusBodySchema, VerifyBodySchema } from './validation.js';
import { replayKey } from './webhook-replay.js';
import { verifyWebhookAuthorization, WebhookPayloadSchema, type WebhookNotification } from './webhooks.js';

export const API_BODY_LIMIT = 16 * 1024;
export const WEBHOOK_BODY_LIMIT = 256 * 1024;
export const DEFAULT_SESSION_COOKIE = 'pv_session';

/** Prove's API as your backend reaches it. */
export interface ProveConnection {
  /** e.g. `https://platform.uat.proveapis.com` (Prove's North American sandbox). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Timeout of each call to Prove, in ms (default 10 000). */
  timeoutMs?: number;
}

export interface ProveVerifyOptions {
  /** Prove's API and your credentials, or a ProveClient of your own. */
  prove: ProveConnection | ProveClient;
  /** Where an Instant Link's text message sends the phone (see final-target.ts). */
  finalTarget: {
    /** Your landing page: what a desktop flow gets when the page asks for no URL. */
    landingUrl: string;
    /** Origins besides the landing page's that a page-requested URL may be on (exact origins). */
    allowedOrigins?: readonly string[];
  };
  /** Origins of your pages, the only ones whose requests are answered (the Origin check). */
  pageOrigins: readonly string[];
  /** The Prove Portal's webhook secret; without it the webhook handler refuses every delivery (401). */
  webhookSecret?: string;
  /**
   * Takes the notifications of a checked webhook delivery; what it answers is added to the 200's
   * body. Prove delivers up to three times, so the same eventId may come again.
   */
  onWebhookNotifications?: (notifications: WebhookNotification[], receivedAt: Date) => Record<string, unknown> | void | Promise<Record<string, unknown> | void>;
  /** Sent to Prove as `allowOTPRetry` (default false, Prove's own: the first wrong code ends possession). */
  allowOtpRetry?: boolean;
  /** Budgets on starts and status calls (budgets.ts); 0 turns one off. */
  limits?: Partial<LimitSettings>;
  /**
   * Where flows, budget counts and webhook tokens are kept (store.ts): this process's memory by
   * default; `redisStore(...)` for a backend on more than one machine.
   */
  store?: ProveVerifyStore;
  /** Where the budgets count, instead of the store's own. */
  budgetStore?: BudgetStore;
  /** For the default store: flow lifetime in ms (default 15 minutes, Prove's) and most flows kept at once (default 10 000). */
  sessions?: { ttlMs?: number; maxFlows?: number };
  /** How many proxies of yours add `X-Forwarded-For` in front of the backend (default 0: ignore the header). */
  trustProxy?: number;
  /** The session cookie; `secure` defaults to whether the landing page is https. */
  cookie?: Partial<SessionCookieOptions>;
  /** For the default store: most webhook tokens remembered at once, each until it expires (default 10 000); beyond, 503. */
  maxWebhookTokens?: number;
  /** Clock for flows, the token cache and webhook expiry (injectable for tests). */
  now?: () => number;
  /** Where failures of ours (5xx) and Prove's rate limits are written: error class and message only. */
  log?: (line: string) => void;
}

/** What the runtime knows of the connection and the handler cannot read from the Request. */
export interface RequestContext {
  /** The connection's remote address (Node: `socket.remoteAddress`; Deno: `info.remoteAddr.hostname`). */
  clientAddress?: string;
}

export type ProveVerifyHandler = (request: Request, context?: RequestContext) => Promise<Response>;

export interface ProveVerifyHandlers {
  verify: ProveVerifyHandler;
  verifyStatus: ProveVerifyHandler;
  webhook: ProveVerifyHandler;
  /** Stops the store's timers and lets go of its counts (a Redis client passed in stays open). */
  close(): Promise<void>;
}

const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
}

function errorResponse(error: HttpError): Response {
  return jsonResponse(error.status, error.body, error.headers);
}

/** @throws {ConfigError} when a setting cannot work (a landing URL Prove refuses, a bad limit, a bad origin). */
export function createProveVerifyHandlers(options: ProveVerifyOptions): ProveVerifyHandlers {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const landingUrl = options.finalTarget.landingUrl;
  if (!URL.canParse(landingUrl) || !meetsProveTargetRule(landingUrl)) {
    throw new ConfigError(
      `finalTarget.landingUrl ${JSON.stringify(landingUrl)} breaks Prove's finalTargetUrl rule (at most 128 characters of A-Za-z0-9-._+=/:?)`,
    );
  }
  const targetPolicy = {
    landingUrl,
    allowedOrigins: new Set([new URL(landingUrl).origin, ...(options.finalTarget.allowedOrigins ?? []).map((o) => originOf(o, 'finalTarget.allowedOrigins'))]),
  };
  const pageOrigins = new Set(options.pageOrigins.map((o) => originOf(o, 'pageOrigins')));
  const cookie: SessionCookieOptions = {
    name: options.cookie?.name ?? DEFAULT_SESSION_COOKIE,
    path: options.cookie?.path ?? '/',
    secure: options.cookie?.secure ?? landingUrl.startsWith('https:'),
  };
  const allowOTPRetry = options.allowOtpRetry ?? false;
  const trustProxy = options.trustProxy ?? 0;
  const webhookSecret = options.webhookSecret ? new TextEncoder().encode(options.webhookSecret) : undefined;
  const prove = options.prove instanceof ProveClient ? options.prove : new ProveClient({ ...options.prove, now });
  const store =
    options.store ?? memoryStore({ now, ttlMs: options.sessions?.ttlMs, maxFlows: options.sessions?.maxFlows, maxWebhookTokens: options.maxWebhookTokens });
  const sessions = store.flows;
  const budgets = new Budgets(resolveLimits(options.limits), options.budgetStore ?? store.budgets);

  const setCookie = (value: string, maxAgeSeconds: number) => ({ 'Set-Cookie': sessionCookie(cookie, value, maxAgeSeconds) });
  const clearCookie = () => setCookie('', 0);
  const addressOf = (request: Request, context: RequestContext | undefined) => clientAddress(request.headers, context?.clientAddress, trustProxy);

  async function verify(request: Request, context?: RequestContext): Promise<Response> {
    const body = await readJsonObject(request, { limit: API_BODY_LIMIT });
    const parsed = VerifyBodySchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_request', describeValidation(parsed.error));
    const input = parsed.data;
    const finalTargetUrl = decideFinalTarget(input.finalTargetUrl, input.possessionType, targetPolicy);
    refuseOverBudget(await budgets.start(addressOf(request, context), input.phoneNumber));
    // The browser keeps its key while it has flows (another element or tab may be mid-flow); a
    // key the store does not know, perhaps planted, is never taken: a new one is made.
    const known = readCookie(request.headers.get('cookie'), cookie.name);
    const browser = (await sessions.knows(known)) ? known! : randomId();
    const place = await sessions.reserve(browser);
    if (!place) {
      // Refused before Prove is called: a flow the store could not keep must not send a text.
      const seconds = Math.min(60, Math.max(1, Math.ceil((await sessions.msUntilNextExpiry()) / 1000)));
      throw new HttpError(503, 'server_busy', `Too many verifications are in progress: try again in ${plural(seconds, 'second')}`, {
        'Retry-After': String(seconds),
      });
    }
    // One id for the whole flow: Prove's support can then find every call of it from ours.
    const clientRequestId = crypto.randomUUID();
    let answer: V3VerifyResponse;
    try {
      answer = await prove.v3Verify({
        firstName: input.firstName,
        lastName: input.lastName,
        phoneNumber: input.phoneNumber,
        possessionType: input.possessionType,
        ...(finalTargetUrl ? { finalTargetUrl } : {}),
        allowOTPRetry,
        clientRequestId,
      });
    } catch (error) {
      await place.release();
      throw error;
    }
    if (answer.authToken === undefined) {
      await place.release();
      // Prove refused the person at once: there is no possession step to run and no flow to ask
      // about later, so the verdict goes to the page now and no session is kept (a cookie with no
      // live flow of this browser behind it is cleared).
      return jsonResponse(
        200,
        { success: false, possessionResult: answer.possessionResult, verifyResult: answer.verifyResult },
        (await sessions.knows(known)) ? {} : clearCookie(),
      );
    }
    const flowId = await place.commit({ correlationId: answer.correlationId, clientRequestId }, browser);
    return jsonResponse(200, { authToken: answer.authToken, flowId }, setCookie(browser, Math.floor(sessions.ttlMs / 1000)));
  }

  async function verifyStatus(request: Request, context?: RequestContext): Promise<Response> {
    const body = await readJsonObject(request, { limit: API_BODY_LIMIT });
    const parsed = StatusBodySchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_request', describeValidation(parsed.error));
    const browser = readCookie(request.headers.get('cookie'), cookie.name);
    const flow = await sessions.flowOf(browser, parsed.data.flowId);
    if (!flow) {
      throw new HttpError(401, 'session_expired', 'No verification is in progress, or it expired: start again', clearCookie());
    }
    const [id, session] = flow;
    refuseOverBudget(await budgets.status(id, addressOf(request, context)));
    const status = await prove.v3VerifyStatus({ correlationId: session.correlationId, clientRequestId: session.clientRequestId });
    // Not a failure: Prove has no verdict yet (the phone has not finished); the page asks again.
    if (status.success === 'pending') return jsonResponse(202, { pending: true });
    // The verdict is given once: the flow is over. The cookie goes with the browser's last flow.
    await sessions.delete(id);
    const others = await sessions.knows(browser);
    return jsonResponse(
      200,
      {
        success: status.success === 'true',
        possessionResult: status.possessionResult,
        verifyResult: status.verifyResult,
        ...(status.identityId ? { identityId: status.identityId } : {}),
      },
      others ? {} : clearCookie(),
    );
  }

  async function webhook(request: Request): Promise<Response> {
    const receivedAt = new Date(now());
    if (!webhookSecret) throw new HttpError(401, 'unauthorized', 'Webhook rejected: this backend takes no webhooks');
    const auth = await verifyWebhookAuthorization(request.headers.get('x-prove-authorization') ?? undefined, webhookSecret, receivedAt);
    if (!auth.ok) throw new HttpError(401, 'unauthorized', `Webhook rejected: ${auth.reason}`);
    const seen = await store.webhookTokens.take(replayKey(auth.token), auth.refusedFromMs, receivedAt.getTime());
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
  }

  /** The method and Origin checks, and every failure as `{code, message}`. */
  const handler =
    (handle: ProveVerifyHandler): ProveVerifyHandler =>
    async (request, context) => {
      try {
        if (request.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'Use POST', { Allow: 'POST' });
        checkRequestOrigin(request.headers, pageOrigins);
        return await handle(request, context);
      } catch (error) {
        const answer = toHttpError(error);
        if (worthLogging(error, answer)) log(`  ${describeFailure(error)}`);
        return errorResponse(answer);
      }
    };

  return {
    verify: handler(verify),
    verifyStatus: handler(verifyStatus),
    webhook: handler(webhook),
    async close() {
      await budgets.close();
      await store.close();
    },
  };
}

/** An exact http(s) origin, or a ConfigError naming the setting. */
function originOf(value: string, setting: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(`${setting}: ${JSON.stringify(value)} is not an http(s) origin`);
  }
  return url.origin;
}
