/**
 * Where the demo backend sends its Prove calls. With no Prove credentials in the environment it
 * talks to the local sandbox emulator with the emulator's demo credentials; with
 * `PROVE_CLIENT_ID` and `PROVE_CLIENT_SECRET` set it talks to Prove itself (`PROVE_ENV`, default
 * `uat-us`, Prove's North American sandbox; `uat-eu`/`prod-eu` for numbers outside North America).
 * The code path is the same either way.
 */

import { DEFAULT_LIMITS, resolveLimits, type LimitSettings } from '../../../src/server/budgets.js';
import { isAddressRange } from '../../../src/server/client-address.js';
import { ConfigError } from '../../../src/server/config-error.js';
import { allowedUrlProblem } from '../../../src/server/final-target.js';
import { PROVE_FLOWS, type ProveFlowName } from '../../../src/server/flows/flow.js';
// Prove's environments and their variables are prove-verify-server's (proveFromEnv): one reading for both.
import { PROVE_ENVIRONMENTS, readProveEnv } from '../../../src/server/prove-env.js';
import { isLoopbackHost } from '../emulator/config.js';

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
    if (parseBoolean(env.PROVE_EMULATOR, false, 'PROVE_EMULATOR')) {
      throw new ConfigError(
        'PROVE_EMULATOR=1 asks for the local emulator, but PROVE_CLIENT_ID and PROVE_CLIENT_SECRET are set: unset one or the other',
      );
    }
    const { connection, environment } = readProveEnv(env);
    // PROVE_BASE_URL was refused above, so one of Prove's environments was named (or defaulted).
    const proveEnv = environment!;
    return {
      mode: PROVE_ENVIRONMENTS[proveEnv].production ? 'prove-production' : 'prove-sandbox',
      proveEnv,
      prove: connection,
    };
  }
  if (clientId || clientSecret) {
    const missing = clientId ? 'PROVE_CLIENT_SECRET' : 'PROVE_CLIENT_ID';
    throw new ConfigError(
      `${missing} is not set: set both PROVE_CLIENT_ID and PROVE_CLIENT_SECRET to use Prove, or neither to use the local emulator`,
    );
  }
  refuseUnaskedEmulator(env);
  return {
    mode: 'emulator',
    prove: {
      baseUrl: `http://localhost:${parsePort(env.EMULATOR_PORT, DEFAULT_EMULATOR_PORT, 'EMULATOR_PORT')}`,
      clientId: EMULATOR_CLIENT_ID,
      clientSecret: EMULATOR_CLIENT_SECRET,
    },
  };
}

/**
 * Emulator mode is what the demo falls back to without credentials, and it accepts webhooks
 * signed with the demo secret published in this repository: a production deploy that lost its
 * credentials, or a server listening beyond this machine, must not run it by accident. There it
 * runs only when `PROVE_EMULATOR=1` says so.
 */
function refuseUnaskedEmulator(env: Env): void {
  if (parseBoolean(env.PROVE_EMULATOR, false, 'PROVE_EMULATOR')) return;
  const host = nonEmpty(env.HOST) ?? 'localhost';
  const where = [
    ...(nonEmpty(env.NODE_ENV) === 'production' ? ['NODE_ENV is production'] : []),
    // 0.0.0.0 and :: are every interface.
    ...(isLoopbackHost(host.toLowerCase()) ? [] : [`HOST is ${JSON.stringify(host)}, which other machines can reach`]),
  ];
  if (where.length === 0) return;
  throw new ConfigError(
    `PROVE_CLIENT_ID and PROVE_CLIENT_SECRET are not set, so the demo would run its local emulator (which accepts webhooks signed with the public demo secret) while ${where.join(' and ')}: ` +
      'set PROVE_CLIENT_ID and PROVE_CLIENT_SECRET to use Prove, or PROVE_EMULATOR=1 to run the emulator anyway',
  );
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
 * The URLs a page may ask an Instant Link to land on (`finalTarget.allowedUrls`), from a
 * comma-separated list: exact URLs, or path prefixes ending in '/'. Throws ConfigError for an
 * entry that cannot work, so a typo is caught at startup, not in a text.
 */
export function parseTargetUrlList(value: string | undefined, name: string): string[] {
  const urls: string[] = [];
  for (const item of (value ?? '').split(',')) {
    const text = item.trim();
    if (!text) continue;
    const problem = allowedUrlProblem(text);
    if (problem) throw new ConfigError(`${name}: ${problem}`);
    urls.push(text);
  }
  return [...new Set(urls)];
}

/** `ALLOWED_FINAL_TARGET_URLS`; the origins-only `ALLOWED_FINAL_TARGET_ORIGINS` is refused, not silently ignored. */
export function allowedTargetUrlsFrom(env: NodeJS.ProcessEnv): string[] {
  if (env.ALLOWED_FINAL_TARGET_ORIGINS?.trim()) {
    throw new ConfigError(
      "ALLOWED_FINAL_TARGET_ORIGINS is replaced by ALLOWED_FINAL_TARGET_URLS: list the exact URLs, or path prefixes ending in '/' (https://partner.example/verify/), that a page may ask for",
    );
  }
  return parseTargetUrlList(env.ALLOWED_FINAL_TARGET_URLS, 'ALLOWED_FINAL_TARGET_URLS');
}

/**
 * A count from the environment: a whole number, 0 meaning "off"; the fallback when unset.
 * Throws ConfigError on anything else.
 */
function parseCount(value: string | undefined, fallback: number, name: string): number {
  const text = nonEmpty(value);
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text))
    throw new ConfigError(`${name}=${JSON.stringify(text)} is not a whole number (0 turns it off)`);
  return Number(text);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The environment variable of each budget (0 turns one off), as budgets.ts has them: texts (3 per
 * start) per hour by default; `LIMIT_STATUS_INTERVAL_SECONDS` in seconds.
 */
