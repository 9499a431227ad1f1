/**
 * The demo integrator backend: the reference for the backend contract in DESIGN.md.
 *
 *   POST /api/verify          {firstName, lastName, phoneNumber, possessionType, finalTargetUrl?}
 *                             → budgets (address, phone number, all), a place in the session store
 *                             → Prove /v3/verify (allowOTPRetry, a new clientRequestId, the
 *                               backend's own finalTargetUrl unless an allowed one is asked for);
 *                               correlationId and clientRequestId kept server-side as one flow
 *                               of this browser (its session cookie; at most 5 flows a browser);
 *                             → 200 {authToken, flowId} + session cookie
 *                             → 200 {success: false, possessionResult, verifyResult} when Prove
 *                               refused the person at once (no authToken, no session)
 *                             → 429 rate_limited over a budget, 503 server_busy when the store is full
 *   POST /api/verify-status   {flowId?} → the browser's flow (its newest without a flowId)
 *                             → budgets (flow, address) → Prove /v3/verify-status with the flow's ids
 *                             → 200 {success: boolean, possessionResult, verifyResult, identityId?};
 *                               the flow ends with this answer (the cookie goes with the last one)
 *                             → 202 {pending: true} while Prove has no verdict yet
 *   POST /api/webhook         Prove's signed change events (each token once) → 200
 *   GET  /api/webhook-events  → {events: [...]} (newest first); emulator mode only
 *   GET  /api/config          → {mode, emulatorUrl?}
 *   GET  /, /cdn.html, /link-opened.html, /main.js, /vendor/prove-auth.js, /cdn/*
 *
 * `POST /api/*` answers only the app's own pages (request-origin.ts); the pages carry a strict
 * CSP (page-policy.ts). Errors are always `{code, message}`; Prove's 429 becomes our 429
 * `rate_limited` with Prove's `Retry-After`. Nothing personal (names, phone numbers), no tokens and
 * no codes are logged: the log line is method, path, status and time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { bindLoopback, closeServer } from '../loopback.js';
import { memoryBudgetStore, BudgetStoreError, type BudgetStore } from './budget-store.js';
import { Budgets, limitsFrom, type BudgetCheck, type BudgetName, type LimitSettings } from './budgets.js';
import { clientAddress, trustProxyFrom } from './client-address.js';
import {
  allowOtpRetryFrom,
  checkWebhookSecret,
  ConfigError,
  DEFAULT_APP_PORT,
  parseOriginList,
  parsePort,
  resolveProveConfig,
  webhookSecretFrom,
  type DemoMode,
  type ProveConnection,
} from './config.js';
import { decideFinalTarget } from './final-target.js';
import { HttpError, parseCookies, readJsonObject, sendError, sendJson } from './http.js';
import { connectSourcesFor } from './page-policy.js';
import { checkRequestOrigin, ownOrigins } from './request-origin.js';
import {
  ProveClient,
  ProveError,
  ProveHttpError,
  ProveNetworkError,
  ProveRateLimitError,
  ProveResponseError,
  ProveTimeoutError,
} from './prove-client.js';
import { SessionStore } from './sessions.js';
import { StaticFiles, type StaticOptions } from './static.js';
import { LANDING_PAGE } from './static.js';
import { describeValidation, meetsProveTargetRule, StatusBodySchema, VerifyBodySchema } from './validation.js';
import { WebhookReplayGuard } from './webhook-replay.js';
import { verifyWebhookAuthorization, WebhookEventLog, WebhookPayloadSchema } from './webhooks.js';

export { ProveClient } from './prove-client.js';
export { resolveProveConfig, allowOtpRetryFrom, ConfigError, DEMO_WEBHOOK_SECRET } from './config.js';
export { LANDING_PAGE } from './static.js';
export { DEFAULT_LIMITS, NO_LIMITS, type LimitSettings } from './budgets.js';
export { memoryBudgetStore, fromRateLimiter, type BudgetStore, type BudgetCounter } from './budget-store.js';
export type { DemoMode, ProveConnection } from './config.js';

export const SESSION_COOKIE = 'pv_session';
export const API_BODY_LIMIT = 16 * 1024;
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

export interface AppOptions {
  /** Port to listen on (default `PORT` or 8080; 0 picks a free port). */
  port?: number;
  /**
   * Interface to listen on (default `HOST` or `localhost`). `localhost` binds both 127.0.0.1 and
   * ::1 on one port, so http://localhost:PORT works whichever address a client tries first.
   */
  host?: string;
  /** Prove's API and credentials (default: from the environment, see config.ts). */
  prove?: ProveConnection;
  /** What `/api/config` reports (default: from the environment, or `emulator` when `prove` is given). */
  mode?: DemoMode;
  /** The emulator's origin as the browser reaches it, for the demo's inbox panel (emulator mode). */
  emulatorUrl?: string;
  /**
   * Secret that signs Prove's webhook JWTs (default `PROVE_WEBHOOK_SECRET`). Required outside
   * emulator mode, where the public demo secret is refused too (ConfigError at startup); the
   * emulator falls back to the demo secret it shares with the app.
   */
  webhookSecret?: string;
  /** Most webhook tokens remembered at once, each until it expires (default 10 000); beyond, 503. */
  maxWebhookTokens?: number;
  /**
   * The app's own origin as browsers (and the phone opening an Instant Link) reach it; the desktop
   * flow's default finalTargetUrl is `<publicOrigin>/link-opened.html`. Default `PUBLIC_ORIGIN`,
   * else `http://localhost:<port>`. Prove takes at most 128 characters of `A-Za-z0-9-._+=/:?` for
   * that URL; an origin that breaks the rule is a ConfigError at startup.
   */
  publicOrigin?: string;
  /**
   * Sent to Prove as `allowOTPRetry`: whether a wrong one-time code may be entered again (up to
   * three tries) instead of ending possession. Wins over `PROVE_ALLOW_OTP_RETRY`; default true.
   */
  allowOtpRetry?: boolean;
  /** Clock for sessions, the token cache and webhook expiry (injectable for tests). */
  now?: () => number;
  /** Timeout of each call to Prove, in ms (default 10 000). */
  proveTimeoutMs?: number;
  /** Session lifetime, in ms (default 15 minutes, Prove's flow session). */
  sessionTtlMs?: number;
  /** Most flows kept at once (default 10 000); when full, new flows get 503 until one ends. */
  maxSessions?: number;
  /**
   * Budgets on starts and status calls (budgets.ts). Each key wins over its environment variable
   * (`LIMIT_STARTS_PER_PHONE`, `LIMIT_STARTS_PER_IP`, `LIMIT_STARTS_GLOBAL`,
   * `LIMIT_STATUS_PER_SESSION`, `LIMIT_STATUS_PER_IP`, `LIMIT_WINDOW_SECONDS`); 0 turns one off.
   * `NO_LIMITS` turns them all off.
   */
  limits?: Partial<LimitSettings>;
  /** Where the budgets count (default: this process's memory); see budget-store.ts for Redis. */
  budgetStore?: BudgetStore;
  /**
   * How many proxies of yours stand in front of the app, whose `X-Forwarded-For` entries name the
   * client (default `TRUST_PROXY` or 0: the socket's address, the header ignored).
   */
  trustProxy?: number;
  /**
   * Origins besides the app's own whose pages may be an Instant Link's `finalTargetUrl` when the
   * page asks for one (default `ALLOWED_FINAL_TARGET_ORIGINS`, comma-separated, exact origins).
   */
  allowedFinalTargetOrigins?: readonly string[];
  /** Static file locations and whether `/main.js` is bundled. */
  static?: StaticOptions;
  /** Access log (method, path, status, ms); default silent. */
  log?: (line: string) => void;
}

