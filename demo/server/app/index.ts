/**
 * The demo integrator backend: a thin app on prove-verify-server (src/server/, the contract's
 * handlers) and Hono (routes.ts, served on node:http by @hono/node-server), with the demo's own
 * configuration from the environment (config.ts), pages (static.ts) and page policy.
 *
 *   POST /api/verify, /api/verify-status, /api/webhook
 *                             the backend contract (docs/backend-contract.yaml), answered by
 *                             prove-verify-server's handlers: Prove's flow PROVE_FLOW names (unify,
 *                             the default, or verify-status), the session cookie on /api
 *   GET  /api/webhook-events  → {events: [...]} (newest first); emulator mode only
 *   GET  /api/config          → {mode, emulatorUrl?}
 *   GET  /, /cdn.html, /link-opened.html, /main.js, /vendor/prove-auth.js, /cdn/*
 *
 * `POST /api/*` answers only the app's own pages (the handlers' Origin check); the pages carry a strict
 * CSP (page-policy.ts). Errors are always `{code, message}`; Prove's 429 becomes our 429
 * `rate_limited` with Prove's `Retry-After`. Nothing personal (names, phone numbers), no tokens and
 * no codes are logged: the log line is method, path, status and time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { bindLoopback, closeServer } from '../loopback.js';
import {
  createProveVerifyHandlers,
  type ProveVerifyHandlers,
  type ProveVerifyOptions,
} from '../../../src/server/handlers.js';
import type { BudgetStore } from '../../../src/server/budget-store.js';
import type { ProveVerifyStore } from '../../../src/server/store.js';
import type { LimitSettings } from '../../../src/server/budgets.js';
import { ownOrigins } from '../../../src/server/request-origin.js';
import { meetsProveTargetRule } from '../../../src/server/validation.js';
import { WebhookEventLog } from '../../../src/server/webhooks.js';
import type { ProveFlowName } from '../../../src/server/flows/flow.js';
import {
  allowedTargetUrlsFrom,
  allowOtpRetryFrom,
  checkWebhookSecret,
  ConfigError,
  DEFAULT_APP_PORT,
  limitsFrom,
  parsePort,
  parseTargetUrlList,
  proveFlowFrom,
  resolveProveConfig,
  trustProxyFrom,
  webhookSecretFrom,
  type DemoMode,
  type ProveConnection,
} from './config.js';
import { connectionLimits, type ConnectionOptions } from './connections.js';
import { demoRoutes } from './routes.js';
import { connectSourcesFor } from './page-policy.js';
import { StaticFiles, type StaticOptions } from './static.js';
import { LANDING_PAGE } from './static.js';

export { DEMO_WEBHOOK_SECRET } from './config.js';
export { NO_LIMITS, type LimitSettings } from '../../../src/server/budgets.js';
export { API_BODY_LIMIT } from '../../../src/server/handlers.js';

const SESSION_COOKIE = 'pv_session';

/** `headersTimeoutMs`, `requestTimeoutMs`, `maxConnections`, `maxConnectionsPerAddress`: see connections.ts. */
export interface AppOptions extends ConnectionOptions {
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
  /**
   * Most webhook tokens remembered at once, each until it expires (default 10 000); beyond, the
   * ones issued first are forgotten.
   */
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
  /**
   * Which of Prove's contracts to speak: `unify` (Prove's current API) or `verify-status` (its July
   * 2025 one). Wins over `PROVE_FLOW`; default unify.
   */
  flow?: ProveFlowName;
  /** The verdict on the server, once per flow (prove-verify-server's `onVerified`); none by default. */
  onVerified?: ProveVerifyOptions['onVerified'];
  /** Clock for flows, the token cache and webhook expiry (injectable for tests). */
  now?: () => number;
  /** Timeout of each call to Prove, in ms (default 10 000). */
  proveTimeoutMs?: number;
  /** Flow lifetime, in ms (default 15 minutes, Prove's). */
  flowTtlMs?: number;
  /** Most flows kept at once (default 10 000); when full, new flows get 503 until one ends. */
  maxFlows?: number;
  /**
   * Budgets on texts, status calls and calls to Prove (budgets.ts). Each key wins over its
   * environment variable (config.ts's LIMIT_VARIABLES, `LIMIT_TEXTS_PER_PHONE`... and
   * `LIMIT_WINDOW_SECONDS`); 0 turns one off. `NO_LIMITS` turns them all off.
   */
  limits?: Partial<LimitSettings>;
  /** Where the budgets count, instead of the store's own. */
  budgetStore?: BudgetStore;
  /**
   * Where flows, budget counts and webhook tokens are kept (default: this process's memory, sized
   * by `flowTtlMs`, `maxFlows` and `maxWebhookTokens`); `redisStore(...)` for several
   * processes behind one address. The app does not close it.
   */
  store?: ProveVerifyStore;
  /**
   * The addresses or CIDR ranges of the proxies of yours in front of the app, whose
   * `X-Forwarded-For` entries name the client (default `TRUST_PROXY`, or none: the socket's
   * address, the header ignored).
   */
  trustProxy?: readonly string[];
  /**
   * URLs besides the app's landing page that may be an Instant Link's `finalTargetUrl` when the
   * page asks for one: exact URLs, or path prefixes ending in '/' (default
   * `ALLOWED_FINAL_TARGET_URLS`, comma-separated).
   */
  allowedFinalTargetUrls?: readonly string[];
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
  /** TCP connections open now, over every address (what maxConnections caps). */
  connections(): number;
  close(): Promise<void>;
}