export const LIMIT_VARIABLES = {
  textsPerPhone: 'LIMIT_TEXTS_PER_PHONE',
  textsPerAddress: 'LIMIT_TEXTS_PER_ADDRESS',
  textsPerNetwork: 'LIMIT_TEXTS_PER_NETWORK',
  textsGlobal: 'LIMIT_TEXTS_GLOBAL',
  textsReserve: 'LIMIT_TEXTS_RESERVE',
  statusPerFlow: 'LIMIT_STATUS_PER_FLOW',
  statusPerAddress: 'LIMIT_STATUS_PER_ADDRESS',
  statusIntervalMs: 'LIMIT_STATUS_INTERVAL_SECONDS',
  proveCallsPerSecond: 'LIMIT_PROVE_CALLS_PER_SECOND',
} as const satisfies Record<Exclude<keyof LimitSettings, 'windowMs'>, string>;

/** Retired variables (named for starts, sessions and IPs): set, each stops the app naming its successor. */
const RENAMED_LIMIT_VARIABLES: Readonly<Record<string, string>> = {
  LIMIT_STARTS_PER_PHONE: 'LIMIT_TEXTS_PER_PHONE',
  LIMIT_STARTS_PER_IP: 'LIMIT_TEXTS_PER_ADDRESS',
  LIMIT_STARTS_GLOBAL: 'LIMIT_TEXTS_GLOBAL',
  LIMIT_STATUS_PER_SESSION: 'LIMIT_STATUS_PER_FLOW',
  LIMIT_STATUS_PER_IP: 'LIMIT_STATUS_PER_ADDRESS',
};

/**
 * The budgets (prove-verify-server's budgets.ts): each option wins, else its environment variable
 * (LIMIT_VARIABLES, and `LIMIT_WINDOW_SECONDS`), else the default.
 * @throws {ConfigError} when a variable is not a whole number, a retired one is set, or a value
 *   cannot work (resolveLimits), naming the variable.
 */
export function limitsFrom(env: Env, options: Partial<LimitSettings> = {}): LimitSettings {
  for (const [old, successor] of Object.entries(RENAMED_LIMIT_VARIABLES)) {
    if (nonEmpty(env[old]) === undefined) continue;
    const texts = successor.startsWith('LIMIT_TEXTS') ? ', counted in texts (3 per start: 10 starts are 30 texts)' : '';
    throw new ConfigError(`${old} is now ${successor}${texts}`);
  }
  const fromEnv: Partial<LimitSettings> = {};
  for (const [key, name] of Object.entries(LIMIT_VARIABLES) as Array<[keyof typeof LIMIT_VARIABLES, string]>) {
    const unit = key === 'statusIntervalMs' ? 1000 : 1;
    fromEnv[key] = parseCount(env[name], DEFAULT_LIMITS[key] / unit, name) * unit;
  }
  fromEnv.windowMs =
    parseCount(env.LIMIT_WINDOW_SECONDS, DEFAULT_LIMITS.windowMs / 1000, 'LIMIT_WINDOW_SECONDS') * 1000;
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  try {
    return resolveLimits({ ...fromEnv, ...given });
  } catch (error) {
    // The message names the setting; the variable is what the person running the demo set.
    const key = error instanceof ConfigError ? /^limits\.(\w+)/.exec(error.message)?.[1] : undefined;
    const name = key === 'windowMs' ? 'LIMIT_WINDOW_SECONDS' : LIMIT_VARIABLES[key as keyof typeof LIMIT_VARIABLES];
    if (name && !(key! in given)) throw new ConfigError(`${name} / ${(error as Error).message}`);
    throw error;
  }
}

/**
 * `TRUST_PROXY`: the addresses or CIDR ranges of the proxies of yours in front of the app,
 * comma-separated (default none).
 */
export function trustProxyFrom(env: Env): string[] {
  const text = nonEmpty(env.TRUST_PROXY);
  if (text === undefined) return [];
  // Once a hop count: with no proxy there, a rotating X-Forwarded-For picked its own budget key.
  if (/^\d+$/.test(text)) {
    throw new ConfigError(
      `TRUST_PROXY=${text} is a count: list your proxies' addresses or CIDR ranges, comma-separated (TRUST_PROXY=10.0.0.0/8,::1), or leave it unset when no proxy of yours is in front`,
    );
  }
  const ranges = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const wrong = ranges.find((range) => !isAddressRange(range));
  if (wrong !== undefined) {
    throw new ConfigError(
      `TRUST_PROXY: ${JSON.stringify(wrong.slice(0, 60))} is not an IP address or CIDR range (such as 10.0.0.0/8 or fd00::/8)`,
    );
  }
  return ranges;
}
