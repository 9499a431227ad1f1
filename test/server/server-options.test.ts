/**
 * prove-verify-server's settings: every one that cannot work is a ConfigError when the handlers
 * are made, naming the setting and what it must be, for a JavaScript caller as for TypeScript (the
 * options go in untyped here); and Prove's connection read from the environment (proveFromEnv), the
 * same reading the demo's config uses.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { resolveProveConfig } from '../../demo/server/app/config.js';
import {
  ConfigError,
  createProveVerifyHandlers,
  memoryStore,
  proveFromEnv,
  ProveClient,
  type ProveVerifyHandlers,
} from '../../src/server/index.js';
import { REPO_ROOT } from '../e2e/support/stack.js';

const SITE = 'https://shop.example';
const GOOD = {
  prove: { baseUrl: 'https://platform.uat.proveapis.com', clientId: 'client-id', clientSecret: 'the-client-secret' },
  finalTarget: { landingUrl: `${SITE}/link-opened.html` },
  pageOrigins: [SITE],
  log: false,
};

const made: ProveVerifyHandlers[] = [];
after(async () => {
  await Promise.all(made.map((handlers) => handlers.close()));
});

/** Handlers from untyped settings, as a JavaScript caller makes them. */
function make(options: unknown): ProveVerifyHandlers {
  const handlers = createProveVerifyHandlers(options as never);
  made.push(handlers);
  return handlers;
}

