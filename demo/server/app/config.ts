/**
 * Where the demo backend sends its Prove calls. With no Prove credentials in the environment it
 * talks to the local sandbox emulator with the emulator's demo credentials; with
 * `PROVE_CLIENT_ID` and `PROVE_CLIENT_SECRET` set it talks to Prove itself (`PROVE_ENV`, default
 * `uat-us`, Prove's North American sandbox; `uat-eu`/`prod-eu` for numbers outside North America).
 * The code path is the same either way.
 */

import { DEFAULT_LIMITS, resolveLimits, type LimitSettings } from '../../../src/server/budgets.js';
import { ConfigError } from '../../../src/server/config-error.js';
import { PROVE_FLOWS, type ProveFlowName } from '../../../src/server/flows/flow.js';
// Prove's environments and their variables are prove-verify-server's (proveFromEnv): one reading for both.
import { PROVE_ENVIRONMENTS, readProveEnv } from '../../../src/server/prove-env.js';

export type DemoMode = 'emulator' | 'prove-sandbox' | 'prove-production';

export interface ProveConnection {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface ProveConfig {
  mode: DemoMode;
  /** A key of PROVE_ENVIRONMENTS when talking to Prove; undefined for the emulator. */
  proveEnv?: string;
  prove: ProveConnection;
}

export const DEFAULT_EMULATOR_PORT = 8081;
export const DEFAULT_APP_PORT = 8080;
const EMULATOR_CLIENT_ID = 'demo-client-id';
const EMULATOR_CLIENT_SECRET = 'demo-client-secret';
/** The webhook secret shared by the demo app and the emulator when `PROVE_WEBHOOK_SECRET` is unset. */
export const DEMO_WEBHOOK_SECRET = 'whsec_demo_secret';

export { ConfigError };

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the Prove connection from the environment; throws ConfigError on a bad combination. */
export function resolveProveConfig(env: Env = process.env): ProveConfig {
  if (nonEmpty(env.PROVE_BASE_URL)) {
    throw new ConfigError(
      'PROVE_BASE_URL is not read by the demo: it talks to Prove by PROVE_ENV, or to its own emulator (EMULATOR_PORT) when no Prove credentials are set',
    );
  }
  const clientId = nonEmpty(env.PROVE_CLIENT_ID);
  const clientSecret = nonEmpty(env.PROVE_CLIENT_SECRET);
  if (clientId && clientSecret) {
    const { connection, environment } = readProveEnv(env);
    // PROVE_BASE_URL was refused above, so one of Prove's environments was named (or defaulted).
    const proveEnv = environment!;
    return { mode: PROVE_ENVIRONMENTS[proveEnv].production ? 'prove-production' : 'prove-sandbox', proveEnv, prove: connection };
  }
  if (clientId || clientSecret) {
    const missing = clientId ? 'PROVE_CLIENT_SECRET' : 'PROVE_CLIENT_ID';
    throw new ConfigError(`${missing} is not set: set both PROVE_CLIENT_ID and PROVE_CLIENT_SECRET to use Prove, or neither to use the local emulator`);
  }
  return {
    mode: 'emulator',
    prove: {
      baseUrl: `http://localhost:${parsePort(env.EMULATOR_PORT, DEFAULT_EMULATOR_PORT, 'EMULATOR_PORT')}`,
      clientId: EMULATOR_CLIENT_ID,
      clientSecret: EMULATOR_CLIENT_SECRET,
    },
  };
}

/** A TCP port from the environment (0 means "any free port"); throws ConfigError when malformed. */
export function parsePort(value: string | undefined, fallback: number, name: string): number {
  const text = nonEmpty(value);
  if (text === undefined) return fallback;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new ConfigError(`${name}=${JSON.stringify(text)} is not a port number (0-65535)`);
  }
  return Number(text);
}

/**
 * Whether Prove lets the person re-enter a wrong one-time code (`allowOTPRetry`, up to three
 * tries). Prove's own default is false (one wrong code ends possession); the demo's is true
 * because the element offers the retry. `PROVE_ALLOW_OTP_RETRY`: true/false/1/0.
 */
export function allowOtpRetryFrom(env: Env = process.env): boolean {
  return parseBoolean(env.PROVE_ALLOW_OTP_RETRY, true, 'PROVE_ALLOW_OTP_RETRY');
}

/**
 * Which of Prove's contracts the backend speaks (`PROVE_FLOW`): `unify` (default), Prove's current
 * API, or `verify-status`, its July 2025 one (prove-verify-server's `flow`).
 */
export function proveFlowFrom(env: Env = process.env): ProveFlowName {
  const text = nonEmpty(env.PROVE_FLOW);
  if (text === undefined) return 'unify';
  if ((PROVE_FLOWS as readonly string[]).includes(text)) return text as ProveFlowName;
  throw new ConfigError(
    `PROVE_FLOW=${JSON.stringify(text)} is not a Prove flow; use unify (Prove's current API, the default) or verify-status (Prove's July 2025 /v3/verify-status contract)`,
  );
}

