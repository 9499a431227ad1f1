/**
 * prove-verify-server's handlers called directly with `new Request(...)`, as Hono, Next route
 * handlers, Bun or Deno call them, against a small stand-in for Prove (app-helpers.ts).
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import {
  ConfigError,
  createProveVerifyHandlers,
  memoryBudgetStore,
  NO_LIMITS,
  redisStore,
  type BudgetStore,
  type RedisClient,
  type ProveVerifyHandlers,
  type ProveVerifyOptions,
} from '../../src/server/index.js';
import { ADDY, startStubProve, type StubProve } from './app-helpers.js';

const SITE = 'https://shop.example';
const LANDING = `${SITE}/link-opened.html`;
const WEBHOOK_SECRET = 'whsec_handlers_test';

let stub: StubProve;
const made: ProveVerifyHandlers[] = [];
/** What the handlers made by handlers() logged, in order (cleared before each test). */
const logged: string[] = [];

function handlers(options: Partial<ProveVerifyOptions> = {}): ProveVerifyHandlers {
  const created = createProveVerifyHandlers({
    prove: { baseUrl: stub.url, clientId: 'id', clientSecret: 'secret' },
    finalTarget: { landingUrl: LANDING },
    pageOrigins: [SITE],
    limits: NO_LIMITS,
    // The July 2025 guide's contract, whose calls the stub counts here; server-flows.test.ts runs unify.
    flow: 'verify-status',
    log: (line) => logged.push(line),
    ...options,
  });
  made.push(created);
  return created;
}

