// The demo backend's Prove REST client and its configuration, with an injected fetch and clock.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProveClient,
  ProveHttpError,
  ProveNetworkError,
  ProveRateLimitError,
  ProveResponseError,
  ProveTimeoutError,
} from '../../src/server/prove-client.js';
import { allowOtpRetryFrom, ConfigError, proveFlowFrom, resolveProveConfig } from '../../demo/server/app/config.js';

type Reply = { status?: number; body: unknown; delayMs?: number; headers?: Record<string, string> } | Error;

interface Recorded {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

/** A fetch that answers from a script per path and records every request. */
function scriptedFetch(script: Record<string, Array<Reply> | ((n: number) => Reply)>) {
  const calls: Recorded[] = [];
  const counts = new Map<string, number>();
  const fetchImpl = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    calls.push({
      url: url.href,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : '',
    });
    const n = (counts.get(url.pathname) ?? 0) + 1;
    counts.set(url.pathname, n);
    const entry = script[url.pathname];
    const reply = typeof entry === 'function' ? entry(n) : entry?.shift();
    if (!reply) throw new Error(`unscripted request to ${url.pathname}`);
    if (reply instanceof Error) throw reply;
    if (reply.delayMs) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, reply.delayMs);
        init.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- as fetch does: with the signal's reason
          reject(init.signal!.reason);
        });
      });
    }
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(text, {
      status: reply.status ?? 200,
      headers: { 'Content-Type': 'application/json', ...reply.headers },
    });
  };
  return {
    fetch: fetchImpl,
    calls,
    count: (path: string) => calls.filter((c) => new URL(c.url).pathname === path).length,
  };
}

const token = (n: number, expiresIn = 3600): Reply => ({
  body: { access_token: `token-${n}`, token_type: 'Bearer', expires_in: expiresIn },
});
const VERIFY_OK = {
  authToken: 'auth',
  correlationId: 'corr',
  possessionResult: 'pending',
  verifyResult: 'pending',
  success: 'pending',
};
const STATUS_OK = { success: 'true', possessionResult: 'success', verifyResult: 'success', identityId: 'id-1' };
const REQUEST = {
  firstName: 'Addy',
  lastName: 'Epinay',
  phoneNumber: '+12001004010',
  possessionType: 'mobile' as const,
};

function client(fetchImpl: typeof fetch, extra: Partial<ConstructorParameters<typeof ProveClient>[0]> = {}) {
  return new ProveClient({
    baseUrl: 'https://prove.test/',
    clientId: 'id',
    clientSecret: 's3cret',
    fetch: fetchImpl,
    ...extra,
  });
}

