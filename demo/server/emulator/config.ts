import { isIP } from 'node:net';

/** Lifetimes and limits, from Prove's July 2025 integration guide and its docs where they name them. */
export const FLOW_TTL_MS = 15 * 60_000; // authToken and correlationId live 15 minutes
export const OTP_TTL_MS = 2 * 60_000; // a code can be entered for 2 minutes after it is sent
export const LINK_TTL_MS = 3 * 60_000; // an Instant Link can be opened for 3 minutes
export const ACCESS_TOKEN_TTL_S = 60 * 60; // OAuth tokens expire after 60 minutes
export const MAX_SENDS = 3; // "up to 3 OTP sends per session"; the same cap for links
/**
 * allowOTPRetry: true: "the customer can re-enter the OTP up to three times". Read strictly:
 * three code entries in all, not a first one plus three more.
 */
export const OTP_ENTRIES = 3;
/** How long a /v1/client/challenge answer may sign requests (its `ttl`, seconds). */
export const SIGNING_CHALLENGE_TTL_S = 300;
/** Prove answers 429 above 25 requests a second (per client id, or per flow on the client API). */
export const DEFAULT_RATE_LIMIT_PER_SECOND = 25;
/** Prove's 8001: "Ensure the request is valid JSON, is under 4 KB in size". */
export const MAX_BODY_BYTES = 4 * 1024;

/** Bounds that keep a long-running emulator's memory flat. */
export const DEFAULT_MAX_FLOWS = 10_000;
export const MAX_SOCKETS_PER_FLOW = 4;
export const MAX_REPORTED_ERRORS = 5;
export const SWEEP_INTERVAL_MS = 30_000;
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** Sockets open at once over every address the emulator listens on (HTTP and status sockets alike). */
export const DEFAULT_MAX_CONNECTIONS = 1024;
/** Of those, sockets from one client address (IPv6: one /64): one client cannot take them all. */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;
/**
 * A status socket that says nothing for this long is closed. The SDK sends `ping` every 30 s
 * (KEEP_ALIVE_INTERVAL in internal/auth-session.js); 90 s lets a background tab whose timers
 * Chrome aligns to the minute miss one beat without being cut off.
 */
export const STATUS_SOCKET_IDLE_MS = 90_000;

/**
 * What a set of credentials may do, as Prove's projects: a Unify project, a Verified Users
 * project, or the July 2025 contract's /v3/verify with possessionType (`verify-status`).
 */
export const PRODUCTS = ['unify', 'verifiedUser', 'verify-status'] as const;
export type Product = (typeof PRODUCTS)[number];

/** Credentials besides the default ones, limited the way a Prove project is. */
export interface EmulatorCredential {
  clientId: string;
  clientSecret: string;
  /** Default: every product. */
  products?: readonly Product[];
  /**
   * The sandbox persons (phone numbers, any spelling the emulator reads) these credentials may
   * use; any other person answers 403 {code: 8009}. Default: every person.
   */
  persons?: readonly string[];
}

/** A credential as the emulator keeps it: phones in E.164. */
export interface CredentialScope {
  clientId: string;
  clientSecret: string;
  products: ReadonlySet<Product>;
  persons?: ReadonlySet<string>;
}