export interface RunningApp {
  url: string;
  port: number;
  mode: DemoMode;
  /** Resolves when `/main.js` has been bundled (true) or failed to (false). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export async function startApp(options: AppOptions = {}): Promise<RunningApp> {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const envConfig = options.prove ? undefined : resolveProveConfig(process.env);
  const proveConnection = options.prove ?? envConfig!.prove;
  const mode: DemoMode = options.mode ?? envConfig?.mode ?? 'emulator';
  const emulatorUrl = mode === 'emulator' ? (options.emulatorUrl ?? proveConnection.baseUrl).replace(/\/+$/, '') : undefined;
  const webhookSecret = new TextEncoder().encode(
    options.webhookSecret !== undefined ? checkWebhookSecret(options.webhookSecret, mode) : webhookSecretFrom(process.env, mode),
  );
  const limits = limitsFrom(process.env, options.limits);
  const trustProxy = options.trustProxy ?? trustProxyFrom(process.env);
  const extraTargetOrigins = options.allowedFinalTargetOrigins
    ? parseOriginList(options.allowedFinalTargetOrigins.join(','), 'allowedFinalTargetOrigins')
    : parseOriginList(process.env.ALLOWED_FINAL_TARGET_ORIGINS, 'ALLOWED_FINAL_TARGET_ORIGINS');
  const port = options.port ?? parsePort(process.env.PORT, DEFAULT_APP_PORT, 'PORT');
  const host = options.host ?? (process.env.HOST?.trim() || 'localhost');

  const allowOTPRetry = options.allowOtpRetry ?? allowOtpRetryFrom(process.env);

  let publicOrigin = originOf(options.publicOrigin ?? process.env.PUBLIC_ORIGIN);
  if (publicOrigin) checkLandingUrl(publicOrigin);
  let secureCookie = publicOrigin.startsWith('https:');

  const prove = new ProveClient({ ...proveConnection, now, timeoutMs: options.proveTimeoutMs });
  const sessions = new SessionStore({ now, ttlMs: options.sessionTtlMs, maxSessions: options.maxSessions });
  const budgets = new Budgets(limits, options.budgetStore ?? memoryBudgetStore);
  const webhookEvents = new WebhookEventLog();
  const webhookTokens = new WebhookReplayGuard({ max: options.maxWebhookTokens });
  const statics = new StaticFiles({ log, ...options.static, connectSources: connectSourcesFor(mode, emulatorUrl) });
  /** Set once the app listens (its own address is one of them). */
  let allowedOrigins = new Set<string>();