describe('ProveClient', () => {
  test('gets a client-credentials token, form-encoded, and sends it as Bearer', async () => {
    const fake = scriptedFetch({ '/token': (n) => token(n), '/v3/verify': [{ body: VERIFY_OK }] });
    const answer = await client(fake.fetch).v3Verify(REQUEST);
    assert.deepEqual(answer, VERIFY_OK);
    const [tokenCall, verifyCall] = fake.calls;
    assert.equal(tokenCall!.url, 'https://prove.test/token');
    assert.equal(tokenCall!.method, 'POST');
    assert.equal(tokenCall!.headers.get('content-type'), 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(tokenCall!.body)), {
      grant_type: 'client_credentials',
      client_id: 'id',
      client_secret: 's3cret',
    });
    assert.equal(verifyCall!.url, 'https://prove.test/v3/verify');
    assert.equal(verifyCall!.headers.get('authorization'), 'Bearer token-1');
    assert.equal(verifyCall!.headers.get('content-type'), 'application/json');
    assert.deepEqual(JSON.parse(verifyCall!.body), REQUEST);
  });

  test('caches the token, shares one request among concurrent calls, renews with < 5 minutes left', async () => {
    let now = 1_000_000;
    const fake = scriptedFetch({
      '/token': (n) => ({ ...(token(n) as object), delayMs: 20 }) as Reply,
      '/v3/verify-status': () => ({ body: STATUS_OK }),
    });
    const prove = client(fake.fetch, { now: () => now });
    await Promise.all(Array.from({ length: 10 }, () => prove.v3VerifyStatus({ correlationId: 'c' })));
    assert.equal(fake.count('/token'), 1, 'one token request for ten concurrent calls');
    now += 55 * 60_000 - 1;
    await prove.v3VerifyStatus({ correlationId: 'c' });
    assert.equal(fake.count('/token'), 1, 'still more than 5 minutes left');
    now += 2;
    await Promise.all([prove.v3VerifyStatus({ correlationId: 'c' }), prove.v3VerifyStatus({ correlationId: 'c' })]);
    assert.equal(fake.count('/token'), 2, 'renewed once, shared');
    assert.equal(fake.calls.at(-1)!.headers.get('authorization'), 'Bearer token-2');
  });

  test('a short-lived token is renewed on every call (never used with < 5 minutes left)', async () => {
    const fake = scriptedFetch({ '/token': (n) => token(n, 240), '/v3/verify-status': () => ({ body: STATUS_OK }) });
    const prove = client(fake.fetch);
    await prove.v3VerifyStatus({ correlationId: 'c' });
    await prove.v3VerifyStatus({ correlationId: 'c' });
    assert.equal(fake.count('/token'), 2);
  });

  test('a failed token request is not cached', async () => {
    const fake = scriptedFetch({
      '/token': [{ status: 500, body: { code: 8000, message: 'error at prove, try again later' } }, token(2)],
      '/v3/verify': [{ body: VERIFY_OK }],
    });
    const prove = client(fake.fetch);
    await assert.rejects(
      prove.v3Verify(REQUEST),
      (e) => e instanceof ProveHttpError && e.endpoint === '/token' && e.status === 500,
    );
    assert.deepEqual(await prove.v3Verify(REQUEST), VERIFY_OK);
  });

  test('a 401 drops the token and retries once; a second 401 is thrown', async () => {
    const fake = scriptedFetch({
      '/token': (n) => token(n),
      '/v3/verify': [
        { status: 401, body: { code: 8002, message: 'unauthorized' } },
        { body: VERIFY_OK },
        { status: 401, body: { code: 8002, message: 'unauthorized' } },
        { status: 401, body: { code: 8002, message: 'unauthorized' } },
      ],
    });
    const prove = client(fake.fetch);
    assert.deepEqual(await prove.v3Verify(REQUEST), VERIFY_OK);
    assert.equal(fake.count('/token'), 2);
    await assert.rejects(
      prove.v3Verify(REQUEST),
      (e) => e instanceof ProveHttpError && e.status === 401 && e.code === 8002,
    );
    assert.equal(fake.count('/v3/verify'), 4, 'exactly one retry per call');
  });

  test("Prove's {code, message} travels in a typed error", async () => {
    const fake = scriptedFetch({
      '/token': (n) => token(n),
      '/v3/verify': [
        { status: 400, body: { code: 1001, message: "field 'firstName' is missing" } },
        { status: 403, body: { code: 1003, message: 'step not allowed' } },
        { status: 500, body: 'Internal Server Error' },
      ],
    });
    const prove = client(fake.fetch);
    await assert.rejects(prove.v3Verify(REQUEST), (e: unknown) => {
      assert.ok(e instanceof ProveHttpError);
      assert.equal(e.status, 400);
      assert.equal(e.code, 1001);
      assert.equal(e.proveMessage, "field 'firstName' is missing");
      assert.ok(!e.message.includes('s3cret'));
      return true;
    });
    await assert.rejects(prove.v3Verify(REQUEST), (e) => e instanceof ProveHttpError && e.code === 1003);
    await assert.rejects(
      prove.v3Verify(REQUEST),
      (e) => e instanceof ProveHttpError && e.status === 500 && e.code === undefined,
    );
  });

  test("answers are validated: results are strings from Prove's list", async () => {
    const fake = scriptedFetch({
      '/token': (n) => token(n),
      '/v3/verify': [
        // What @prove-identity/prove-api 0.9.6 expects and Prove never sends.
        { body: { ...VERIFY_OK, possessionResult: {}, verifyResult: {}, success: {} } },
        { body: { ...VERIFY_OK, authToken: undefined } },
        { body: 'not json' },
      ],
      '/v3/verify-status': [
        { body: { ...STATUS_OK, success: true } },
        { body: { ...STATUS_OK, possessionResult: 'maybe' } },
        { body: { success: 'false', possessionResult: 'failed', verifyResult: 'not_applicable', identityId: null } },
        { body: { success: 'pending', possessionResult: 'pending', verifyResult: 'pending', extra: 1 } },
      ],
    });
    const prove = client(fake.fetch);
    for (let i = 0; i < 3; i++) await assert.rejects(prove.v3Verify(REQUEST), ProveResponseError);
    await assert.rejects(prove.v3VerifyStatus({ correlationId: 'c' }), ProveResponseError);
    await assert.rejects(prove.v3VerifyStatus({ correlationId: 'c' }), ProveResponseError);
    assert.deepEqual(await prove.v3VerifyStatus({ correlationId: 'c' }), {
      success: 'false',
      possessionResult: 'failed',
      verifyResult: 'not_applicable',
      identityId: undefined,
    });
    const pending = await prove.v3VerifyStatus({ correlationId: 'c' });
    assert.deepEqual(
      pending,
      { success: 'pending', possessionResult: 'pending', verifyResult: 'pending' },
      'unknown fields dropped',
    );
  });

  test('a verify answer without an authToken is a refusal only when success is "false"', async () => {
    const refused = { success: 'false', possessionResult: 'not applicable', verifyResult: 'failed' };
    const fake = scriptedFetch({
      '/token': (n) => token(n),
      '/v3/verify': [
        { body: { ...refused, correlationId: 'corr' } },
        { body: { ...refused, authToken: '' } },
        { body: { ...VERIFY_OK, authToken: undefined } },
        { body: { ...refused, success: 'true' } },
      ],
    });
    const prove = client(fake.fetch);
    const first = await prove.v3Verify(REQUEST);
    assert.equal(first.authToken, undefined);
    assert.equal(first.correlationId, 'corr');
    assert.equal(first.success, 'false');
    assert.equal(first.possessionResult, 'not_applicable');
    assert.equal(first.verifyResult, 'failed');
    const second = await prove.v3Verify(REQUEST);
    assert.equal(second.authToken, undefined);
    assert.equal(second.correlationId, undefined);
    await assert.rejects(prove.v3Verify(REQUEST), ProveResponseError);
    await assert.rejects(prove.v3Verify(REQUEST), ProveResponseError);
  });

  test('"not applicable" (with a space, as some of Prove\'s docs spell it) is read as not_applicable', async () => {
    const fake = scriptedFetch({
      '/token': (n) => token(n),
      '/v3/verify-status': [
        { body: { success: 'false', possessionResult: 'not applicable', verifyResult: 'not applicable' } },
      ],
    });
    const status = await client(fake.fetch).v3VerifyStatus({ correlationId: 'c' });
    assert.deepEqual(
      { ...status, identityId: status.identityId },
      {
        success: 'false',
        possessionResult: 'not_applicable',
        verifyResult: 'not_applicable',
        identityId: undefined,
      },
    );
  });

  test("a 429 is a ProveRateLimitError with Prove's Retry-After, and is not retried", async () => {
    const fake = scriptedFetch({
      '/token': (n) => token(n),
      '/v3/verify': [{ status: 429, body: { code: 8000, message: 'too many' }, headers: { 'Retry-After': '12' } }],
    });
    await assert.rejects(client(fake.fetch).v3Verify(REQUEST), (e: unknown) => {
      assert.ok(e instanceof ProveRateLimitError);
      assert.ok(e instanceof ProveHttpError, 'still a ProveHttpError for callers that only know that');
      assert.equal(e.status, 429);
      assert.equal(e.retryAfterSeconds, 12);
      assert.equal(e.endpoint, '/v3/verify');
      return true;
    });
    assert.equal(fake.count('/v3/verify'), 1);
  });

  test("Prove's Retry-After is passed on at most 60 seconds long, a date read on the client's clock", async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const waitFor = async (header: string) => {
      const fake = scriptedFetch({
        '/token': (n) => token(n),
        '/v3/verify': [{ status: 429, body: { code: 8000, message: 'too many' }, headers: { 'Retry-After': header } }],
      });
      const error = await client(fake.fetch, { now: () => now })
        .v3Verify(REQUEST)
        .catch((e: unknown) => e);
      assert.ok(error instanceof ProveRateLimitError);
      return error.retryAfterSeconds;
    };
    assert.equal(await waitFor('3600'), 60);
    assert.equal(await waitFor(new Date(now + 20_000).toUTCString()), 20);
    assert.equal(await waitFor('soon'), 1);
  });

  test('a bad token answer is a ProveResponseError', async () => {
    const fake = scriptedFetch({
      '/token': [{ body: { access_token: 'x', token_type: 'MAC', expires_in: 3600 } }, { body: { access_token: 'x' } }],
    });
    const prove = client(fake.fetch);
    await assert.rejects(prove.accessToken(), ProveResponseError);
    await assert.rejects(prove.accessToken(), ProveResponseError);
  });

  test('timeouts and network failures are typed', async () => {
    const slow = scriptedFetch({ '/token': [{ ...(token(1) as object), delayMs: 5_000 } as Reply] });
    const started = Date.now();
    await assert.rejects(client(slow.fetch, { timeoutMs: 50 }).v3Verify(REQUEST), ProveTimeoutError);
    assert.ok(Date.now() - started < 2_000, 'gave up on time');

    const down = scriptedFetch({ '/token': [new TypeError('fetch failed')] });
    await assert.rejects(
      client(down.fetch).v3Verify(REQUEST),
      (e) => e instanceof ProveNetworkError && e.cause instanceof TypeError,
    );
  });

  test("a caller's abort signal cancels the call", async () => {
    const fake = scriptedFetch({ '/token': (n) => token(n), '/v3/verify': [{ body: VERIFY_OK, delayMs: 5_000 }] });
    const controller = new AbortController();
    const call = client(fake.fetch).v3Verify(REQUEST, controller.signal);
    setTimeout(() => controller.abort(new Error('page left')), 20);
    await assert.rejects(call, /page left/);
  });
});

