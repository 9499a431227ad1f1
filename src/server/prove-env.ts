/**
 * Prove's connection from environment variables, for the backend (`proveFromEnv`) and the demo
 * (demo/server/app/config.ts) alike. The environment is passed in (Node's and Bun's `env` of `process`,
 * Deno's `Deno.env.toObject()`), so this reads no runtime global and runs on edge runtimes too.
 *
 *   PROVE_CLIENT_ID, PROVE_CLIENT_SECRET   your Prove Portal credentials (both required)
 *   PROVE_ENV                              uat-us (default), prod-us, uat-eu or prod-eu
 *   PROVE_BASE_URL                         instead of PROVE_ENV: Prove's API at another address,
 *                                          such as the local emulator (http://localhost:8081)
 */
import { ConfigError } from './config-error.js';
import { isProveBaseUrl, PROVE_BASE_URL_RULE, type ProveConnection } from './options.js';

/**
 * Prove's server environments, as Prove's server SDKs name them. Prove verifies North American
 * numbers in the US environments and every other number in the EU ones; credentials are per region.
 */
export const PROVE_ENVIRONMENTS = {
  'uat-us': { baseUrl: 'https://platform.uat.proveapis.com', production: false },
  'prod-us': { baseUrl: 'https://platform.proveapis.com', production: true },
  'uat-eu': { baseUrl: 'https://platform.uat.eu.proveapis.com', production: false },
  'prod-eu': { baseUrl: 'https://platform.eu.proveapis.com', production: true },
} as const;

export type ProveEnvironmentName = keyof typeof PROVE_ENVIRONMENTS;

/** Environment variables by name, as Node's `env` of `process` holds them. */
export type EnvVariables = Readonly<Record<string, string | undefined>>;

export interface ProveEnvReading {
  connection: ProveConnection;
  /** Which of Prove's environments; undefined when PROVE_BASE_URL named another address. */
  environment: ProveEnvironmentName | undefined;
}

/** A variable's value, blank meaning unset (a deploy form often leaves one empty). */
function variable(env: EnvVariables, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * Reads the connection and which environment it is.
 * @throws {ConfigError} naming every variable missing or wrong, never a secret's value.
 */
export function readProveEnv(env: EnvVariables): ProveEnvReading {
  const clientId = variable(env, 'PROVE_CLIENT_ID');
  const clientSecret = variable(env, 'PROVE_CLIENT_SECRET');
  const named = variable(env, 'PROVE_ENV');
  const baseUrl = variable(env, 'PROVE_BASE_URL');
  const problems: string[] = [];
  const missing = [clientId ? [] : ['PROVE_CLIENT_ID'], clientSecret ? [] : ['PROVE_CLIENT_SECRET']].flat();
  if (missing.length > 0) {
    problems.push(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: give the client id and secret of your Prove Portal project`,
    );
  }
  const environment = named ?? (baseUrl ? undefined : 'uat-us');
  if (environment !== undefined && !Object.hasOwn(PROVE_ENVIRONMENTS, environment)) {
    problems.push(
      `PROVE_ENV=${JSON.stringify(environment)} is not a Prove environment; use one of ${Object.keys(PROVE_ENVIRONMENTS).join(', ')}`,
    );
  }
  if (named && baseUrl)
    problems.push('PROVE_ENV and PROVE_BASE_URL are both set: set one (PROVE_BASE_URL is for an emulator or a proxy)');
  if (baseUrl && !isProveBaseUrl(baseUrl)) problems.push(`PROVE_BASE_URL must be ${PROVE_BASE_URL_RULE}`);
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  const known = environment as ProveEnvironmentName | undefined;
  return {
    connection: {
      baseUrl: known ? PROVE_ENVIRONMENTS[known].baseUrl : baseUrl!,
      clientId: clientId!,
      clientSecret: clientSecret!,
    },
    environment: known,
  };
}

/**
 * Prove's connection (`prove` of the handlers' options) from environment variables:
 * `PROVE_CLIENT_ID`, `PROVE_CLIENT_SECRET`, and `PROVE_ENV` (`uat-us` by default, `prod-us`,
 * `uat-eu`, `prod-eu`) or `PROVE_BASE_URL`. Pass Node's environment (Deno: `Deno.env.toObject()`).
 * @throws {ConfigError} naming every variable missing or wrong.
 */
export function proveFromEnv(env: EnvVariables): ProveConnection {
  return readProveEnv(env).connection;
}