/** The ConfigError `options` give; fails when they give none, or another error. */
function configError(options: unknown): string {
  try {
    make(options);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${String(error)}`);
    return error.message;
  }
  assert.fail(`accepted: ${JSON.stringify(options)}`);
}

describe('settings that cannot work are a ConfigError naming them', () => {
  test('no settings, or none of the three required: each named with what it must be (not a TypeError)', () => {
    for (const nothing of [undefined, null, [], 'options'])
      assert.match(
        configError(nothing),
        /^createProveVerifyHandlers takes its settings, \{ prove, finalTarget, pageOrigins/,
      );
    assert.equal(
      configError({}),
      'prove must be your Prove connection, { baseUrl, clientId, clientSecret } (proveFromEnv reads it from the environment), or a ProveClient, got nothing; ' +
        'finalTarget must be { landingUrl } (your Instant Link landing page), with allowedUrls if pages may ask for others, got nothing; ' +
        "pageOrigins must be a list of your pages' origins, such as ['https://shop.example'], got nothing",
    );
  });

  const cases: Array<[what: string, change: Record<string, unknown>, message: RegExp]> = [
    [
      'an empty client id',
      { prove: { ...GOOD.prove, clientId: '' } },
      /^prove\.clientId must be your client id from the Prove Portal, got an empty string/,
    ],
    [
      'a secret read from a file with its newline',
      { prove: { ...GOOD.prove, clientSecret: 'the-client-secret\n' } },
      /^prove\.clientSecret must not start or end with whitespace/,
    ],
    [
      'a secret that is not a string',
      { prove: { ...GOOD.prove, clientSecret: 42 } },
      /^prove\.clientSecret must be your client secret from the Prove Portal \(a non-empty string\), got 42$/,
    ],
    [
      'plain http to another machine',
      { prove: { ...GOOD.prove, baseUrl: 'http://platform.uat.proveapis.com' } },
      /^prove\.baseUrl must be an https URL .*plain http only to this machine/,
    ],
    [
      'no URL at all',
      { prove: { ...GOOD.prove, baseUrl: 'platform.uat.proveapis.com' } },
      /^prove\.baseUrl must be an https URL/,
    ],
    [
      'a timeout of 0',
      { prove: { ...GOOD.prove, timeoutMs: 0 } },
      /^prove\.timeoutMs must be a timeout in milliseconds \(a whole number, 1 to 2147483647\), got 0$/,
    ],
    ['a timeout a timer cannot hold', { prove: { ...GOOD.prove, timeoutMs: 2 ** 31 } }, /^prove\.timeoutMs must be/],
    [
      'a misspelt connection setting',
      { prove: { ...GOOD.prove, clientID: 'x' } },
      /^prove\.clientID is not a setting of prove-verify-server \(prove\.clientId\?\)$/,
    ],
    [
      'a landing page Prove refuses',
      { finalTarget: { landingUrl: `${SITE}/landing?next=a&b` } },
      /^finalTarget\.landingUrl ".*" breaks Prove's finalTargetUrl rule/,
    ],
    [
      'a landing page that is not http(s)',
      { finalTarget: { landingUrl: 'ftp://shop.example/' } },
      /^finalTarget\.landingUrl must be the http\(s\) URL/,
    ],
    [
      'allowedOrigins, which allowed every page of a site (its open redirects too)',
      { finalTarget: { ...GOOD.finalTarget, allowedOrigins: ['https://help.example'] } },
      /^finalTarget\.allowedOrigins is replaced by allowedUrls: list the exact URLs, or path prefixes ending in '\/'/,
    ],
    [
      'an allowed URL that names a whole site',
      { finalTarget: { ...GOOD.finalTarget, allowedUrls: ['https://help.example'] } },
      /^finalTarget\.allowedUrls\[0\] "https:\/\/help\.example" names a whole site: write "https:\/\/help\.example\/"/,
    ],
    [
      'an allowed prefix with an empty segment',
      {
        finalTarget: {
          ...GOOD.finalTarget,
          allowedUrls: ['https://help.example/done/', 'https://help.example//evil.example/'],
        },
      },
      /^finalTarget\.allowedUrls\[1\] "https:\/\/help\.example\/\/evil\.example\/" has '\/\/'/,
    ],
    [
      'a misspelt allowedUrls',
      { finalTarget: { ...GOOD.finalTarget, allowedURLs: ['https://help.example/'] } },
      /^finalTarget\.allowedURLs is not a setting of prove-verify-server \(finalTarget\.allowedUrls\?\)$/,
    ],
    ['no page origin', { pageOrigins: [] }, /^pageOrigins must list your pages' origins.*every page is refused$/],
    [
      'a page origin that is a host only',
      { pageOrigins: ['shop.example'] },
      /^pageOrigins\[0\] must be an origin such as https:\/\/shop\.example \(scheme:\/\/host\[:port\], nothing after it\), got "shop\.example"$/,
    ],
    [
      'a page origin with a path',
      { pageOrigins: [SITE, 'https://shop.example/shop'] },
      /^pageOrigins\[1\] must be an origin/,
    ],
    ['a wildcard', { pageOrigins: ['*'] }, /^pageOrigins\[0\] must be an origin/],
    [
      'a single origin, not a list',
      { pageOrigins: SITE },
      /^pageOrigins must be a list of your pages' origins, such as \['https:\/\/shop\.example'\], got a string$/,
    ],
    [
      'an empty webhook secret',
      { webhookSecret: '' },
      /^webhookSecret must be the Prove Portal's webhook secret \(whsec_\.\.\.\), or left out to refuse every webhook; got an empty string$/,
    ],
    ['allowOtpRetry as text', { allowOtpRetry: 'true' }, /^allowOtpRetry must be true or false, got a string$/],
    [
      "a flow that is not one of Prove's contracts",
      { flow: 'verify' },
      /^flow must be 'unify' \(Prove's current API, the default\) or 'verify-status' \(Prove's July 2025 contract\), got "verify"$/,
    ],
    ['a flow that is not text', { flow: true }, /^flow must be 'unify' .*, got true$/],
    [
      'onVerified that is not a function',
      { onVerified: { url: 'https://hook' } },
      /^onVerified must be a function of the verdict and the request, got an object$/,
    ],
    [
      'clientCustomerId as a constant',
      { clientCustomerId: 'c-1' },
      /^clientCustomerId must be a function of the request answering your customer id, got a string$/,
    ],
    [
      'trustProxy as a hop count (a rotating X-Forwarded-For would pick its own key)',
      { trustProxy: 1 },
      /^trustProxy must list your proxies' addresses or CIDR ranges \(\['10\.0\.0\.0\/8', '::1'\]\), not a count, got 1: a hop count lets a client pick its own budget key/,
    ],
    [
      'trustProxy: true',
      { trustProxy: true },
      /^trustProxy must be a list of your proxies' addresses or CIDR ranges, such as \['10\.0\.0\.0\/8', '::1'\], got true$/,
    ],
    [
      'a trustProxy range that is not one',
      { trustProxy: ['10.0.0.0/8', '10.0.0.0/33', 'fd00::/129', 'proxy.internal', '10.0.0.0/08'] },
      /^trustProxy\[1\] has "10\.0\.0\.0\/33", which is not an IP address or CIDR range; trustProxy\[2\] has "fd00::\/129".*; trustProxy\[3\] has "proxy\.internal".*; trustProxy\[4\] has "10\.0\.0\.0\/08"/,
    ],
    [
      'a trustProxy entry that is not text',
      { trustProxy: [10] },
      /^trustProxy\[0\] must be an address or CIDR range of a proxy of yours, such as '10\.0\.0\.0\/8', got 10$/,
    ],
    [
      'a clientAddressHeader that is no header name',
      { clientAddressHeader: 'x real ip' },
      /^clientAddressHeader must be a header name, such as 'x-real-ip', got "x real ip"$/,
    ],
    [
      'X-Forwarded-For as clientAddressHeader',
      { clientAddressHeader: 'X-Forwarded-For' },
      /^clientAddressHeader must be a header your platform sets .*trustProxy/,
    ],
    [
      'a clientAddressHeader that is not text',
      { clientAddressHeader: true },
      /^clientAddressHeader must be the name of a header/,
    ],
    ['a misspelt setting', { trustproxy: 1 }, /^trustproxy is not a setting of prove-verify-server \(trustProxy\?\)$/],
    ['a misspelt limit', { limits: { textsPerIp: 3 } }, /^limits\.textsPerIp is not a setting of prove-verify-server$/],
    [
      'a limit in the wrong case',
      { limits: { textsperaddress: 3 } },
      /^limits\.textsperaddress is not a setting of prove-verify-server \(limits\.textsPerAddress\?\)$/,
    ],
    [
      'a limit as text',
      { limits: { textsPerAddress: '3' } },
      /^limits\.textsPerAddress must be a number, got a string$/,
    ],
    [
      'a limit that is not whole',
      { limits: { textsPerAddress: 1.5 } },
      /^limits\.textsPerAddress must be a whole number, got 1\.5$/,
    ],
    ['a window under a minute', { limits: { windowMs: 10 } }, /^limits\.windowMs must be at least 1 minute \(60000\)$/],
    [
      'a former limit name',
      { limits: { startsPerIp: 30 } },
      /^limits\.startsPerIp is now limits\.textsPerAddress \(budgets count texts now, 3 per start/,
    ],
    [
      'a flow lifetime under a second (the cookie would be cleared at once)',
      { sessions: { ttlMs: 500 } },
      /^sessions\.ttlMs must be a flow lifetime in milliseconds \(a whole number, 1000 or more\), got 500$/,
    ],
    ['no place for a flow', { sessions: { maxFlows: 0 } }, /^sessions\.maxFlows must be the most flows kept at once/],
    ['no place for a webhook token', { maxWebhookTokens: 0 }, /^maxWebhookTokens must be/],
    [
      'the default store sized beside a store of your own',
      { store: memoryStore(), sessions: { maxFlows: 5 } },
      /^sessions sizes the default memory store, and store is given: size that store instead/,
    ],
    [
      'a store that is not one',
      { store: {} },
      /^store must be a store: memoryStore\(\) or redisStore\(client\), got an object$/,
    ],
    ['a budget store that is not one', { budgetStore: {} }, /^budgetStore must be a BudgetStore/],
    ['a cookie name with a space', { cookie: { name: 'pv session' } }, /^cookie\.name must be a cookie name/],
    [
      'a cookie path without its slash',
      { cookie: { path: 'api' } },
      /^cookie\.path must be a URL path starting with \//,
    ],
    [
      'a __Host- cookie on a path',
      { cookie: { name: '__Host-pv', path: '/api' } },
      /^cookie\.path must be \/ with a __Host- cookie name/,
    ],
    [
      'a __Secure- cookie on an http site',
      { finalTarget: { landingUrl: 'http://localhost:8080/link-opened.html' }, cookie: { name: '__Secure-pv' } },
      /^cookie\.name starts with __Secure-, which browsers take only with Secure/,
    ],
    [
      'a log that is not a function',
      { log: 'console' },
      /^log must be a function taking a line \(such as console\.warn\), or false for none, got a string$/,
    ],
    ['a clock that is not a function', { now: 0 }, /^now must be a clock/],
    [
      'a webhook callback that is not a function',
      { onWebhookNotifications: 'log' },
      /^onWebhookNotifications must be a function/,
    ],
  ];
  for (const [what, change, message] of cases) {
    test(what, () => {
      assert.match(configError({ ...GOOD, ...change }), message);
    });
  }

  test('every setting that cannot work is named at once, and no secret is said', () => {
    const message = configError({
      ...GOOD,
      prove: { ...GOOD.prove, clientId: '', clientSecret: ' the-client-secret' },
      webhookSecret: 7,
      trustProxy: 'two',
    });
    assert.deepEqual(
      message.split('; ').map((part) => part.split(' ')[0]),
      ['prove.clientId', 'prove.clientSecret', 'webhookSecret', 'trustProxy'],
    );
    assert.doesNotMatch(message, /the-client-secret/);
  });

  test('what can work is taken: loopback http (the emulator), a path prefix, a trailing slash, a ProveClient, settings left undefined', () => {
    for (const baseUrl of [
      'http://localhost:8081',
      'http://127.0.0.1:9/',
      'http://[::1]:8081',
      'https://proxy.example/prove/',
    ]) {
      make({ ...GOOD, prove: { ...GOOD.prove, baseUrl } });
    }
    make({ ...GOOD, prove: new ProveClient(GOOD.prove), pageOrigins: [`${SITE}/`, 'http://localhost:8080'] });
    // As the demo passes them: optional settings present but undefined.
    make({
      ...GOOD,
      webhookSecret: undefined,
      store: undefined,
      sessions: { ttlMs: undefined, maxFlows: undefined },
      trustProxy: undefined,
      clientAddressHeader: undefined,
      cookie: { name: '__Host-pv' },
    });
    make({
      ...GOOD,
      trustProxy: ['10.0.0.0/8', '::1', 'fd00::/8', '[fe80::1]', '::ffff:10.0.0.0/104'],
      clientAddressHeader: 'CF-Connecting-IP',
    });
  });

  test('the built package (plain JavaScript) refuses the same way', async (t) => {
    const built = path.join(REPO_ROOT, 'packages/server/dist/server/index.js');
    if (!existsSync(built)) return t.skip('packages/server/dist/ is not built (npm run typecheck builds it)');
    const entry: string = 'prove-verify-server';
    const server = (await import(entry)) as typeof import('../../src/server/index.js');
    assert.throws(
      () => server.createProveVerifyHandlers({ ...GOOD, prove: { ...GOOD.prove, clientId: '' } } as never),
      (error) => error instanceof server.ConfigError && /^prove\.clientId must be your client id/.test(error.message),
    );
  });
});

describe("proveFromEnv: Prove's connection from environment variables", () => {
  const CREDENTIALS = { PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'csecret' };

  test("credentials and Prove's environment: uat-us by default; blank means unset", () => {
    assert.deepEqual(proveFromEnv(CREDENTIALS), {
      baseUrl: 'https://platform.uat.proveapis.com',
      clientId: 'cid',
      clientSecret: 'csecret',
    });
    assert.equal(proveFromEnv({ ...CREDENTIALS, PROVE_ENV: ' ' }).baseUrl, 'https://platform.uat.proveapis.com');
    assert.equal(proveFromEnv({ ...CREDENTIALS, PROVE_ENV: 'prod-us' }).baseUrl, 'https://platform.proveapis.com');
    assert.equal(
      proveFromEnv({ ...CREDENTIALS, PROVE_ENV: 'uat-eu' }).baseUrl,
      'https://platform.uat.eu.proveapis.com',
    );
    assert.equal(proveFromEnv({ ...CREDENTIALS, PROVE_ENV: 'prod-eu' }).baseUrl, 'https://platform.eu.proveapis.com');
    assert.equal(
      proveFromEnv({ ...CREDENTIALS, PROVE_BASE_URL: 'http://localhost:8081' }).baseUrl,
      'http://localhost:8081',
    );
  });

  test('one ConfigError names every variable missing or wrong, and no secret', () => {
    assert.throws(() => proveFromEnv({}), {
      name: 'ConfigError',
      message:
        'PROVE_CLIENT_ID and PROVE_CLIENT_SECRET are not set: give the client id and secret of your Prove Portal project',
    });
    assert.throws(
      () => proveFromEnv({ PROVE_CLIENT_ID: ' ', PROVE_CLIENT_SECRET: 'csecret', PROVE_ENV: 'eu' }),
      (error) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(
          error.message,
          'PROVE_CLIENT_ID is not set: give the client id and secret of your Prove Portal project; PROVE_ENV="eu" is not a Prove environment; use one of uat-us, prod-us, uat-eu, prod-eu',
        );
        assert.doesNotMatch(error.message, /csecret/);
        return true;
      },
    );
    assert.throws(
      () => proveFromEnv({ ...CREDENTIALS, PROVE_ENV: 'toString' }),
      /PROVE_ENV="toString" is not a Prove environment/,
    );
    assert.throws(
      () => proveFromEnv({ ...CREDENTIALS, PROVE_ENV: 'uat-us', PROVE_BASE_URL: 'http://localhost:8081' }),
      /PROVE_ENV and PROVE_BASE_URL are both set/,
    );
    assert.throws(
      () => proveFromEnv({ ...CREDENTIALS, PROVE_BASE_URL: 'http://prove.example' }),
      /PROVE_BASE_URL must be an https URL/,
    );
  });

  test("the demo reads Prove's environments through it, and refuses PROVE_BASE_URL, which it does not read", () => {
    assert.deepEqual(resolveProveConfig({ ...CREDENTIALS, PROVE_ENV: 'prod-eu' }), {
      mode: 'prove-production',
      proveEnv: 'prod-eu',
      prove: proveFromEnv({ ...CREDENTIALS, PROVE_ENV: 'prod-eu' }),
    });
    assert.throws(
      () => resolveProveConfig({ PROVE_BASE_URL: 'http://localhost:9999' }),
      /PROVE_BASE_URL is not read by the demo/,
    );
  });
});