function post(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`${SITE}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The `name=value` part of the answer's session cookie. */
const cookieOf = (response: Response) => response.headers.get('set-cookie')?.split(';')[0] ?? '';

before(async () => {
  stub = await startStubProve();
});
beforeEach(() => {
  logged.length = 0;
  stub.verifies.length = 0;
  stub.statuses.length = 0;
  stub.status = { success: 'pending', possessionResult: 'pending', verifyResult: 'pending' };
});
after(async () => {
  await Promise.all(made.map((h) => h.close()));
  await stub.close();
});

describe('a flow through the handlers', () => {
  test('verify starts it at Prove and sets the cookie; verifyStatus reads pending, then the verdict once', async () => {
    const h = handlers({ allowOtpRetry: true });
    const started = await h.verify(post('/verify', ADDY));
    assert.equal(started.status, 200);
    const { authToken, flowId, changeNumber } = (await started.json()) as {
      authToken: string;
      flowId: string;
      changeNumber: string;
    };
    assert.equal(authToken, 'auth-token-1');
    assert.equal(changeNumber, 'restart', 'verify-status: a new number is a new start');
    assert.match(flowId, /^[A-Za-z0-9_-]{43}$/);
    const setCookie = started.headers.get('set-cookie')!;
    // An https site with Path=/: the __Host- prefix, so a subdomain or an http page cannot plant one.
    assert.match(
      setCookie,
      /^__Host-pv_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=900; Secure$/,
    );
    assert.equal(started.headers.get('cache-control'), 'no-store');

    // What Prove got: E.164, the backend's landing page (a desktop flow), the OTP retry setting, our id.
    assert.equal(stub.verifies.length, 1);
    const sent = stub.verifies[0]!;
    assert.equal(sent.phoneNumber, '+12001004010');
    assert.equal(sent.finalTargetUrl, LANDING);
    assert.equal(sent.allowOTPRetry, true);
    assert.match(String(sent.clientRequestId), /^[0-9a-f-]{36}$/);

    const cookie = cookieOf(started);
    const pending = await h.verifyStatus(post('/verify-status', { flowId }, { Cookie: cookie }));
    assert.equal(pending.status, 202);
    assert.deepEqual(await pending.json(), { pending: true });
    assert.deepEqual(stub.statuses[0], { correlationId: 'correlation-1', clientRequestId: sent.clientRequestId });

    stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'success', identityId: 'id-1' };
    const verdict = await h.verifyStatus(post('/verify-status', { flowId }, { Cookie: cookie }));
    assert.equal(verdict.status, 200);
    assert.deepEqual(await verdict.json(), {
      success: true,
      possessionResult: 'success',
      verifyResult: 'success',
      phoneNumber: '+12001004010',
      identityId: 'id-1',
    });
    assert.match(verdict.headers.get('set-cookie')!, /^__Host-pv_session=; .*Max-Age=0/);

    const again = await h.verifyStatus(post('/verify-status', { flowId }, { Cookie: cookie }));
    assert.equal(again.status, 401);
    assert.equal(((await again.json()) as { code: string }).code, 'session_expired');
    assert.equal(stub.statuses.length, 2, 'a flow whose verdict was read never reaches Prove again');
  });

  test("a flowId without its browser's cookie reads nothing", async () => {
    const h = handlers();
    const started = await h.verify(post('/verify', ADDY));
    const { flowId } = (await started.json()) as { flowId: string };
    const stranger = await h.verifyStatus(
      post('/verify-status', { flowId }, { Cookie: '__Host-pv_session=someone-else' }),
    );
    assert.equal(stranger.status, 401);
    assert.equal(stub.statuses.length, 0);
  });

  test('the cookie is __Host-pv_session only where the prefix holds (Secure, Path=/), else pv_session; a name set is kept', async () => {
    const nameOf = async (options: Partial<ProveVerifyOptions>) =>
      cookieOf(await handlers(options).verify(post('/verify', ADDY))).split('=')[0];
    assert.equal(await nameOf({}), '__Host-pv_session');
    assert.equal(await nameOf({ cookie: { path: '/api' } }), 'pv_session');
    assert.equal(await nameOf({ finalTarget: { landingUrl: 'http://localhost:8080/link-opened.html' } }), 'pv_session');
    assert.equal(await nameOf({ cookie: { secure: false } }), 'pv_session');
    assert.equal(await nameOf({ cookie: { name: 'shop_pv' } }), 'shop_pv');
  });

  test("allowOTPRetry is Prove's own default (false) unless asked for; a mobile flow sends no finalTargetUrl", async () => {
    const h = handlers();
    assert.equal((await h.verify(post('/verify', { ...ADDY, possessionType: 'mobile' }))).status, 200);
    assert.equal(stub.verifies[0]!.allowOTPRetry, false);
    assert.equal('finalTargetUrl' in stub.verifies[0]!, false);
  });
});

describe('what the handlers refuse before Prove is called', () => {
  test("another site's page: 403 forbidden_origin", async () => {
    const h = handlers();
    const answer = await h.verify(post('/verify', ADDY, { Origin: 'https://evil.example' }));
    assert.equal(answer.status, 403);
    assert.equal(((await answer.json()) as { code: string }).code, 'forbidden_origin');
    assert.equal(stub.verifies.length, 0);
  });

  test('another method: 405 with Allow: POST', async () => {
    const answer = await handlers().verify(new Request(`${SITE}/verify`));
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.get('allow'), 'POST');
  });

  test('a field that breaks the contract: 400 naming it, never echoing it', async () => {
    const answer = await handlers().verify(post('/verify', { ...ADDY, phoneNumber: '12<script>' }));
    assert.equal(answer.status, 400);
    const { code, message } = (await answer.json()) as { code: string; message: string };
    assert.equal(code, 'invalid_request');
    assert.match(message, /phoneNumber/);
    assert.doesNotMatch(message, /script/);
    assert.equal(stub.verifies.length, 0);
  });

  test('a field the contract does not have: 400 naming it, and nothing of it reaches Prove', async () => {
    const h = handlers();
    const start = await h.verify(post('/verify', { ...ADDY, clientCustomerId: 'c-1' }));
    assert.equal(start.status, 400);
    assert.deepEqual(await start.json(), {
      code: 'invalid_request',
      message: '"clientCustomerId" is not a field of this request',
    });
    const status = await h.verifyStatus(post('/verify-status', { flowId: 'abc', correlationId: 'x' }));
    assert.equal(status.status, 400);
    assert.match(((await status.json()) as { message: string }).message, /"correlationId" is not a field/);
    // A name that is not plain is not said back (it could be markup), nor is any value.
    const odd = await h.verify(post('/verify', { ...ADDY, '<img src=x>': 'Epinay' }));
    const { message } = (await odd.json()) as { message: string };
    assert.equal(odd.status, 400);
    assert.equal(message, 'a field with an unusual name is not a field of this request');
    assert.equal(stub.verifies.length, 0);
    assert.equal(stub.statuses.length, 0);
  });

  test('a body already read (a body parser ran first): 500 body_already_read saying how to mount, in the log too', async () => {
    const request = post('/verify', ADDY);
    await request.text();
    const answer = await handlers().verify(request);
    assert.equal(answer.status, 500);
    const body = (await answer.json()) as { code: string; message: string };
    assert.equal(body.code, 'body_already_read');
    assert.match(body.message, /mount prove-verify-server before body parsers/);
    assert.deepEqual(logged, [`prove-verify 500 body_already_read POST /verify: ${body.message}`]);
    assert.equal(stub.verifies.length, 0);
  });

  test('a body over 16 KB streamed without Content-Length: 413', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(4096));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const request = new Request(`${SITE}/verify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: SITE },
      body,
      duplex: 'half',
    } as RequestInit);
    const answer = await handlers().verify(request);
    assert.equal(answer.status, 413);
    assert.ok(sent < 8, 'reading stopped at the limit');
  });

  test('finalTargetUrl: an allowed URL goes to Prove, any other is a 400', async () => {
    const h = handlers({ finalTarget: { landingUrl: LANDING, allowedUrls: ['https://help.example/'] } });
    const refused = await h.verify(post('/verify', { ...ADDY, finalTargetUrl: 'https://evil.example/landing' }));
    assert.equal(refused.status, 400);
    assert.equal(stub.verifies.length, 0);
    const taken = await h.verify(post('/verify', { ...ADDY, finalTargetUrl: 'https://help.example/done' }));
    assert.equal(taken.status, 200);
    assert.equal(stub.verifies[0]!.finalTargetUrl, 'https://help.example/done');
  });

  test("budgets count the context's address, and X-Forwarded-For only from trusted proxies", async () => {
    const keys: string[] = [];
    const recording: BudgetStore = (spec) => {
      const counter = memoryBudgetStore(spec);
      return {
        ...counter,
        take: (key, points) => (spec.name === 'texts-address' && keys.push(key), counter.take(key, points)),
        peek: (key) => counter.peek(key),
      };
    };
    const direct = handlers({ limits: { ...NO_LIMITS, textsPerAddress: 15 }, budgetStore: recording });
    await direct.verify(post('/verify', ADDY, { 'X-Forwarded-For': '198.51.100.7' }), { clientAddress: '203.0.113.9' });
    const proxied = handlers({
      limits: { ...NO_LIMITS, textsPerAddress: 15 },
      budgetStore: recording,
      trustProxy: ['10.0.0.0/8'],
    });
    await proxied.verify(post('/verify', ADDY, { 'X-Forwarded-For': '198.51.100.7' }), { clientAddress: '10.0.0.2' });
    assert.deepEqual(keys, ['203.0.113.9', '198.51.100.7']);
  });

  test("a runtime that knows no peer (Next route handlers, edge): the platform's header when named, else one shared key", async () => {
    const keys: string[] = [];
    const recording: BudgetStore = (spec) => {
      const counter = memoryBudgetStore(spec);
      return {
        ...counter,
        take: (key, points) => (spec.name === 'texts-address' && keys.push(key), counter.take(key, points)),
        peek: (key) => counter.peek(key),
      };
    };
    const forwarded = { 'X-Forwarded-For': '192.0.2.1, 198.51.100.7', 'X-Real-IP': '198.51.100.7' };
    await handlers({
      limits: { ...NO_LIMITS, textsPerAddress: 15 },
      budgetStore: recording,
      clientAddressHeader: 'x-real-ip',
    }).verify(post('/verify', ADDY, forwarded));
    // No peer to trust: X-Forwarded-For is not read, whatever trustProxy lists.
    await handlers({
      limits: { ...NO_LIMITS, textsPerAddress: 15 },
      budgetStore: recording,
      trustProxy: ['0.0.0.0/0'],
    }).verify(post('/verify', ADDY, forwarded));
    assert.deepEqual(keys, ['198.51.100.7', '?unknown']);
  });

  test('over a budget: 429 rate_limited with Retry-After, and no text sent', async () => {
    const h = handlers({ limits: { ...NO_LIMITS, textsPerPhone: 3 } });
    assert.equal((await h.verify(post('/verify', ADDY))).status, 200);
    const refused = await h.verify(post('/verify', ADDY));
    assert.equal(refused.status, 429);
    assert.equal(((await refused.json()) as { code: string }).code, 'rate_limited');
    assert.match(refused.headers.get('retry-after')!, /^\d+$/);
    assert.equal(stub.verifies.length, 1);
  });

  test('a full flow store: 503 server_busy before Prove is called', async () => {
    const h = handlers({ sessions: { maxFlows: 1 } });
    assert.equal((await h.verify(post('/verify', ADDY))).status, 200);
    const busy = await h.verify(post('/verify', ADDY));
    assert.equal(busy.status, 503);
    assert.equal(((await busy.json()) as { code: string }).code, 'server_busy');
    assert.equal(stub.verifies.length, 1);
  });

  test('settings that cannot work are a ConfigError when the handlers are made', () => {
    assert.throws(() => handlers({ finalTarget: { landingUrl: `${SITE}/landing?next=a&b` } }), ConfigError);
    assert.throws(() => handlers({ pageOrigins: ['shop.example'] }), ConfigError);
    assert.throws(() => handlers({ limits: { windowMs: 10 } }), ConfigError);
  });
});