  const sessionCookie = (id: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/api; Max-Age=${maxAgeSeconds}${secureCookie ? '; Secure' : ''}`;
  const clearedCookie = () => sessionCookie('', 0);

  async function verify(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonObject(req, { limit: API_BODY_LIMIT });
    const parsed = VerifyBodySchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_request', describeValidation(parsed.error));
    const input = parsed.data;
    const finalTargetUrl = decideFinalTarget(input.finalTargetUrl, input.possessionType, {
      landingUrl: `${publicOrigin}${LANDING_PAGE}`,
      allowedOrigins: new Set([publicOrigin, ...extraTargetOrigins]),
    });
    refuseOverBudget(await budgets.start(clientAddress(req, trustProxy), input.phoneNumber));
    // The browser keeps its key while it has flows (another element or tab may be mid-flow); a
    // key the store does not know, perhaps planted, is never taken: a new one is made.
    const known = parseCookies(req).get(SESSION_COOKIE);
    const browser = sessions.knows(known) ? known! : randomBytes(32).toString('base64url');
    const place = sessions.reserve(browser);
    if (!place) {
      // Refused before Prove is called: a flow the store could not keep must not send a text.
      const seconds = Math.min(60, Math.max(1, Math.ceil(sessions.msUntilNextExpiry() / 1000)));
      throw new HttpError(503, 'server_busy', `Too many verifications are in progress: try again in ${plural(seconds, 'second')}`, {
        'Retry-After': String(seconds),
      });
    }
    // One id for the whole flow: Prove's support can then find every call of it from ours.
    const clientRequestId = randomUUID();
    let answer: Awaited<ReturnType<ProveClient['v3Verify']>>;
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
      place.release();
      throw error;
    }
    if (answer.authToken === undefined) {
      place.release();
      // Prove refused the person at once: there is no possession step to run and no flow to ask
      // about later, so the verdict goes to the page now and no session is kept (a cookie with no
      // live flow of this browser behind it is cleared).
      sendJson(
        res,
        200,
        { success: false, possessionResult: answer.possessionResult, verifyResult: answer.verifyResult },
        sessions.knows(known) ? {} : { 'Set-Cookie': clearedCookie() },
      );
      return;
    }
    const flowId = place.commit({ correlationId: answer.correlationId, clientRequestId }, browser);
    sendJson(res, 200, { authToken: answer.authToken, flowId }, { 'Set-Cookie': sessionCookie(browser, Math.floor(sessions.ttlMs / 1000)) });
  }

  async function verifyStatus(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonObject(req, { limit: API_BODY_LIMIT });
    const parsed = StatusBodySchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_request', describeValidation(parsed.error));
    const browser = parseCookies(req).get(SESSION_COOKIE);
    const flow = sessions.flowOf(browser, parsed.data.flowId);
    if (!flow) {
      throw new HttpError(401, 'session_expired', 'No verification is in progress, or it expired: start again', {
        'Set-Cookie': clearedCookie(),
      });
    }
    const [id, session] = flow;
    refuseOverBudget(await budgets.status(id, clientAddress(req, trustProxy)));
    const status = await prove.v3VerifyStatus({
      correlationId: session.correlationId,
      clientRequestId: session.clientRequestId,
    });
    if (status.success === 'pending') {
      // Not a failure: Prove has no verdict yet (the phone has not finished); the page asks again.
      sendJson(res, 202, { pending: true });
      return;
    }
    // The verdict is given once: the flow is over. The cookie goes with the browser's last flow.
    sessions.delete(id);
    const others = sessions.knows(browser);
    sendJson(
      res,
      200,
      {
        success: status.success === 'true',
        possessionResult: status.possessionResult,
        verifyResult: status.verifyResult,
        ...(status.identityId ? { identityId: status.identityId } : {}),
      },
      others ? {} : { 'Set-Cookie': clearedCookie() },
    );
  }

  async function webhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = new Date(now());
    const auth = await verifyWebhookAuthorization(req.headers['x-prove-authorization'], webhookSecret, receivedAt);
    if (!auth.ok) {
      req.resume();
      throw new HttpError(401, 'unauthorized', `Webhook rejected: ${auth.reason}`);
    }
    const seen = webhookTokens.take(auth.token, auth.refusedFromMs, receivedAt.getTime());
    if (seen === 'replayed') {
      req.resume();
      throw new HttpError(401, 'unauthorized', 'Webhook rejected: token already used');
    }
    if (seen === 'full') {
      req.resume();
      throw new HttpError(503, 'server_busy', 'Too many webhooks right now: deliver again later', { 'Retry-After': '60' });
    }
    // Prove's content type is not documented: the JWT, not the header, is what we trust.
    const body = await readJsonObject(req, { limit: WEBHOOK_BODY_LIMIT, requireJsonType: false });
    const parsed = WebhookPayloadSchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_webhook', describeValidation(parsed.error));
    const counts = webhookEvents.add(parsed.data.notifications, receivedAt);
    sendJson(res, 200, { received: parsed.data.notifications.length, ...counts });
  }

  type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
  const routes: Record<string, Partial<Record<string, Handler>>> = {
    '/api/verify': { POST: verify },
    '/api/verify-status': { POST: verifyStatus },
    '/api/webhook': { POST: webhook },
    // The demo's webhook panel; a real backend keeps its events to itself.
    ...(mode === 'emulator' ? { '/api/webhook-events': { GET: (_req, res) => sendJson(res, 200, { events: webhookEvents.list() }) } } : {}),
    '/api/config': {
      GET: (_req, res) => sendJson(res, 200, { mode, ...(emulatorUrl ? { emulatorUrl } : {}) }),
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://app.invalid').pathname;
    } catch {
      throw new HttpError(400, 'invalid_request', 'Malformed request URL');
    }
    const method = req.method ?? 'GET';
    if (pathname.startsWith('/api/') || pathname === '/api') {
      const route = Object.hasOwn(routes, pathname) ? routes[pathname] : undefined;
      if (!route) throw new HttpError(404, 'not_found', 'No such API endpoint');
      const handler = Object.hasOwn(route, method) ? route[method] : undefined;
      if (!handler) {
        req.resume();
        const allow = Object.keys(route).join(', ');
        throw new HttpError(405, 'method_not_allowed', `Use ${allow}`, { Allow: allow });
      }
      if (method === 'POST') checkRequestOrigin(req, allowedOrigins);
      await handler(req, res);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      req.resume();
      throw new HttpError(405, 'method_not_allowed', 'Use GET', { Allow: 'GET, HEAD' });
    }
    if (!(await statics.handle(req, res, pathname))) throw new HttpError(404, 'not_found', 'Not found');
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    res.on('finish', () => {
      const path = (req.url ?? '').split('?')[0];
      log(`${req.method} ${path} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const answer = toHttpError(error);
      if (answer.status >= 500 || error instanceof ProveRateLimitError) log(`  ${describeFailure(error)}`);
      sendError(res, answer);
    });
  };
  const makeServer = () => {
    const server = createServer(onRequest);
    server.requestTimeout = 30_000;
    server.headersTimeout = 15_000;
    return server;
  };

  const release = async () => {
    sessions.close();
    webhookTokens.clear();
    await budgets.close();
  };
  let bound: Awaited<ReturnType<typeof bindLoopback>>;
  try {
    bound = await bindLoopback(makeServer, host, port);
  } catch (error) {
    await release();
    throw error;
  }
  const { servers, port: actualPort } = bound;
  const url = urlFor(host, actualPort);
  if (!publicOrigin) {
    try {
      checkLandingUrl(url);
    } catch (error) {
      await Promise.all(servers.map(closeServer));
      await release();
      throw error;
    }
    publicOrigin = url;
  }
  secureCookie = publicOrigin.startsWith('https:');
  allowedOrigins = ownOrigins(publicOrigin, url);

  let closing: Promise<void> | undefined;
  return {
    url,
    port: actualPort,
    mode,
    ready: () => statics.ready(),
    close() {
      closing ??= (async () => {
        await Promise.all(servers.map(closeServer));
        await release();
      })();
      return closing;
    },
  };
}

