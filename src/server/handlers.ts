/**
 * The backend contract as standard `Request → Response` handlers (the Fetch API), so one backend
 * mounts in Express (through an adapter), Hono, Next.js route handlers, Bun, Deno and edge
 * runtimes alike. Prove is reached through one of two flows (flows/, the `flow` setting): `unify`,
 * Prove's current contract, or `verify-status`, its July 2025 one; nothing here calls Prove itself.
 * What each endpoint takes and answers is docs/backend-contract.yaml's, which
 * test/server/server-contract.test.ts holds these handlers to; below is the order they work in.
 *
 *   verify        {firstName, lastName, phoneNumber, possessionType, finalTargetUrl?}
 *                 → budgets (texts per address, network, phone number and in all; calls to
 *                   Prove), a place in the flow store
 *                 → the flow's start at Prove (allowOTPRetry, a new clientRequestId, the backend's
 *                   own finalTargetUrl unless an allowed one is asked for, clientCustomerId where
 *                   set); the flow kept server-side (the person sealed, flow-seal.ts), keyed by the
 *                   browser's cookie (a new key at each start, its flows moved to it) and a flowId
 *                 → 200 {authToken, flowId, changeNumber: 'in-flow' (unify) | 'restart'} + cookie
 *                 → 200 {success: false, possessionResult, verifyResult} when Prove refused the
 *                   person at once (no authToken, no flow kept)
 *                 → 429 rate_limited over a budget, 503 server_busy when the store is full
 *   verifyStatus  {flowId} → the browser's flow → 202 {pending: true} within statusIntervalMs of
 *                 its last status call, or over the budget on calls to Prove, without asking Prove
 *                 → budgets (flow, address) → the flow's status at Prove (unify: unify-status, then the identity
 *                 check on the number Prove proved) → 202 {pending: true} until a verdict; then
 *                 the flow ends, onVerified is told once, and 200 {success: boolean,
 *                 possessionResult, verifyResult, phoneNumber (E.164, the number proved),
 *                 identityId?, proveId?, assuranceLevel?, reasons?, ...what onVerified answered}
 *   webhook       Prove's signed change events, each token taken once → 200
 *   handle        the three above by the path's last segment, for a mount of every method
 *
 * Each answers POST only (405 with `Allow: POST`), and only the pages of `pageOrigins` (403); a
 * store that cannot answer is 503 store_unavailable with Retry-After, never a 500.
 * Every refusal is `{code, message}` and one log line (refusal-log.ts): nothing personal, no token
 * and no code is logged.
 */
import { Budgets, resolveLimits } from './budgets.js';
import { addressKeys, requestAddresses } from './client-address.js';
import { defaultCookieName, readCookie, sessionCookie, type SessionCookieOptions } from './cookies.js';
import { plural, refuseOverBudget, toHttpError } from './error-answers.js';
import { decideFinalTarget, finalTargetPolicy } from './final-target.js';
import { HttpError } from './http-error.js';
import { readJsonObject } from './json-body.js';
import { errorResponse, jsonResponse } from './json-response.js';
import { flowSeal } from './flow-seal.js';
import type { StartOutcome } from './flows/flow.js';
import { makeFlow } from './flows/make-flow.js';
import type { ProveVerifyHandler, ProveVerifyHandlers, RequestContext } from './handler-types.js';
import { lazyHandlers } from './lazy-handlers.js';
import { checkOptions, type ProveVerifyOptions, type ProveVerifyOptionsFactory } from './options.js';
import { ProveCallRefused } from './prove-call-budget.js';
import { ProveClient } from './prove-client.js';
import { randomId } from './random-id.js';
import { logSink, refusalLine } from './refusal-log.js';
import { checkRequestOrigin } from './request-origin.js';
import { ROUTE_NAMES, routeOf } from './router.js';
import { memoryStore } from './store.js';
import { describeValidation, StatusBodySchema, VerifyBodySchema } from './validation.js';
import { verdictAnswer } from './verdict-answer.js';
import { webhookEndpoint } from './webhook-endpoint.js';

export { jsonResponse };
export { WEBHOOK_BODY_LIMIT } from './webhook-endpoint.js';
export type { ProveVerifyHandler, ProveVerifyHandlers, RequestContext } from './handler-types.js';
export type { ProveConnection, ProveVerifyOptions, ProveVerifyOptionsFactory, VerifiedResult } from './options.js';