describe('a store that cannot answer: 503 store_unavailable with Retry-After, never a 500', () => {
  /**
   * An ioredis client as a Redis that is down leaves it: every call rejects
   * (test/release/server/server-redis-outage.test.ts has the real one).
   */
  const downRedis: RedisClient = {
    eval: () => Promise.reject(new Error('Command timed out')),
    get: () => Promise.reject(new Error('Command timed out')),
    set: () => Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    zrem: () => Promise.reject(new Error('Connection is closed.')),
    zrangebyscore: () => Promise.reject(new Error('Connection is closed.')),
  };
  const assertUnavailable = async (answer: Response) => {
    assert.equal(answer.status, 503);
    assert.equal(answer.headers.get('retry-after'), '5');
    assert.deepEqual(await answer.json(), {
      code: 'store_unavailable',
      message: 'The server cannot reach its store right now: try again in 5 seconds',
    });
  };

  test('flows in Redis: the start (before Prove is called) and the status call', async () => {
    const h = handlers({ store: redisStore(downRedis) });
    await assertUnavailable(await h.verify(post('/verify', ADDY)));
    assert.equal(stub.verifies.length, 0, 'no text is sent for a flow that could not be kept');
    await assertUnavailable(
      await h.verifyStatus(post('/verify-status', { flowId: 'f'.repeat(43) }, { Cookie: '__Host-pv_session=k' })),
    );
    assert.equal(stub.statuses.length, 0);
    const unavailable = logged.filter((line) => line.includes(' 503 '));
    assert.deepEqual(unavailable, [
      'prove-verify 503 store_unavailable POST /verify: StoreUnavailableError: the store did not answer (redis eval) (Error: Command timed out)',
      'prove-verify 503 store_unavailable POST /verify-status: StoreUnavailableError: the store did not answer (redis eval) (Error: Command timed out)',
    ]);
  });

  test('webhook tokens in Redis', async () => {
    const h = handlers({ store: redisStore(downRedis), webhookSecret: WEBHOOK_SECRET });
    const jwt = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('Prove Identity')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(WEBHOOK_SECRET));
    const delivery = new Request(`${SITE}/webhook`, {
      method: 'POST',
      headers: { 'X-Prove-Authorization': `Bearer ${jwt}` },
      body: '{"notifications":[]}',
    });
    await assertUnavailable(await h.webhook(delivery));
  });

  test("the budgets' store", async () => {
    const refused = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    const failing: BudgetStore = () => ({ take: refused, peek: refused, close: async () => {} });
    const h = handlers({ limits: { ...NO_LIMITS, textsPerPhone: 15 }, budgetStore: failing });
    await assertUnavailable(await h.verify(post('/verify', ADDY)));
    assert.equal(stub.verifies.length, 0);
  });
});