/** An http(s) origin from configuration ('' when unset); throws ConfigError when malformed. */
function originOf(value: string | undefined): string {
  const text = value?.trim();
  if (!text) return '';
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(`PUBLIC_ORIGIN / publicOrigin must be an http(s) origin, got ${JSON.stringify(text)}`);
  }
  return url.origin;
}

/** Throws ConfigError when Prove would refuse the default landing URL built on this origin. */
function checkLandingUrl(origin: string): void {
  const landing = `${origin}${LANDING_PAGE}`;
  if (!meetsProveTargetRule(landing)) {
    throw new ConfigError(
      `The Instant Link landing URL ${JSON.stringify(landing)} breaks Prove's finalTargetUrl rule ` +
        '(at most 128 characters of A-Za-z0-9-._+=/:?): set PUBLIC_ORIGIN / publicOrigin to a shorter plain origin',
    );
  }
}

/** The URL to print for a bound host (a wildcard address prints as localhost). */
function urlFor(host: string, port: number): string {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '0.0.0.0' || bare === '::') return `http://localhost:${port}`;
  return bare.includes(':') ? `http://[${bare}]:${port}` : `http://${bare}:${port}`;
}


const BUDGET_MESSAGES: Record<BudgetName, string> = {
  phone: 'Too many verifications for this phone number',
  ip: 'Too many verifications from this network',
  global: 'Too many verifications right now',
  session: 'Too many status checks for this verification',
  'status-ip': 'Too many status checks from this network',
};