export interface EmulatorOptions {
  /** Port to listen on; 0 picks a free one. Default 8081. */
  port?: number;
  /**
   * Loopback host to bind. Default 'localhost', which binds both 127.0.0.1 and ::1 so that
   * http://localhost:PORT works whichever address a browser tries first. Anything that is not
   * a loopback address is refused: the emulator hands out codes to anyone who asks.
   */
  host?: string;
  /** Origin the SDK is told to call (the token's `endp`). Default `http://localhost:${port}`. */
  publicOrigin?: string;
  /**
   * Where Mobile Auth sends the SDK for the carrier's answer. Prove's is
   * `https://device.uat.proveapis.com:4443` (or Verizon's); a test that routes that host to this
   * emulator names it, so the page's CSP is tried on the real host. Default `publicOrigin`.
   */
  mobileAuthOrigin?: string;
  /** The default credentials, which may use every sandbox person and every product. */
  clientId?: string;
  clientSecret?: string;
  /** More credentials, each limited to some products or persons (Prove's 8009 otherwise). */
  credentials?: readonly EmulatorCredential[];
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now?: () => number;
  /** Where POST /sandbox/webhook delivers a notification; the endpoint is 404 without it. */
  webhookUrl?: string;
  /** HS256 key for the webhook's JWT. Default 'demo-webhook-secret' (when webhookUrl is set). */
  webhookSecret?: string;
  /** Oldest flows are dropped beyond this many. Default 10,000. */
  maxFlows?: number;
  /** One line per request (method, route pattern, status, time), never PII. Default: silent. */
  log?: (line: string) => void;
  /** How long a sent code can be entered. Default 2 minutes. */
  otpTtlMs?: number;
  /** How long an Instant Link can be opened; the waiting status socket is told when it ends. Default 3 minutes. */
  linkTtlMs?: number;
  /** How long the authToken and the correlationId live. Default 15 minutes. */
  flowTtlMs?: number;
  /**
   * Requests a second per client id (server API) or per flow (client API) before 429.
   * Default 25, Prove's rate. Counted on the real clock, not `now`, so a frozen test clock
   * does not pile every request of a run into one second.
   */
  rateLimitPerSecond?: number;
  /**
   * Page origins allowed to call `/sandbox/*` (the inbox with the codes, the fault switches, the
   * test webhook) from a browser: the demo app's origin(s). A request from any other `Origin`
   * gets a 403 and no CORS headers. Requests without `Origin` (curl, Node, a link opened on the
   * phone) are not a page reading across origins and pass. Default: none.
   */
  sandboxOrigins?: readonly string[];
  /**
   * `Host` names served besides localhost, 127.0.0.1 and [::1] (with the port) and publicOrigin's
   * host; each is matched exactly, port included when the name carries one. Any other `Host`
   * gets a 421: a DNS-rebinding page's requests name the attacker's host.
   */
  allowedHosts?: readonly string[];
  /** Time to receive a request's headers before a 408 and a closed socket. Default 10 s, as the demo app. */
  headersTimeoutMs?: number;
  /** Time to receive a whole request. Default 30 s, as the demo app. */
  requestTimeoutMs?: number;
  /** Sockets open at once, all addresses together; the next one is closed unanswered. Default 1024. */
  maxConnections?: number;
  /** Sockets open at once from one client address (IPv6: one /64). Default 256, or maxConnections when lower. */
  maxConnectionsPerAddress?: number;
  /**
   * A status socket with no message for this long (real time, whatever `now` says) is closed
   * with 1001, looked for every third of it. Default 90 s.
   */
  statusSocketIdleMs?: number;
  /**
   * How often the sweep runs: drops expired flows with their messages and links, ends expired
   * links. Default 30 s.
   */
  sweepIntervalMs?: number;
}

export interface EmulatorConfig {
  port: number;
  host: string;
  publicOrigin: string;
  mobileAuthOrigin: string;
  clientId: string;
  clientSecret: string;
  /** Every credential, the default one included, by client id. */
  credentials: ReadonlyMap<string, CredentialScope>;
  now: () => number;
  webhookUrl?: string;
  webhookSecret?: string;
  maxFlows: number;
  log?: (line: string) => void;
  otpTtlMs: number;
  linkTtlMs: number;
  flowTtlMs: number;
  rateLimitPerSecond: number;
  /** Normalized origins (scheme://host:port). */
  sandboxOrigins: ReadonlySet<string>;
  /** Lower-cased `Host` header values. */
  allowedHosts: ReadonlySet<string>;
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return bare.startsWith('127.');
  if (family === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
  return false;
}

/** Reduces a configured origin to scheme://host:port; the SDK rejects socket messages otherwise. */
export function normalizeOrigin(origin: string): string {
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`publicOrigin must be http(s), got ${url.protocol}`);
  }
  return url.origin;
}