describe('handle: the three endpoints behind one handler, by the path', () => {
  test('routes POSTs by the last segment, wherever the handlers are mounted', async () => {
    const h = handlers();
    const started = await h.handle(post('/api/prove/verify', ADDY));
    assert.equal(started.status, 200);
    const { flowId } = (await started.json()) as { flowId: string };
    const status = await h.handle(post('/api/prove/verify-status/', { flowId }, { Cookie: cookieOf(started) }));
    assert.equal(status.status, 202);
    assert.equal((await h.handle(post('/webhook', { notifications: [] }))).status, 401);
    assert.equal(stub.verifies.length, 1);
    assert.equal(stub.statuses.length, 1);
  });

  test('another method on an endpoint: 405 with Allow: POST; another path: 404; each {code, message} and a log line', async () => {
    const h = handlers();
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']) {
      const answer = await h.handle(new Request(`${SITE}/api/verify-status`, { method }));
      assert.equal(answer.status, 405, method);
      assert.equal(answer.headers.get('allow'), 'POST');
      assert.match(answer.headers.get('content-type')!, /^application\/json/);
      if (method !== 'HEAD') assert.deepEqual(await answer.json(), { code: 'method_not_allowed', message: 'Use POST' });
    }
    const missing = await h.handle(post('/api/verify-statuses', {}));
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, 'not_found');
    assert.deepEqual(logged, [
      'prove-verify 405 method_not_allowed GET /api/verify-status',
      'prove-verify 405 method_not_allowed HEAD /api/verify-status',
      'prove-verify 405 method_not_allowed PUT /api/verify-status',
      'prove-verify 405 method_not_allowed DELETE /api/verify-status',
      'prove-verify 405 method_not_allowed OPTIONS /api/verify-status',
      'prove-verify 404 not_found POST /api/verify-statuses',
    ]);
  });
});