export const API_BODY_LIMIT = 16 * 1024;
export { DEFAULT_SESSION_COOKIE, HOST_SESSION_COOKIE } from './cookies.js';

/**
 * The contract's handlers. Given settings, they are checked now; given a function answering them
 * (`() => ({ prove: proveFromEnv(env), ... })`), it runs at the first request, for builds
 * that import route modules without the server's environment (Next.js).
 * @throws {ConfigError} when a setting cannot work (each one named, with what it must be).
 */
export function createProveVerifyHandlers(options: ProveVerifyOptions): ProveVerifyHandlers;
export function createProveVerifyHandlers(options: ProveVerifyOptionsFactory): ProveVerifyHandlers;
export function createProveVerifyHandlers(
  options: ProveVerifyOptions | ProveVerifyOptionsFactory,
): ProveVerifyHandlers {
  return typeof options === 'function' ? lazyHandlers(options, makeHandlers) : makeHandlers(options);
}

function makeHandlers(settings: unknown): ProveVerifyHandlers {
  const options = checkOptions(settings);
  const limits = resolveLimits(options.limits);
  const now = options.now ?? Date.now;
  const log = logSink(options.log);
  const landingUrl = options.finalTarget.landingUrl;
  const targetPolicy = finalTargetPolicy(landingUrl, options.finalTarget.allowedUrls);
  const pageOrigins = new Set(options.pageOrigins.map((o) => new URL(o).origin));
  const cookiePlace = {
    path: options.cookie?.path ?? '/',
    secure: options.cookie?.secure ?? landingUrl.startsWith('https:'),
  };
  const cookie: SessionCookieOptions = { name: options.cookie?.name ?? defaultCookieName(cookiePlace), ...cookiePlace };
  const allowOTPRetry = options.allowOtpRetry ?? false;
  const prove = options.prove instanceof ProveClient ? options.prove : new ProveClient({ ...options.prove, now });
  // Every call to Prove is counted in the budget on calls to Prove, every machine's.
  const proveFlow = makeFlow(options.flow ?? 'unify', prove, () => budgets.proveCallGate());
  const seal = flowSeal(prove);
  const store =
    options.store ??
    memoryStore({
      now,
      ttlMs: options.sessions?.ttlMs,
      maxFlows: options.sessions?.maxFlows,
      maxWebhookTokens: options.maxWebhookTokens,
    });
  const flows = store.flows;
  const budgets = new Budgets(limits, options.budgetStore ?? store.budgets, now);

  const setCookie = (value: string, maxAgeSeconds: number) => ({
    'Set-Cookie': sessionCookie(cookie, value, maxAgeSeconds),
  });
  const clearCookie = () => setCookie('', 0);
  const addresses = requestAddresses(options, log);
  const addressOf = (request: Request, context: RequestContext | undefined) =>
    addresses(request.headers, context?.clientAddress);

  async function verify(request: Request, context?: RequestContext): Promise<Response> {
    const body = await readJsonObject(request, { limit: API_BODY_LIMIT });
    const parsed = VerifyBodySchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_request', describeValidation(parsed.error));
    const input = parsed.data;
    const finalTargetUrl = decideFinalTarget(input.finalTargetUrl, input.possessionType, targetPolicy);
    refuseOverBudget(await budgets.start(addressKeys(addressOf(request, context)), input.phoneNumber));
    // A new key at each start, never the cookie's: a key planted in the browser (session fixation)
    // then never names the flow started here. The browser's live flows (its other elements or
    // tabs, mid-flow) move to the new key as the flow is stored; a key the store does not know
    // carries nothing.
    const previous = readCookie(request.headers.get('cookie'), cookie.name);
    const browser = randomId();
    const place = await flows.reserve(previous);
    if (!place) {
      // Refused before Prove is called: a flow the store could not keep must not send a text.
      const seconds = Math.min(60, Math.max(1, Math.ceil((await flows.msUntilNextExpiry()) / 1000)));
      throw new HttpError(
        503,
        'server_busy',
        `Too many verifications are in progress: try again in ${plural(seconds, 'second')}`,
        {
          'Retry-After': String(seconds),
        },
      );
    }
    // One id for the whole flow: Prove's support can then find every call of it from ours.
    const clientRequestId = crypto.randomUUID();
    let outcome: StartOutcome;
    try {
      const customer: unknown = await options.clientCustomerId?.(request);
      if (customer !== undefined && typeof customer !== 'string')
        throw new TypeError('clientCustomerId answered something that is not a string');
      const clientCustomerId = customer || undefined;
      const person = {
        phoneNumber: input.phoneNumber,
        firstName: input.firstName,
        lastName: input.lastName,
        clientCustomerId,
      };
      // Sealed before Prove is called: a flow that could not be kept must not send a text.
      const sealed = await seal.seal({ correlationId: '', clientRequestId, contract: proveFlow.name, ...person });
      outcome = await proveFlow.start({
        ...person,
        possessionType: input.possessionType,
        finalTargetUrl,
        allowOTPRetry,
        clientRequestId,
      });
      if (outcome.started) {
        const flowId = await place.commit({ ...sealed, correlationId: outcome.correlationId }, browser, previous);
        const answer = { authToken: outcome.authToken, flowId, changeNumber: proveFlow.changeNumber };
        return jsonResponse(200, answer, setCookie(browser, Math.floor(flows.ttlMs / 1000)));
      }
    } catch (error) {
      await place.release();
      throw error;
    }
    await place.release();
    // Prove refused the person at once: there is no possession step to run and no flow to ask
    // about later, so the verdict goes to the page now and no flow is kept (a cookie with no
    // live flow of this browser behind it is cleared).
    const { possessionResult, verifyResult } = outcome;
    const cookieHeaders = (await flows.knows(previous).catch(() => true)) ? {} : clearCookie();
    return jsonResponse(200, { success: false, possessionResult, verifyResult }, cookieHeaders);
  }

  async function verifyStatus(request: Request, context?: RequestContext): Promise<Response> {
    const body = await readJsonObject(request, { limit: API_BODY_LIMIT });
    const parsed = StatusBodySchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_request', describeValidation(parsed.error));
    const browser = readCookie(request.headers.get('cookie'), cookie.name);
    const flow = await flows.flowOf(browser, parsed.data.flowId);
    if (!flow) {
      // The cookie stays while it names other flows: the browser's other tabs still need it.
      const cookieHeaders = (await flows.knows(browser)) ? {} : clearCookie();
      throw new HttpError(
        401,
        'session_expired',
        'No verification is in progress, or it expired: start again',
        cookieHeaders,
      );
    }
    const [id, stored] = flow;
    // Asked again within statusIntervalMs: pending, as Prove said a moment ago (the element waits longer).
    if (await budgets.tooSoon(id)) return jsonResponse(202, { pending: true });
    refuseOverBudget(await budgets.status(id, addressKeys(addressOf(request, context))));
    const record = await seal.open(stored);
    if (!record) {
      // Sealed under another client secret (it was changed) or not by us: nothing to ask Prove about.
      await flows.delete(id);
      throw new HttpError(
        401,
        'session_expired',
        'This verification can no longer be read: start again',
        clearCookie(),
      );
    }
    // Over the budget on calls to Prove, nothing was asked: no verdict yet, and the page asks again.
    const status = await proveFlow.status(record).catch((error: unknown) => {
      if (error instanceof ProveCallRefused) return { pending: true } as const;
      throw error;
    });
    // Not a failure: Prove has no verdict yet (the phone has not finished); the page asks again.
    if (status.pending) return jsonResponse(202, { pending: true });
    // The verdict is given once: of status calls racing for the flow (tabs, machines), the one
    // that takes it from the store answers it and tells onVerified; the others find it over.
    if (!(await flows.take(id)))
      throw new HttpError(401, 'session_expired', 'This verification is already over: start again');
    // The cookie goes with the browser's last flow. Taken, the verdict must reach the page: a
    // store failing now leaves the cookie, which names nothing once the flows are over.
    const cookieHeaders = (await flows.knows(browser).catch(() => true)) ? {} : clearCookie();
    return jsonResponse(
      200,
      await verdictAnswer(options.onVerified, status.verdict, record, id, request),
      cookieHeaders,
    );
  }

  const webhook = webhookEndpoint(options, store.webhookTokens, now, log);

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
      return refuse(
        request,
        new HttpError(404, 'not_found', `No such endpoint: prove-verify-server answers POST ${endpoints}`),
      );
    },
    async close() {
      await budgets.close();
      await store.close();
    },
  };
}
