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
 *   handle        the three above by the path's last segment, for a mount of every method
 *
 * Each answers POST only (405 with `Allow: POST`), and only the pages of `pageOrigins` (403).
 * Every refusal is `{code, message}` and one log line (refusal-log.ts): nothing personal, no token
 * and no code is logged.
 */
import { Budgets, resolveLimits } from './budgets.js';
import { clientAddress } from './client-address.js';
import { readCookie, sessionCookie, type SessionCookieOptions } from './cookies.js';
import { plural, refuseOverBudget, toHttpError } from './error-answers.js';
import { decideFinalTarget } from './final-target.js';
import { HttpError } from './http-error.js';
import { readJsonObject } from './json-body.js';
import { errorResponse, jsonResponse } from './json-response.js';
import { lazyHandlers } from './lazy-handlers.js';
import { checkOptions, type ProveVerifyOptions, type ProveVerifyOptionsFactory } from './options.js';
import { ProveClient, type V3VerifyResponse } from './prove-client.js';
import { randomId } from './random-id.js';
import { logSink, refusalLine } from './refusal-log.js';
import { checkRequestOrigin } from './request-origin.js';
import { ROUTE_NAMES, routeOf } from './router.js';
import { memoryStore } from './store.js';
import { describeValidation, StatusBodySchema, VerifyBodySchema } from './validation.js';
import { replayKey } from './webhook-replay.js';
import { verifyWebhookAuthorization, WebhookPayloadSchema } from './webhooks.js';

export { jsonResponse };
export type { ProveConnection, ProveVerifyOptions, ProveVerifyOptionsFactory } from './options.js';

export const API_BODY_LIMIT = 16 * 1024;
export const WEBHOOK_BODY_LIMIT = 256 * 1024;
export const DEFAULT_SESSION_COOKIE = 'pv_session';

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
  /**
   * All three behind one handler, chosen by the path's last segment (`…/verify`,
   * `…/verify-status`, `…/webhook`): mount it for every method, and a GET is answered 405 with
   * `Allow: POST` (as the contract says), any other path 404, each as `{code, message}`.
   */
  handle: ProveVerifyHandler;
  /** Stops the store's timers and lets go of its counts (a Redis client passed in stays open). */
  close(): Promise<void>;
}

/**
 * The contract's handlers. Given settings, they are checked now; given a function answering them
 * (`() => ({ prove: proveFromEnv(env), ... })`), it runs at the first request, for builds
 * that import route modules without the server's environment (Next.js).
 * @throws {ConfigError} when a setting cannot work (each one named, with what it must be).
 */
export function createProveVerifyHandlers(options: ProveVerifyOptions): ProveVerifyHandlers;
export function createProveVerifyHandlers(options: ProveVerifyOptionsFactory): ProveVerifyHandlers;
export function createProveVerifyHandlers(options: ProveVerifyOptions | ProveVerifyOptionsFactory): ProveVerifyHandlers {
  return typeof options === 'function' ? lazyHandlers(options, makeHandlers) : makeHandlers(options);
}

function makeHandlers(settings: unknown): ProveVerifyHandlers {
  const options = checkOptions(settings);
  const limits = resolveLimits(options.limits);
  const now = options.now ?? Date.now;
  const log = logSink(options.log);
  const landingUrl = options.finalTarget.landingUrl;
  const targetPolicy = {
    landingUrl,
    allowedOrigins: new Set([new URL(landingUrl).origin, ...(options.finalTarget.allowedOrigins ?? []).map((o) => new URL(o).origin)]),
  };
  const pageOrigins = new Set(options.pageOrigins.map((o) => new URL(o).origin));
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
  const budgets = new Budgets(limits, options.budgetStore ?? store.budgets);

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

  /** Every refusal as `{code, message}`, and one log line for it. */
  function refuse(request: Request, error: unknown): Response {
    const answer = toHttpError(error);
    log(refusalLine(request, answer, error));
    return errorResponse(answer);
  }

  /** The method and Origin checks, then the endpoint; whatever it throws, refused. */
  const answering =
    (handle: ProveVerifyHandler): ProveVerifyHandler =>
    async (request, context) => {
      try {
        if (request.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'Use POST', { Allow: 'POST' });
        checkRequestOrigin(request.headers, pageOrigins);
        return await handle(request, context);
      } catch (error) {
        return refuse(request, error);
      }
    };

  const routes = { verify: answering(verify), 'verify-status': answering(verifyStatus), webhook: answering(webhook) };

  return {
    verify: routes.verify,
    verifyStatus: routes['verify-status'],
    webhook: routes.webhook,
    async handle(request, context) {
      const route = routeOf(request.url);
      if (route) return routes[route](request, context);
      const endpoints = ROUTE_NAMES.map((name) => `…/${name}`).join(', ');
      return refuse(request, new HttpError(404, 'not_found', `No such endpoint: prove-verify-server answers POST ${endpoints}`));
    },
    async close() {
      await budgets.close();
      await store.close();
    },
  };
}