describe('resolveProveConfig', () => {
  test('no credentials: the local emulator with its demo credentials', () => {
    assert.deepEqual(resolveProveConfig({}), {
      mode: 'emulator',
      prove: { baseUrl: 'http://localhost:8081', clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
    });
    assert.equal(resolveProveConfig({ EMULATOR_PORT: '9999' }).prove.baseUrl, 'http://localhost:9999');
    assert.throws(() => resolveProveConfig({ EMULATOR_PORT: 'abc' }), ConfigError);
    assert.throws(() => resolveProveConfig({ EMULATOR_PORT: '70000' }), ConfigError);
  });

  test('the emulator runs under NODE_ENV=production or on a host other machines reach only when PROVE_EMULATOR=1 says so', () => {
    const refused: Array<[Record<string, string>, RegExp]> = [
      [
        { NODE_ENV: 'production' },
        /while NODE_ENV is production: set PROVE_CLIENT_ID and PROVE_CLIENT_SECRET to use Prove, or PROVE_EMULATOR=1/,
      ],
      [
        { HOST: '0.0.0.0' },
        /while HOST is "0\.0\.0\.0", which other machines can reach: .*PROVE_EMULATOR=1 to run the emulator anyway/,
      ],
      [{ HOST: '::' }, /HOST is "::"/],
      [{ HOST: '192.168.1.20' }, /HOST is "192\.168\.1\.20"/],
      [{ HOST: 'demo.example.com' }, /HOST is "demo\.example\.com"/],
      [{ NODE_ENV: 'production', HOST: '0.0.0.0' }, /while NODE_ENV is production and HOST is "0\.0\.0\.0"/],
      [{ NODE_ENV: 'production', PROVE_EMULATOR: '0' }, /NODE_ENV is production/],
    ];
    for (const [env, message] of refused) {
      assert.throws(
        () => resolveProveConfig(env),
        (e) =>
          e instanceof ConfigError &&
          /^PROVE_CLIENT_ID and PROVE_CLIENT_SECRET are not set, so the demo would run its local emulator/.test(
            e.message,
          ) &&
          message.test(e.message),
        JSON.stringify(env),
      );
    }
    for (const env of [
      {},
      { HOST: 'localhost' },
      { HOST: '127.0.0.1' },
      { HOST: '::1' },
      { HOST: '[::1]' },
      { NODE_ENV: 'development' },
    ]) {
      assert.equal(resolveProveConfig(env).mode, 'emulator', JSON.stringify(env));
    }
    for (const env of [
      { NODE_ENV: 'production', PROVE_EMULATOR: '1' },
      { HOST: '0.0.0.0', PROVE_EMULATOR: 'true' },
    ]) {
      assert.equal(resolveProveConfig(env).mode, 'emulator', JSON.stringify(env));
    }
    assert.throws(
      () => resolveProveConfig({ NODE_ENV: 'production', PROVE_EMULATOR: 'yes' }),
      /PROVE_EMULATOR="yes" is not a boolean/,
    );
    assert.throws(
      () => resolveProveConfig({ PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'csecret', PROVE_EMULATOR: '1' }),
      (e) =>
        e instanceof ConfigError &&
        /PROVE_EMULATOR=1 asks for the local emulator, but PROVE_CLIENT_ID and PROVE_CLIENT_SECRET are set/.test(
          e.message,
        ),
    );
    // Prove itself needs no such word: credentials under NODE_ENV=production on 0.0.0.0 are what production is.
    assert.equal(
      resolveProveConfig({
        PROVE_CLIENT_ID: 'cid',
        PROVE_CLIENT_SECRET: 'csecret',
        NODE_ENV: 'production',
        HOST: '0.0.0.0',
      }).mode,
      'prove-sandbox',
    );
  });

  test("credentials: Prove's sandbox by default, production with PROVE_ENV=prod-us", () => {
    const creds = { PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'csecret' };
    assert.deepEqual(resolveProveConfig(creds), {
      mode: 'prove-sandbox',
      proveEnv: 'uat-us',
      prove: { baseUrl: 'https://platform.uat.proveapis.com', clientId: 'cid', clientSecret: 'csecret' },
    });
    const prod = resolveProveConfig({ ...creds, PROVE_ENV: 'prod-us' });
    assert.equal(prod.prove.baseUrl, 'https://platform.proveapis.com');
    assert.equal(prod.mode, 'prove-production');
  });

  test("Prove's EU environments: uat-eu (sandbox) and prod-eu (production)", () => {
    const creds = { PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'csecret' };
    assert.deepEqual(resolveProveConfig({ ...creds, PROVE_ENV: 'uat-eu' }), {
      mode: 'prove-sandbox',
      proveEnv: 'uat-eu',
      prove: { baseUrl: 'https://platform.uat.eu.proveapis.com', clientId: 'cid', clientSecret: 'csecret' },
    });
    assert.deepEqual(resolveProveConfig({ ...creds, PROVE_ENV: ' prod-eu ' }), {
      mode: 'prove-production',
      proveEnv: 'prod-eu',
      prove: { baseUrl: 'https://platform.eu.proveapis.com', clientId: 'cid', clientSecret: 'csecret' },
    });
    assert.throws(
      () => resolveProveConfig({ ...creds, PROVE_ENV: 'eu' }),
      (e) => e instanceof ConfigError && /uat-eu, prod-eu/.test(e.message),
    );
  });

  test('an unknown PROVE_ENV or half the credentials is a startup error', () => {
    assert.throws(
      () => resolveProveConfig({ PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'csecret', PROVE_ENV: 'eu-west-1' }),
      (e) => e instanceof ConfigError && /eu-west-1/.test(e.message) && !e.message.includes('csecret'),
    );
    assert.throws(
      () => resolveProveConfig({ PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'x', PROVE_ENV: 'toString' }),
      ConfigError,
    );
    assert.throws(() => resolveProveConfig({ PROVE_CLIENT_ID: 'cid' }), /PROVE_CLIENT_SECRET/);
    assert.throws(
      () => resolveProveConfig({ PROVE_CLIENT_SECRET: 'csecret' }),
      (e) => e instanceof ConfigError && !e.message.includes('csecret'),
    );
  });
});

describe('allowOtpRetryFrom (PROVE_ALLOW_OTP_RETRY)', () => {
  test('true unless set: true/false/1/0 in any case, blank means unset', () => {
    assert.equal(allowOtpRetryFrom({}), true);
    assert.equal(allowOtpRetryFrom({ PROVE_ALLOW_OTP_RETRY: '  ' }), true);
    for (const value of ['true', 'TRUE', 'True', '1', ' 1 '])
      assert.equal(allowOtpRetryFrom({ PROVE_ALLOW_OTP_RETRY: value }), true, value);
    for (const value of ['false', 'FALSE', 'False', '0', ' 0 '])
      assert.equal(allowOtpRetryFrom({ PROVE_ALLOW_OTP_RETRY: value }), false, value);
  });

  test('anything else is a ConfigError naming the variable', () => {
    for (const value of ['yes', 'no', 'on', 'off', '2', '01', 't', 'null']) {
      assert.throws(
        () => allowOtpRetryFrom({ PROVE_ALLOW_OTP_RETRY: value }),
        (e) =>
          e instanceof ConfigError && /PROVE_ALLOW_OTP_RETRY/.test(e.message) && /true, false, 1 or 0/.test(e.message),
        value,
      );
    }
  });
});

describe('proveFlowFrom (PROVE_FLOW)', () => {
  test('unify unless set; verify-status when asked; blank means unset', () => {
    assert.equal(proveFlowFrom({}), 'unify');
    assert.equal(proveFlowFrom({ PROVE_FLOW: ' ' }), 'unify');
    assert.equal(proveFlowFrom({ PROVE_FLOW: 'unify' }), 'unify');
    assert.equal(proveFlowFrom({ PROVE_FLOW: ' verify-status ' }), 'verify-status');
  });

  test('anything else is a ConfigError naming the variable and both flows', () => {
    for (const value of ['Unify', 'verify', 'verify_status', 'v3']) {
      assert.throws(
        () => proveFlowFrom({ PROVE_FLOW: value }),
        (e) =>
          e instanceof ConfigError &&
          e.message.startsWith(`PROVE_FLOW=${JSON.stringify(value)} is not a Prove flow; use unify`) &&
          /verify-status/.test(e.message),
        value,
      );
    }
  });
});