describe('the log: one line per refusal, nothing personal', () => {
  test('by default console.warn gets one line per refusal: status, code, method, path, and why', async (t) => {
    const warned: string[] = [];
    t.mock.method(console, 'warn', (line: string) => warned.push(line));
    const h = handlers({ log: undefined });
    const peer = { clientAddress: '203.0.113.7' };
    await h.verify(post('/api/verify', ADDY, { Origin: 'https://www.shop.example' }), peer);
    await h.verify(post('/api/verify', { ...ADDY, phoneNumber: '12' }), peer);
    assert.equal((await h.verify(post('/api/verify', ADDY), peer)).status, 200, 'a start that succeeds is not logged');
    assert.deepEqual(warned, [
      'prove-verify 403 forbidden_origin POST /api/verify: Origin https://www.shop.example is not one of pageOrigins',
      'prove-verify 400 invalid_request POST /api/verify: phoneNumber is not a possible phone number',
    ]);
  });

  test('log: false writes nothing', async (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const answer = await handlers({ log: false }).verify(post('/api/verify', ADDY, { Origin: 'https://evil.example' }));
    assert.equal(answer.status, 403);
    assert.equal(warn.mock.callCount(), 0);
  });

  test("Prove's failure is logged with its code and message on one line, never a name, a number, a token or a secret", async () => {
    const h = handlers({ prove: { baseUrl: stub.url, clientId: 'id', clientSecret: 'the-client-secret' } });
    const peer = { clientAddress: '203.0.113.7' };
    const started = await h.verify(post('/api/verify', ADDY), peer);
    const { authToken, flowId } = (await started.json()) as { authToken: string; flowId: string };
    const cookie = cookieOf(started);
    // Prove's code and message are text from outside: a newline in them must not start a line of its own.
    stub.nextVerify = {
      status: 400,
      body: { code: '8001\nprove-verify 200 ok', message: "field 'phoneNumber' +12001004010 is\r\ninvalid" },
    };
    const refused = await h.verify(post('/api/verify', ADDY, { Cookie: cookie }), peer);
    assert.equal(refused.status, 502);
    await h.verifyStatus(post('/api/verify-status', { flowId }, { Cookie: '__Host-pv_session=forged' }), peer);
    assert.equal(logged.length, 2);
    assert.equal(
      logged[0],
      'prove-verify 502 prove_error POST /api/verify: ProveHttpError: Prove /v3/verify answered HTTP 400 (code 8001 prove-verify 200 ok) "field \'phoneNumber\' +# is invalid"',
    );
    assert.equal(logged[1], 'prove-verify 401 session_expired POST /api/verify-status');
    const all = logged.join('\n');
    for (const secret of [
      'Addy',
      'Epinay',
      '2001004010',
      authToken,
      cookie.split('=')[1]!,
      'forged',
      'the-client-secret',
      'stub-token',
    ]) {
      assert.ok(!all.includes(secret), `the log holds ${secret}`);
    }
  });
});