/** Throws 429 `rate_limited` with `Retry-After` when a budget refused. */
function refuseOverBudget(check: BudgetCheck): void {
  if (check.ok) return;
  const seconds = check.retryAfterSeconds;
  throw new HttpError(429, 'rate_limited', `${BUDGET_MESSAGES[check.budget]}: try again in ${wait(seconds)}`, {
    'Retry-After': String(seconds),
  });
}

/** "45 seconds", "10 minutes": a wait as a person reads it (rounded up). */
function wait(seconds: number): string {
  return seconds < 120 ? plural(seconds, 'second') : plural(Math.ceil(seconds / 60), 'minute');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** Every failure as the `{code, message}` the page gets. Prove's own 4xx message passes through. */
function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  // Fail closed: without its counts the app cannot tell a flood from a person.
  if (error instanceof BudgetStoreError) return new HttpError(503, 'server_busy', 'The server cannot take verifications right now, try again shortly', { 'Retry-After': '5' });
  if (error instanceof ProveRateLimitError) {
    // Passed on, not retried: asking again at once only keeps Prove's limit closed for longer.
    const seconds = error.retryAfterSeconds;
    return new HttpError(429, 'rate_limited', `Too many verifications right now: try again in ${plural(seconds, 'second')}`, {
      'Retry-After': String(seconds),
    });
  }
  if (error instanceof ProveHttpError) {
    const extra = error.code !== undefined ? { proveCode: error.code } : {};
    if (error.endpoint === '/token' || error.status === 401) {
      return new HttpError(502, 'prove_error', 'The backend could not authenticate with Prove', {}, extra);
    }
    if (error.status >= 400 && error.status < 500) {
      const message = safeProveMessage(error.proveMessage) ?? `Prove refused the request (HTTP ${error.status})`;
      return new HttpError(502, 'prove_error', message, {}, extra);
    }
    return new HttpError(502, 'prove_error', 'Prove is not available right now, try again later', {}, extra);
  }
  if (error instanceof ProveTimeoutError) return new HttpError(504, 'prove_timeout', 'Prove did not answer in time, try again');
  if (error instanceof ProveNetworkError) return new HttpError(502, 'prove_unreachable', 'Prove could not be reached, try again later');
  if (error instanceof ProveResponseError) return new HttpError(502, 'prove_error', 'Prove gave an unexpected answer');
  if (error instanceof ProveError) return new HttpError(502, 'prove_error', 'Prove could not complete the request');
  return new HttpError(500, 'internal_error', 'Something went wrong on the server');
}

/** Prove's message, if it is short plain text (it never carries our secrets: it describes our request). */
function safeProveMessage(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const clean = message.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  if (!clean || clean.length > 200) return undefined;
  return clean;
}

/** For the server log: the error class and message, never request data (ProveErrors hold none). */
function describeFailure(error: unknown): string {
  if (error instanceof ProveError) return `${error.name}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return 'unknown error';
}