/** A boolean from the environment (true/false/1/0, any case); throws ConfigError on anything else. */
function parseBoolean(value: string | undefined, fallback: boolean, name: string): boolean {
  const text = nonEmpty(value)?.toLowerCase();
  if (text === undefined) return fallback;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new ConfigError(`${name}=${JSON.stringify(nonEmpty(value))} is not a boolean; use true, false, 1 or 0`);
}

/**
 * The secret Prove's webhook JWTs are signed with (`PROVE_WEBHOOK_SECRET`, from the Prove Portal).
 * Only the emulator may fall back to the demo secret: it is published in this repository, so
 * outside emulator mode anyone could sign webhooks with it. Throws ConfigError there when unset.
 */
export function webhookSecretFrom(env: Env, mode: DemoMode): string {
  return checkWebhookSecret(nonEmpty(env.PROVE_WEBHOOK_SECRET), mode);
}

/** The secret to use in `mode`, or a ConfigError saying why there is none. */
export function checkWebhookSecret(secret: string | undefined, mode: DemoMode): string {
  if (mode === 'emulator') return secret ?? DEMO_WEBHOOK_SECRET;
  if (!secret) {
    throw new ConfigError(
      "PROVE_WEBHOOK_SECRET is not set: outside emulator mode the backend needs the webhook secret from the Prove Portal (whsec_...) to check Prove's webhooks",
    );
  }
  if (secret === DEMO_WEBHOOK_SECRET) {
    throw new ConfigError(
      `PROVE_WEBHOOK_SECRET is the public demo secret (${DEMO_WEBHOOK_SECRET}): outside emulator mode use the secret from the Prove Portal`,
    );
  }
  return secret;
}

/**
 * Exact http(s) origins from a comma-separated list (e.g. `ALLOWED_FINAL_TARGET_ORIGINS`); throws
 * ConfigError for anything that is not a bare origin, so a typo is caught at startup, not in a text.
 */
export function parseOriginList(value: string | undefined, name: string): string[] {
  const origins: string[] = [];
  for (const item of (value ?? '').split(',')) {
    const text = item.trim();
    if (!text) continue;
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    const bare = url && (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && !/[?#@]/.test(text);
    if (!url || !bare) {
      throw new ConfigError(`${name}: ${JSON.stringify(text)} is not an origin; write scheme://host[:port] with nothing after it`);
    }
    origins.push(url.origin);
  }
  return [...new Set(origins)];
}

/**
 * A count from the environment: a whole number, 0 meaning "off"; the fallback when unset.
 * Throws ConfigError on anything else.
 */
function parseCount(value: string | undefined, fallback: number, name: string): number {
  const text = nonEmpty(value);
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text)) throw new ConfigError(`${name}=${JSON.stringify(text)} is not a whole number (0 turns it off)`);
  return Number(text);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The environment variable of each budget (0 turns one off). */
export const LIMIT_VARIABLES = {
  startsPerPhone: 'LIMIT_STARTS_PER_PHONE',
  startsPerIp: 'LIMIT_STARTS_PER_IP',
  startsGlobal: 'LIMIT_STARTS_GLOBAL',
  statusPerSession: 'LIMIT_STATUS_PER_SESSION',
  statusPerIp: 'LIMIT_STATUS_PER_IP',
} as const satisfies Partial<Record<keyof LimitSettings, string>>;

/**
 * The budgets (prove-verify-server's budgets.ts): each option wins, else its environment variable
 * (LIMIT_VARIABLES, and `LIMIT_WINDOW_SECONDS`), else the default.
 * @throws {ConfigError} when a variable is not a whole number, or the window is 0.
 */
export function limitsFrom(env: Env, options: Partial<LimitSettings> = {}): LimitSettings {
  const pick = (key: keyof typeof LIMIT_VARIABLES) => options[key] ?? parseCount(env[LIMIT_VARIABLES[key]], DEFAULT_LIMITS[key], LIMIT_VARIABLES[key]);
  const windowSeconds = parseCount(env.LIMIT_WINDOW_SECONDS, DEFAULT_LIMITS.windowMs / 1000, 'LIMIT_WINDOW_SECONDS');
  try {
    return resolveLimits({
      startsPerPhone: pick('startsPerPhone'),
      startsPerIp: pick('startsPerIp'),
      startsGlobal: pick('startsGlobal'),
      statusPerSession: pick('statusPerSession'),
      statusPerIp: pick('statusPerIp'),
      windowMs: options.windowMs ?? windowSeconds * 1000,
    });
  } catch (error) {
    if (error instanceof ConfigError && error.message.startsWith('limits.windowMs')) {
      throw new ConfigError('LIMIT_WINDOW_SECONDS / limits.windowMs must be at least 1 second');
    }
    throw error;
  }
}

/** `TRUST_PROXY`: how many proxies of yours stand in front of the app (default 0: none). */
export function trustProxyFrom(env: Env): number {
  const hops = parseCount(env.TRUST_PROXY, 0, 'TRUST_PROXY');
  if (hops > 10) throw new ConfigError(`TRUST_PROXY=${hops}: give the number of proxies in front of the app (0-10)`);
  return hops;
}