describe('the webhook handler', () => {
  const token = () =>
    new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('Prove Identity')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(WEBHOOK_SECRET));
  const delivery = (jwt: string) =>
    new Request(`${SITE}/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Prove-Authorization': `Bearer ${jwt}` },
      body: JSON.stringify({
        notifications: [
          {
            eventId: 'e-1',
            event: 'phone changed',
            eventType: 'PHONE_NUMBER_CHANGE',
            eventTimestamp: '2026-01-01T00:00:00Z',
            identityId: 'id-1',
          },
        ],
      }),
    });

  test('a signed delivery reaches onWebhookNotifications once; the same token again is a 401', async () => {
    const seen: string[] = [];
    const h = handlers({
      webhookSecret: WEBHOOK_SECRET,
      onWebhookNotifications: (notifications) => {
        seen.push(...notifications.map((n) => n.eventId));
        return { accepted: notifications.length };
      },
    });
    const jwt = await token();
    const first = await h.webhook(delivery(jwt));
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), { received: 1, accepted: 1 });
    const replay = await h.webhook(delivery(jwt));
    assert.equal(replay.status, 401);
    assert.deepEqual(seen, ['e-1']);
  });

  test('without a webhook secret every delivery is refused', async () => {
    const answer = await handlers().webhook(delivery(await token()));
    assert.equal(answer.status, 401);
  });
});

test('the entry uses no node: module, Node global or page global, so edge runtimes load it', async () => {
  const dir = new URL('../../src/server/', import.meta.url);
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts'));
  assert.ok(files.includes('handlers.ts'));
  for (const file of files) {
    const text = await readFile(new URL(file, dir), 'utf8');
    assert.doesNotMatch(text, /from ['"]node:|\bBuffer\.|\brequire\(|\bprocess\.|\b(?:document|window)\./, file);
  }
});
