/**
 * The demo integrator backend: the reference for the backend contract in DESIGN.md.
 *
 *   POST /api/verify          {firstName, lastName, phoneNumber, possessionType, finalTargetUrl?}
 *                             → Prove /v3/verify (allowOTPRetry, a new clientRequestId);
 *                               correlationId and clientRequestId kept in a server session;
 *                             → 200 {authToken} + session cookie
 *                             → 200 {success: false, possessionResult, verifyResult} when Prove
 *                               refused the person at once (no authToken, no session)
 *   POST /api/verify-status   {} → Prove /v3/verify-status with the flow's ids
 *                             → 200 {success: boolean, possessionResult, verifyResult, identityId?}
 *                             → 202 {pending: true} while Prove has no verdict yet
 *   POST /api/webhook         Prove's signed change events → 200
 *   GET  /api/webhook-events  → {events: [...]} (newest first)
 *   GET  /api/config          → {mode, emulatorUrl?}
 *   GET  /, /cdn.html, /link-opened.html, /main.js, /vendor/prove-auth.js, /cdn/*
 *
 * Errors are always `{code, message}`; Prove's 429 becomes our 429 `rate_limited` with Prove's
 * `Retry-After`. Nothing personal (names, phone numbers), no tokens and no codes are logged: the
 * log line is method, path, status and time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { bindLoopback, closeServer } from '../loopback.js';
import {
  allowOtpRetryFrom,
  ConfigError,
  DEFAULT_APP_PORT,
  parsePort,
  resolveProveConfig,
  webhookSecretFrom,
  type DemoMode,
  type ProveConnection,
} from './config.js';
import { HttpError, parseCookies, readJsonObject, sendError, sendJson } from './http.js';
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
import { describeValidation, meetsProveTargetRule, VerifyBodySchema } from './validation.js';
import { verifyWebhookAuthorization, WebhookEventLog, WebhookPayloadSchema } from './webhooks.js';

export { ProveClient } from './prove-client.js';
export { resolveProveConfig, allowOtpRetryFrom, ConfigError, DEMO_WEBHOOK_SECRET } from './config.js';
export { LANDING_PAGE } from './static.js';
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
  /** Secret that signs Prove's webhook JWTs (default `PROVE_WEBHOOK_SECRET` or the demo secret). */
  webhookSecret?: string;
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
  maxSessions?: number;
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
  const webhookSecret = new TextEncoder().encode(options.webhookSecret ?? webhookSecretFrom(process.env));
  const port = options.port ?? parsePort(process.env.PORT, DEFAULT_APP_PORT, 'PORT');
  const host = options.host ?? (process.env.HOST?.trim() || 'localhost');

  const allowOTPRetry = options.allowOtpRetry ?? allowOtpRetryFrom(process.env);

  let publicOrigin = originOf(options.publicOrigin ?? process.env.PUBLIC_ORIGIN);
  if (publicOrigin) checkLandingUrl(publicOrigin);
  let secureCookie = publicOrigin.startsWith('https:');

  const prove = new ProveClient({ ...proveConnection, now, timeoutMs: options.proveTimeoutMs });
  const sessions = new SessionStore({ now, ttlMs: options.sessionTtlMs, maxSessions: options.maxSessions });
  const webhookEvents = new WebhookEventLog();
  const statics = new StaticFiles({ log, ...options.static });

  const sessionCookie = (id: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/api; Max-Age=${maxAgeSeconds}${secureCookie ? '; Secure' : ''}`;

  async function verify(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonObject(req, { limit: API_BODY_LIMIT });
    const parsed = VerifyBodySchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_request', describeValidation(parsed.error));
    const input = parsed.data;
    const finalTargetUrl =
      input.finalTargetUrl ?? (input.possessionType === 'desktop' ? `${publicOrigin}${LANDING_PAGE}` : undefined);
    // One id for the whole flow: Prove's support can then find every call of it from ours.
    const clientRequestId = randomUUID();
    const answer = await prove.v3Verify({
      firstName: input.firstName,
      lastName: input.lastName,
      phoneNumber: input.phoneNumber,
      possessionType: input.possessionType,
      ...(finalTargetUrl ? { finalTargetUrl } : {}),
      allowOTPRetry,
      clientRequestId,
    });
    // A new flow replaces whatever session this browser had.
    sessions.delete(parseCookies(req).get(SESSION_COOKIE));
    if (answer.authToken === undefined) {
      // Prove refused the person at once: there is no possession step to run and no flow to ask
      // about later, so the verdict goes to the page now and no session is kept.
      sendJson(
        res,
        200,
        { success: false, possessionResult: answer.possessionResult, verifyResult: answer.verifyResult },
        { 'Set-Cookie': sessionCookie('', 0) },
      );
      return;
    }
    const id = sessions.create({ correlationId: answer.correlationId, clientRequestId });
    sendJson(res, 200, { authToken: answer.authToken }, { 'Set-Cookie': sessionCookie(id, Math.floor(sessions.ttlMs / 1000)) });
  }

  async function verifyStatus(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await readJsonObject(req, { limit: API_BODY_LIMIT });
    const id = parseCookies(req).get(SESSION_COOKIE);
    const session = sessions.get(id);
    if (!session) {
      throw new HttpError(401, 'session_expired', 'No verification is in progress, or it expired: start again', {
        'Set-Cookie': sessionCookie('', 0),
      });
    }
    const status = await prove.v3VerifyStatus({
      correlationId: session.correlationId,
      clientRequestId: session.clientRequestId,
    });
    if (status.success === 'pending') {
      // Not a failure: Prove has no verdict yet (the phone has not finished); the page asks again.
      sendJson(res, 202, { pending: true });
      return;
    }
    sendJson(res, 200, {
      success: status.success === 'true',
      possessionResult: status.possessionResult,
      verifyResult: status.verifyResult,
      ...(status.identityId ? { identityId: status.identityId } : {}),
    });
  }

  async function webhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = new Date(now());
    const auth = await verifyWebhookAuthorization(req.headers['x-prove-authorization'], webhookSecret, receivedAt);
    if (!auth.ok) {
      req.resume();
      throw new HttpError(401, 'unauthorized', `Webhook rejected: ${auth.reason}`);
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
    '/api/webhook-events': { GET: (_req, res) => sendJson(res, 200, { events: webhookEvents.list() }) },
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

  let bound: Awaited<ReturnType<typeof bindLoopback>>;
  try {
    bound = await bindLoopback(makeServer, host, port);
  } catch (error) {
    sessions.close();
    throw error;
  }
  const { servers, port: actualPort } = bound;
  const url = urlFor(host, actualPort);
  if (!publicOrigin) {
    try {
      checkLandingUrl(url);
    } catch (error) {
      sessions.close();
      await Promise.all(servers.map(closeServer));
      throw error;
    }
    publicOrigin = url;
  }
  secureCookie = publicOrigin.startsWith('https:');

  let closing: Promise<void> | undefined;
  return {
    url,
    port: actualPort,
    mode,
    ready: () => statics.ready(),
    close() {
      closing ??= (async () => {
        sessions.close();
        await Promise.all(servers.map(closeServer));
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


/** Every failure as the `{code, message}` the page gets. Prove's own 4xx message passes through. */
function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ProveRateLimitError) {
    // Passed on, not retried: asking again at once only keeps Prove's limit closed for longer.
    const seconds = error.retryAfterSeconds;
    return new HttpError(429, 'rate_limited', `Too many verifications right now: try again in ${seconds} second${seconds === 1 ? '' : 's'}`, {
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