export async function startApp(options: AppOptions = {}): Promise<RunningApp> {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const envConfig = options.prove
    ? undefined
    : resolveProveConfig(options.host ? { ...process.env, HOST: options.host } : process.env);
  const proveConnection = options.prove ?? envConfig!.prove;
  const mode: DemoMode = options.mode ?? envConfig?.mode ?? 'emulator';
  const emulatorUrl =
    mode === 'emulator' ? (options.emulatorUrl ?? proveConnection.baseUrl).replace(/\/+$/, '') : undefined;
  const webhookSecret =
    options.webhookSecret !== undefined
      ? checkWebhookSecret(options.webhookSecret, mode)
      : webhookSecretFrom(process.env, mode);
  const limits = limitsFrom(process.env, options.limits);
  const trustProxy = options.trustProxy ?? trustProxyFrom(process.env);
  const extraTargetUrls = options.allowedFinalTargetUrls
    ? parseTargetUrlList(options.allowedFinalTargetUrls.join(','), 'allowedFinalTargetUrls')
    : allowedTargetUrlsFrom(process.env);
  const port = options.port ?? parsePort(process.env.PORT, DEFAULT_APP_PORT, 'PORT');
  const sockets = connectionLimits(options);
  const host = options.host ?? (process.env.HOST?.trim() || 'localhost');

  const allowOtpRetry = options.allowOtpRetry ?? allowOtpRetryFrom(process.env);
  const flow = options.flow ?? proveFlowFrom(process.env);

  let publicOrigin = originOf(options.publicOrigin ?? process.env.PUBLIC_ORIGIN);
  if (publicOrigin) checkLandingUrl(publicOrigin);

  const webhookEvents = new WebhookEventLog();
  const statics = new StaticFiles({ log, ...options.static, connectSources: connectSourcesFor(mode, emulatorUrl) });
  /**
   * The contract's handlers (prove-verify-server), made once the app listens: its address is one of
   * its own origins.
   */
  let contract: ProveVerifyHandlers | undefined;

  const app = demoRoutes({ contract: () => contract!, mode, emulatorUrl, webhookEvents, statics, log });
  const listener = getRequestListener(app.fetch);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    // The access log: method, path, status and time; never the query, a body or a header.
    res.on('finish', () => {
      const path = (req.url ?? '').split('?')[0];
      log(`${req.method} ${path} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
    void listener(req, res);
  };
  const makeServer = () => {
    const server = createServer(sockets.serverOptions, onRequest);
    sockets.cap.watch(server);
    return server;
  };

  const release = async () => {
    await contract?.close();
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
  try {
    contract = createProveVerifyHandlers({
      prove: { ...proveConnection, timeoutMs: options.proveTimeoutMs },
      flow,
      ...(options.onVerified ? { onVerified: options.onVerified } : {}),
      finalTarget: { landingUrl: `${publicOrigin}${LANDING_PAGE}`, allowedUrls: extraTargetUrls },
      pageOrigins: [...ownOrigins(publicOrigin, url)],
      webhookSecret,
      onWebhookNotifications: (notifications, receivedAt) => webhookEvents.add(notifications, receivedAt),
      allowOtpRetry,
      limits,
      budgetStore: options.budgetStore,
      store: options.store,
      sessions: { ttlMs: options.flowTtlMs, maxFlows: options.maxFlows },
      trustProxy,
      cookie: { name: SESSION_COOKIE, path: '/api' },
      maxWebhookTokens: options.maxWebhookTokens,
      now,
      log,
    });
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    port: actualPort,
    mode,
    ready: () => statics.ready(),
    connections: () => sockets.cap.size,
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
