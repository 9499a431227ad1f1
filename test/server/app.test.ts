// The demo backend (demo/server/app) against a small fake Prove server defined below.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NO_LIMITS, startApp, type AppOptions, type RunningApp } from '../../demo/server/app/index.js';
import { LANDING_PAGE, proveAuthBundlePath, PROVE_AUTH_SPECIFIER } from '../../demo/server/app/static.js';

// ---------------------------------------------------------------------------------------------
// A fake Prove: /token, /v3/verify, /v3/verify-status, with answers the test can change.

interface FakeAnswer {
  status: number;
  body: unknown;
  delayMs?: number;
  headers?: Record<string, string>;
}

interface FakeProve {
  url: string;
  tokenRequests: number;
  verifyRequests: Array<{ body: Record<string, unknown>; authorization: string | undefined }>;
  statusRequests: Array<{ body: Record<string, unknown> }>;
  /** Next answers, consumed in order; when empty the default answer is used. */
  tokenQueue: FakeAnswer[];
  verifyQueue: FakeAnswer[];
  statusQueue: FakeAnswer[];
  /** Default verify-status answer. */
  status: { success: string; possessionResult: string; verifyResult: string; identityId?: string };
  reset(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function startFakeProve(): Promise<FakeProve> {
  let counter = 0;
  const fake = {
    url: '',
    tokenRequests: 0,
    verifyRequests: [],
    statusRequests: [],
    tokenQueue: [],
    verifyQueue: [],
    statusQueue: [],
    status: { success: 'pending', possessionResult: 'pending', verifyResult: 'pending' },
    reset() {
      fake.tokenRequests = 0;
      fake.verifyRequests = [];
      fake.statusRequests = [];
      fake.tokenQueue = [];
      fake.verifyQueue = [];
      fake.statusQueue = [];
      fake.status = { success: 'pending', possessionResult: 'pending', verifyResult: 'pending' };
    },
    close: async () => {},
  } as FakeProve;
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req);
    const answer = (queue: FakeAnswer[], fallback: () => FakeAnswer) => {
      const next = queue.shift() ?? fallback();
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(next.status, { 'Content-Type': 'application/json', ...next.headers });
        res.end(typeof next.body === 'string' ? next.body : JSON.stringify(next.body));
      };
      if (next.delayMs) setTimeout(send, next.delayMs);
      else send();
    };
    if (req.url === '/token') {
      fake.tokenRequests++;
      const form = new URLSearchParams(text);
      const good =
        req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
        form.get('grant_type') === 'client_credentials' &&
        form.get('client_id') === 'fake-id' &&
        form.get('client_secret') === 'fake-secret';
      answer(fake.tokenQueue, () =>
        good
          ? {
              status: 200,
              body: { access_token: `token-${fake.tokenRequests}`, token_type: 'Bearer', expires_in: 3600 },
            }
          : { status: 401, body: { code: 8002, message: 'invalid client credentials' } },
      );
      return;
    }
    if (req.url === '/v3/verify') {
      const body = JSON.parse(text) as Record<string, unknown>;
      fake.verifyRequests.push({ body, authorization: req.headers.authorization });
      counter++;
      answer(fake.verifyQueue, () => ({
        status: 200,
        body: {
          authToken: `auth-token-${counter}`,
          correlationId: `correlation-${counter}`,
          possessionResult: 'pending',
          verifyResult: 'pending',
          success: 'pending',
        },
      }));
      return;
    }
    if (req.url === '/v3/verify-status') {
      fake.statusRequests.push({ body: JSON.parse(text) as Record<string, unknown> });
      answer(fake.statusQueue, () => ({ status: 200, body: fake.status }));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ code: 1001, message: 'no such path' }));
  };
  const server: Server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const ADDY = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010', possessionType: 'desktop' };

/** The flowId of the last flow each session cookie (`name=value`) was set with. */
const flowOfCookie = new Map<string, string>();

async function post(
  app: RunningApp,
  path: string,
  body: unknown,
  init: { cookie?: string; contentType?: string | null } = {},
) {
  const headers: Record<string, string> = {};
  if (init.contentType !== null) headers['Content-Type'] = init.contentType ?? 'application/json';
  if (init.cookie) headers.Cookie = init.cookie;
  const answer = await fetch(app.url + path, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const cookie = answer.headers.getSetCookie().find((c) => /^pv_session=[^;]/.test(c));
  if (path === '/api/verify' && cookie)
    flowOfCookie.set(cookie.split(';')[0]!, ((await answer.clone().json()) as { flowId: string }).flowId);
  return answer;
}

/** The status call of the browser's latest flow (the status call names its flow). */
function statusOf(app: RunningApp, cookie: string) {
  return post(app, '/api/verify-status', { flowId: flowOfCookie.get(cookie) ?? 'none' }, { cookie });
}

/** The `name=value` part of the session cookie set by a response. */
function sessionCookie(res: Response): string {
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pv_session='));
  assert.ok(cookie, 'a pv_session cookie is set');
  return cookie.split(';')[0]!;
}

async function expectError(res: Response, status: number, code?: string): Promise<{ code: string; message: string }> {
  assert.equal(res.status, status, `status ${res.status} (wanted ${status})`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await res.json()) as { code: string; message: string };
  assert.equal(typeof body.code, 'string');
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0);
  if (code) assert.equal(body.code, code);
  return body;
}

/** The app on a free port; the budgets are off here (app-budgets.test.ts tests them). */
async function startDemoApp(fake: FakeProve, options: AppOptions = {}): Promise<RunningApp> {
  return startApp({
    port: 0,
    prove: { baseUrl: fake.url, clientId: 'fake-id', clientSecret: 'fake-secret' },
    static: { bundleMain: false },
    limits: NO_LIMITS,
    // The fake speaks the July 2025 guide's contract (/v3/verify-status); unify is tested in server-flows.test.ts.
    flow: 'verify-status',
    ...options,
  });
}

// ---------------------------------------------------------------------------------------------

describe('demo backend against a fake Prove', () => {
  let fake: FakeProve;
  let app: RunningApp;
  const logLines: string[] = [];

  before(async () => {
    fake = await startFakeProve();
    app = await startDemoApp(fake, {
      log: (line) => logLines.push(line),
      allowedFinalTargetUrls: ['https://example.com/'],
    });
  });
  after(async () => {
    await app.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  describe('POST /api/verify', () => {
    test('starts a Prove flow, answers only the authToken, the flowId and how to change number, and sets an HttpOnly SameSite=Strict session cookie', async () => {
      const res = await post(app, '/api/verify', { ...ADDY, firstName: '  Addy ' });
      assert.equal(res.status, 200);
      const body = (await res.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body), ['authToken', 'flowId', 'changeNumber']);
      assert.equal(body.changeNumber, 'restart');
      assert.match(String(body.flowId), /^[A-Za-z0-9_-]{43}$/);
      assert.match(String(body.authToken), /^auth-token-\d+$/);
      assert.equal(res.headers.get('cache-control'), 'no-store');

      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pv_session='));
      assert.ok(cookie);
      const [pair, ...attributes] = cookie.split(';').map((s) => s.trim());
      assert.match(pair!, /^pv_session=[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
      assert.ok(attributes.includes('HttpOnly'));
      assert.ok(attributes.includes('SameSite=Strict'));
      assert.ok(attributes.includes('Path=/api'));
      assert.ok(attributes.includes('Max-Age=900'));

      assert.equal(fake.tokenRequests, 1);
      assert.equal(fake.verifyRequests.length, 1);
      const sent = fake.verifyRequests[0]!;
      assert.equal(sent.authorization, 'Bearer token-1');
      assert.equal(sent.body.firstName, 'Addy', 'names are trimmed');
      assert.equal(sent.body.lastName, 'Epinay');
      assert.equal(sent.body.phoneNumber, '+12001004010', 'E.164, US by default');
      assert.equal(sent.body.possessionType, 'desktop');
      assert.equal(sent.body.finalTargetUrl, `${app.url}/link-opened.html`, 'desktop defaults to the landing page');
      assert.equal(JSON.stringify(body).includes('correlation'), false);
    });

    test('mobile sends no finalTargetUrl unless given; a given one on an allowed origin passes through', async () => {
      let res = await post(app, '/api/verify', { ...ADDY, possessionType: 'mobile', phoneNumber: '+1 (200) 100-4010' });
      assert.equal(res.status, 200);
      assert.equal(fake.verifyRequests[0]!.body.finalTargetUrl, undefined);
      assert.equal(fake.verifyRequests[0]!.body.phoneNumber, '+12001004010');
      res = await post(app, '/api/verify', { ...ADDY, finalTargetUrl: 'https://example.com/done' });
      assert.equal(res.status, 200);
      assert.equal(fake.verifyRequests[1]!.body.finalTargetUrl, 'https://example.com/done');
    });

    test('every bad input answers 4xx {code, message}, never reaches Prove, and the server stays up', async () => {
      const long = 'x'.repeat(101);
      const cases: Array<[string, unknown, number, string?]> = [
        ['missing firstName', { ...ADDY, firstName: undefined }, 400],
        ['empty lastName', { ...ADDY, lastName: '   ' }, 400],
        ['firstName too long', { ...ADDY, firstName: long }, 400],
        ['firstName a number', { ...ADDY, firstName: 42 }, 400],
        ['lastName an object', { ...ADDY, lastName: { a: 1 } }, 400],
        ['control characters in a name', { ...ADDY, firstName: 'Ad\u0000dy' }, 400],
        ['missing phone', { ...ADDY, phoneNumber: undefined }, 400],
        ['impossible phone', { ...ADDY, phoneNumber: '12345' }, 400],
        ['letters for a phone', { ...ADDY, phoneNumber: 'call me' }, 400],
        ['phone a number', { ...ADDY, phoneNumber: 2001004010 }, 400],
        ['very long phone', { ...ADDY, phoneNumber: '2'.repeat(500) }, 400],
        ['possessionType none', { ...ADDY, possessionType: 'none' }, 400],
        ['possessionType missing', { ...ADDY, possessionType: undefined }, 400],
        ['possessionType wrong case', { ...ADDY, possessionType: 'Desktop' }, 400],
        ['javascript: finalTargetUrl', { ...ADDY, finalTargetUrl: 'javascript:alert(1)' }, 400],
        ['ftp finalTargetUrl', { ...ADDY, finalTargetUrl: 'ftp://example.com/' }, 400],
        ['relative finalTargetUrl', { ...ADDY, finalTargetUrl: '/link-opened.html' }, 400],
        [
          "finalTargetUrl over Prove's 128 characters",
          { ...ADDY, finalTargetUrl: `https://example.com/${'a'.repeat(109)}` },
          400,
        ],
        ['finalTargetUrl with a fragment', { ...ADDY, finalTargetUrl: 'https://example.com/done#top' }, 400],
        ['finalTargetUrl with an escape', { ...ADDY, finalTargetUrl: 'https://example.com/a%20b' }, 400],
        ['finalTargetUrl with a query of &', { ...ADDY, finalTargetUrl: 'https://example.com/?a=1&b=2' }, 400],
        ['finalTargetUrl a number', { ...ADDY, finalTargetUrl: 7 }, 400],
        ['an array body', '[1,2]', 400],
        ['a null body', 'null', 400],
        ['a string body', '"hello"', 400],
        ['an empty body', '', 400],
        ['malformed JSON', '{"firstName": ', 400, 'invalid_json'],
      ];
      for (const [label, body, status, code] of cases) {
        const res = await post(app, '/api/verify', body);
        const error = await expectError(res, status, code).catch((e: Error) => {
          throw new Error(`${label}: ${e.message}`);
        });
        assert.ok(!error.message.includes('2001004010'), `${label}: the message does not echo input`);
      }
      assert.equal(fake.verifyRequests.length, 0, 'Prove was never called');
      const ok = await post(app, '/api/verify', ADDY);
      assert.equal(ok.status, 200, 'the server is still up');
    });

    test('names the offending field', async () => {
      const res = await post(app, '/api/verify', { ...ADDY, phoneNumber: '12' });
      const error = await expectError(res, 400, 'invalid_request');
      assert.match(error.message, /phoneNumber/);
    });

    test('wrong or missing content type answers 415', async () => {
      await expectError(
        await post(app, '/api/verify', JSON.stringify(ADDY), { contentType: 'text/plain' }),
        415,
        'unsupported_media_type',
      );
      await expectError(
        await post(app, '/api/verify', JSON.stringify(ADDY), { contentType: 'application/x-www-form-urlencoded' }),
        415,
      );
      await expectError(await post(app, '/api/verify', JSON.stringify(ADDY), { contentType: null }), 415);
      const ok = await post(app, '/api/verify', ADDY, { contentType: 'application/json; charset=utf-8' });
      assert.equal(ok.status, 200, 'a charset parameter is fine');
    });

    test('a huge body answers 413, declared or streamed', async () => {
      const huge = JSON.stringify({ ...ADDY, firstName: 'x'.repeat(100_000) });
      await expectError(await post(app, '/api/verify', huge), 413, 'payload_too_large');
      // Chunked, so the server only learns the size while reading.
      const chunk = new TextEncoder().encode('x'.repeat(8192));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 8) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const res = await fetch(app.url + '/api/verify', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      await expectError(res, 413, 'payload_too_large');
      assert.equal((await post(app, '/api/verify', ADDY)).status, 200, 'the server is still up');
      assert.equal(fake.verifyRequests.length, 1);
    });

    test('other methods and unknown API paths answer 405 and 404 as JSON', async () => {
      const res = await fetch(app.url + '/api/verify');
      await expectError(res, 405, 'method_not_allowed');
      assert.equal(res.headers.get('allow'), 'POST');
      await expectError(await fetch(app.url + '/api/nope'), 404, 'not_found');
      await expectError(await post(app, '/api/config', {}), 405);
    });

    test('a new verify gives the browser a new key, and its other flow (another element or tab) moves to it', async () => {
      // The fake numbers its flows: auth-token-N goes with correlation-N.
      const flowNumber = async (res: Response) => {
        const body = (await res.json()) as { authToken: string; flowId: string };
        return { correlation: body.authToken.replace('auth-token-', 'correlation-'), flowId: body.flowId };
      };
      const firstRes = await post(app, '/api/verify', ADDY);
      const first = sessionCookie(firstRes);
      const a = await flowNumber(firstRes);
      const secondRes = await post(app, '/api/verify', ADDY, { cookie: first });
      const second = sessionCookie(secondRes);
      assert.notEqual(second, first);
      const b = await flowNumber(secondRes);
      assert.equal((await post(app, '/api/verify-status', { flowId: a.flowId }, { cookie: second })).status, 202);
      assert.equal(fake.statusRequests.at(-1)!.body.correlationId, a.correlation);
      assert.equal((await post(app, '/api/verify-status', { flowId: b.flowId }, { cookie: second })).status, 202);
      assert.equal(fake.statusRequests.at(-1)!.body.correlationId, b.correlation);
      await expectError(
        await post(app, '/api/verify-status', { flowId: a.flowId }, { cookie: first }),
        401,
        'session_expired',
      );
    });
  });

  describe('POST /api/verify-status', () => {
    test('without a session answers 401 session_expired', async () => {
      await expectError(await post(app, '/api/verify-status', { flowId: 'f' }), 401, 'session_expired');
      await expectError(
        await post(app, '/api/verify-status', { flowId: 'f' }, { cookie: 'pv_session=forged' }),
        401,
        'session_expired',
      );
      assert.equal(fake.statusRequests.length, 0);
    });

    test("reads the session's correlationId and maps Prove's strings to a boolean success", async () => {
      const resA = await post(app, '/api/verify', ADDY);
      const cookieA = sessionCookie(resA);
      // The fake numbers its flows: auth-token-N goes with correlation-N.
      const flowA = ((await resA.json()) as { authToken: string }).authToken.replace('auth-token-', '');
      const cookieB = sessionCookie(await post(app, '/api/verify', ADDY));

      let res = await statusOf(app, cookieA);
      assert.equal(res.status, 202, 'pending is not an answer yet');
      assert.deepEqual(await res.json(), { pending: true });
      assert.equal(fake.statusRequests[0]!.body.correlationId, `correlation-${flowA}`);

      fake.status = { success: 'true', possessionResult: 'success', verifyResult: 'success', identityId: 'identity-1' };
      res = await statusOf(app, cookieB);
      assert.deepEqual(await res.json(), {
        success: true,
        possessionResult: 'success',
        verifyResult: 'success',
        phoneNumber: '+12001004010',
        identityId: 'identity-1',
      });

      fake.status = { success: 'false', possessionResult: 'failed', verifyResult: 'not_applicable' };
      res = await statusOf(app, cookieA);
      assert.deepEqual(await res.json(), {
        success: false,
        possessionResult: 'failed',
        verifyResult: 'not_applicable',
        phoneNumber: '+12001004010',
      });

      const ids = fake.statusRequests.map((r) => r.body.correlationId);
      assert.equal(ids[0], ids[2], 'the same browser keeps its own flow');
      assert.notEqual(ids[0], ids[1], 'another browser has its own flow');
      assert.match(String(ids[1]), /^correlation-\d+$/);
    });

    test('insists on JSON that names the flow', async () => {
      const cookie = sessionCookie(await post(app, '/api/verify', ADDY));
      assert.equal(
        (await expectError(await post(app, '/api/verify-status', '', { cookie }), 400, 'invalid_request')).message,
        'flowId is required',
      );
      await expectError(await post(app, '/api/verify-status', '{}', { cookie, contentType: 'text/plain' }), 415);
      await expectError(await post(app, '/api/verify-status', '{oops', { cookie }), 400, 'invalid_json');
    });
  });

  describe('Prove failures', () => {
    test("Prove's 4xx message passes through as 502 prove_error", async () => {
      fake.verifyQueue.push({ status: 400, body: { code: 1001, message: "field 'phoneNumber' is missing" } });
      let error = await expectError(await post(app, '/api/verify', ADDY), 502, 'prove_error');
      assert.equal(error.message, "field 'phoneNumber' is missing");
      assert.equal((error as unknown as { proveCode: number }).proveCode, 1001);

      fake.verifyQueue.push({ status: 403, body: { code: 1003, message: 'step not allowed' } });
      error = await expectError(await post(app, '/api/verify', ADDY), 502, 'prove_error');
      assert.equal(error.message, 'step not allowed');
    });

    test("Prove's 5xx, a non-JSON error and an unexpected answer are 502 without detail", async () => {
      fake.verifyQueue.push({ status: 500, body: { code: 8000, message: 'error at prove, try again later' } });
      let error = await expectError(await post(app, '/api/verify', ADDY), 502, 'prove_error');
      assert.match(error.message, /try again later/);

      fake.verifyQueue.push({ status: 502, body: '<html>bad gateway</html>' });
      error = await expectError(await post(app, '/api/verify', ADDY), 502, 'prove_error');
      assert.ok(!error.message.includes('<html>'));

      // The generated SDK's objects instead of strings, which we refuse.
      fake.verifyQueue.push({
        status: 200,
        body: { authToken: 'a', correlationId: 'c', possessionResult: {}, verifyResult: {}, success: {} },
      });
      await expectError(await post(app, '/api/verify', ADDY), 502, 'prove_error');

      const cookie = sessionCookie(await post(app, '/api/verify', ADDY));
      fake.statusQueue.push({
        status: 200,
        body: { success: true, possessionResult: 'success', verifyResult: 'success' },
      });
      await expectError(await statusOf(app, cookie), 502, 'prove_error');
      fake.statusQueue.push({ status: 500, body: { code: 8000, message: 'error at prove, try again later' } });
      await expectError(await statusOf(app, cookie), 502, 'prove_error');
      assert.equal((await statusOf(app, cookie)).status, 202, 'the session survives');
    });

    test('rejected credentials are 502 and never echo the secret', async () => {
      const other = await startDemoApp(fake, {
        prove: { baseUrl: fake.url, clientId: 'fake-id', clientSecret: 'wrong-secret' },
      });
      try {
        const res = await post(other, '/api/verify', ADDY);
        const text = await res.text();
        assert.equal(res.status, 502);
        assert.match(text, /authenticate with Prove/);
        assert.ok(!text.includes('wrong-secret') && !text.includes('fake-id'));
        assert.equal(fake.verifyRequests.length, 0);
      } finally {
        await other.close();
      }
    });

    test('a slow Prove answers 504 prove_timeout', async () => {
      const other = await startDemoApp(fake, { proveTimeoutMs: 150 });
      try {
        fake.verifyQueue.push({ status: 200, body: {}, delayMs: 1000 });
        await expectError(await post(other, '/api/verify', ADDY), 504, 'prove_timeout');
      } finally {
        await other.close();
      }
    });

    test('an unreachable Prove answers 502 prove_unreachable', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const other = await startDemoApp(fake, {
        prove: { baseUrl: `http://127.0.0.1:${port}`, clientId: 'a', clientSecret: 'b' },
      });
      try {
        await expectError(await post(other, '/api/verify', ADDY), 502, 'prove_unreachable');
      } finally {
        await other.close();
      }
    });
  });

  test('the access log names no person, phone, token or cookie', async () => {
    logLines.length = 0;
    const res = await post(app, '/api/verify', ADDY);
    const { authToken } = (await res.json()) as { authToken: string };
    const cookie = sessionCookie(res);
    await statusOf(app, cookie);
    fake.verifyQueue.push({ status: 500, body: { code: 8000, message: 'error at prove' } });
    await post(app, '/api/verify', ADDY);
    assert.ok(logLines.length >= 3);
    const all = logLines.join('\n');
    for (const secret of ['Addy', 'Epinay', '2001004010', authToken, cookie.split('=')[1]!, 'fake-secret', 'token-1']) {
      assert.ok(!all.includes(secret), `log mentions ${secret}`);
    }
  });

  test('publicOrigin sets the default finalTargetUrl; an https origin makes the cookie Secure', async () => {
    const other = await startDemoApp(fake, { publicOrigin: 'https://demo.example.com/ignored/path' });
    try {
      const res = await post(other, '/api/verify', ADDY);
      assert.equal(res.status, 200);
      assert.equal(fake.verifyRequests[0]!.body.finalTargetUrl, 'https://demo.example.com/link-opened.html');
      assert.match(res.headers.getSetCookie()[0]!, /; Secure$/);
    } finally {
      await other.close();
    }
    await assert.rejects(startDemoApp(fake, { publicOrigin: 'ftp://nope' }), /PUBLIC_ORIGIN/);
  });

  test("GET /api/config reports the mode and the emulator's address", async () => {
    const res = await fetch(app.url + '/api/config');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { mode: 'emulator', emulatorUrl: fake.url });
    const other = await startDemoApp(fake, { mode: 'prove-sandbox', webhookSecret: 'whsec_from_the_portal' });
    try {
      assert.deepEqual(await (await fetch(other.url + '/api/config')).json(), { mode: 'prove-sandbox' });
    } finally {
      await other.close();
    }
  });
});

describe("Prove's rules: retries, one id per flow, early refusals, pending, rate limits", () => {
  let fake: FakeProve;
  let app: RunningApp;
  before(async () => {
    fake = await startFakeProve();
    app = await startDemoApp(fake, { allowOtpRetry: true });
  });
  after(async () => {
    await app.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  /** Runs `body` with PROVE_ALLOW_OTP_RETRY set (or unset), restoring it afterwards. */
  async function withRetryEnv(value: string | undefined, body: () => Promise<void>): Promise<void> {
    const saved = process.env.PROVE_ALLOW_OTP_RETRY;
    if (value === undefined) delete process.env.PROVE_ALLOW_OTP_RETRY;
    else process.env.PROVE_ALLOW_OTP_RETRY = value;
    try {
      await body();
    } finally {
      if (saved === undefined) delete process.env.PROVE_ALLOW_OTP_RETRY;
      else process.env.PROVE_ALLOW_OTP_RETRY = saved;
    }
  }

  /** What one app sends as allowOTPRetry on a flow start. */
  async function sentRetry(options: AppOptions): Promise<unknown> {
    const other = await startDemoApp(fake, options);
    try {
      const before = fake.verifyRequests.length;
      assert.equal((await post(other, '/api/verify', { ...ADDY, possessionType: 'mobile' })).status, 200);
      return fake.verifyRequests[before]!.body.allowOTPRetry;
    } finally {
      await other.close();
    }
  }

  test('allowOTPRetry: the option wins, else PROVE_ALLOW_OTP_RETRY, else true', async () => {
    await withRetryEnv(undefined, async () => {
      assert.equal(await sentRetry({}), true, 'default true');
      assert.equal(await sentRetry({ allowOtpRetry: false }), false);
      assert.equal(await sentRetry({ allowOtpRetry: true }), true);
    });
    for (const [value, expected] of [
      ['false', false],
      ['0', false],
      ['FALSE', false],
      ['true', true],
      ['1', true],
      [' True ', true],
      ['', true],
    ] as const) {
      await withRetryEnv(value, async () => {
        assert.equal(await sentRetry({}), expected, `PROVE_ALLOW_OTP_RETRY=${JSON.stringify(value)}`);
      });
    }
    await withRetryEnv('false', async () => {
      assert.equal(await sentRetry({ allowOtpRetry: true }), true, 'the option wins over the environment');
    });
    assert.equal(await sentRetry({ allowOtpRetry: true }), true);
    assert.equal(
      fake.verifyRequests.every((r) => typeof r.body.allowOTPRetry === 'boolean'),
      true,
      'always a JSON boolean',
    );
  });

  test('a PROVE_ALLOW_OTP_RETRY that is not a boolean stops the app at startup', async () => {
    for (const value of ['yes', 'no', 'on', '2', 'truthy']) {
      await withRetryEnv(value, async () => {
        await assert.rejects(
          startDemoApp(fake),
          (e: Error) => e.name === 'ConfigError' && /PROVE_ALLOW_OTP_RETRY/.test(e.message),
          value,
        );
      });
    }
  });

  test('the desktop flow sends allowOTPRetry too, and the mobile flow a false one when asked', async () => {
    assert.equal((await post(app, '/api/verify', ADDY)).status, 200);
    assert.equal(fake.verifyRequests[0]!.body.allowOTPRetry, true);
    assert.equal(await sentRetry({ allowOtpRetry: false }), false);
  });

  test('one clientRequestId per flow: made at the start and sent on every status call of that flow', async () => {
    const first = sessionCookie(await post(app, '/api/verify', ADDY));
    const second = sessionCookie(await post(app, '/api/verify', ADDY));
    await statusOf(app, first);
    await statusOf(app, second);
    fake.status = { success: 'true', possessionResult: 'success', verifyResult: 'success' };
    await statusOf(app, first);

    const [startA, startB] = fake.verifyRequests.map((r) => r.body.clientRequestId);
    assert.match(
      String(startA),
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      'a random UUID',
    );
    assert.notEqual(startA, startB, 'each flow has its own');
    assert.deepEqual(
      fake.statusRequests.map((r) => r.body.clientRequestId),
      [startA, startB, startA],
      "each status call carries its own flow's id",
    );
  });

  test('Prove refusing the person at once: 200 {success: false} with the results, no authToken, no session', async () => {
    const oldRes = await post(app, '/api/verify', ADDY);
    const old = sessionCookie(oldRes);
    const oldCorrelation = ((await oldRes.json()) as { authToken: string }).authToken.replace(
      'auth-token-',
      'correlation-',
    );
    fake.verifyQueue.push({
      status: 200,
      body: {
        correlationId: 'correlation-refused',
        success: 'false',
        possessionResult: 'not applicable',
        verifyResult: 'failed',
      },
    });
    const res = await post(app, '/api/verify', { ...ADDY, firstName: 'Someone' }, { cookie: old });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), { success: false, possessionResult: 'not_applicable', verifyResult: 'failed' });
    assert.deepEqual(res.headers.getSetCookie(), [], "the browser's other flow keeps its cookie");
    assert.equal((await statusOf(app, old)).status, 202, 'and goes on');
    assert.equal(fake.statusRequests.length, 1);
    assert.equal(
      fake.statusRequests[0]!.body.correlationId,
      oldCorrelation,
      'the refused flow left nothing to ask about',
    );

    fake.verifyQueue.push({
      status: 200,
      body: {
        correlationId: 'correlation-refused',
        success: 'false',
        possessionResult: 'not applicable',
        verifyResult: 'failed',
      },
    });
    const stale = await post(app, '/api/verify', ADDY, { cookie: 'pv_session=' + 'B'.repeat(43) });
    assert.match(
      stale.headers.getSetCookie()[0] ?? '',
      /^pv_session=;.*Max-Age=0/,
      'a cookie with no flow behind it is cleared',
    );

    // The same refusal spelled with an empty or null authToken, and without a correlationId.
    for (const authToken of ['', null]) {
      fake.verifyQueue.push({
        status: 200,
        body: { authToken, success: 'false', possessionResult: 'pending', verifyResult: 'failed' },
      });
      const again = await post(app, '/api/verify', ADDY);
      assert.equal(again.status, 200);
      assert.deepEqual(await again.json(), { success: false, possessionResult: 'pending', verifyResult: 'failed' });
    }
  });

  test('no authToken without a refusal is an unexpected answer (502), not a verdict', async () => {
    fake.verifyQueue.push({
      status: 200,
      body: { correlationId: 'c', success: 'pending', possessionResult: 'pending', verifyResult: 'pending' },
    });
    await expectError(await post(app, '/api/verify', ADDY), 502, 'prove_error');
    fake.verifyQueue.push({
      status: 200,
      body: { success: 'true', possessionResult: 'success', verifyResult: 'success' },
    });
    await expectError(await post(app, '/api/verify', ADDY), 502, 'prove_error');
  });

  test('verify-status: "pending" is 202 {pending: true}; "not applicable" reaches the page as not_applicable', async () => {
    let cookie = sessionCookie(await post(app, '/api/verify', ADDY));
    let res = await statusOf(app, cookie);
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), { pending: true });

    fake.status = { success: 'false', possessionResult: 'failed', verifyResult: 'not applicable' };
    res = await statusOf(app, cookie);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      success: false,
      possessionResult: 'failed',
      verifyResult: 'not_applicable',
      phoneNumber: '+12001004010',
    });

    // A verdict ends its flow (app-flow-store.test.ts): each of the next ones is a flow of its own.
    cookie = sessionCookie(await post(app, '/api/verify', ADDY));
    fake.status = { success: 'false', possessionResult: 'not applicable', verifyResult: 'not_applicable' };
    res = await statusOf(app, cookie);
    assert.deepEqual(await res.json(), {
      success: false,
      possessionResult: 'not_applicable',
      verifyResult: 'not_applicable',
      phoneNumber: '+12001004010',
    });

    cookie = sessionCookie(await post(app, '/api/verify', ADDY));
    fake.status = { success: 'true', possessionResult: 'success', verifyResult: 'success', identityId: 'identity-9' };
    res = await statusOf(app, cookie);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      success: true,
      possessionResult: 'success',
      verifyResult: 'success',
      phoneNumber: '+12001004010',
      identityId: 'identity-9',
    });
  });

  test("Prove's 429 is passed on as 429 rate_limited with its Retry-After, and Prove is not asked again", async () => {
    fake.verifyQueue.push({
      status: 429,
      body: { code: 8000, message: 'too many requests' },
      headers: { 'Retry-After': '7' },
    });
    const res = await post(app, '/api/verify', ADDY);
    const error = await expectError(res, 429, 'rate_limited');
    assert.equal(res.headers.get('retry-after'), '7');
    assert.match(error.message, /7 seconds/);
    assert.equal(fake.verifyRequests.length, 1, 'no immediate retry against Prove');
    assert.equal(res.headers.getSetCookie().length, 0, 'no session for a flow that never started');

    const cookie = sessionCookie(await post(app, '/api/verify', ADDY));
    fake.statusQueue.push({ status: 429, body: '', headers: { 'Retry-After': '3' } });
    const status = await statusOf(app, cookie);
    await expectError(status, 429, 'rate_limited');
    assert.equal(status.headers.get('retry-after'), '3');
    assert.equal(fake.statusRequests.length, 1);
    assert.equal((await statusOf(app, cookie)).status, 202, 'the flow goes on once Prove lets us');
  });

  test('Retry-After is clamped to 1..60 seconds, 1 when absent or unreadable; a date counts from now', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, '1'],
      [{ 'Retry-After': 'soon' }, '1'],
      [{ 'Retry-After': '-5' }, '1'],
      [{ 'Retry-After': '0' }, '1'],
      [{ 'Retry-After': '3600' }, '60'],
      [{ 'Retry-After': '99999999999999999999999' }, '60'],
      [{ 'Retry-After': new Date(Date.now() + 30_500).toUTCString() }, '30|31'],
      [{ 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' }, '1'],
    ];
    for (const [headers, expected] of cases) {
      fake.verifyQueue.push({ status: 429, body: { message: 'slow down' }, headers });
      const res = await post(app, '/api/verify', ADDY);
      assert.equal(res.status, 429);
      assert.match(res.headers.get('retry-after') ?? '', new RegExp(`^(${expected})$`), JSON.stringify(headers));
    }
  });

  test("a 429 on Prove's token endpoint is a rate limit too, not an authentication failure", async () => {
    const other = await startDemoApp(fake);
    try {
      fake.tokenQueue.push({ status: 429, body: { message: 'slow down' }, headers: { 'Retry-After': '2' } });
      const res = await post(other, '/api/verify', ADDY);
      await expectError(res, 429, 'rate_limited');
      assert.equal(res.headers.get('retry-after'), '2');
      assert.equal(fake.tokenRequests, 1);
      assert.equal(fake.verifyRequests.length, 0);
    } finally {
      await other.close();
    }
  });

  test("the default landing URL meets Prove's finalTargetUrl rule, or the app does not start", async () => {
    assert.equal((await post(app, '/api/verify', ADDY)).status, 200);
    const sent = String(fake.verifyRequests[0]!.body.finalTargetUrl);
    assert.ok(sent.length <= 128, `${sent.length} characters`);
    assert.match(sent, /^[A-Za-z0-9\-._+=/:?]+$/);
    assert.ok(sent.endsWith(LANDING_PAGE));
    const long = `https://${'a'.repeat(60)}.${'b'.repeat(60)}.example`;
    await assert.rejects(
      startDemoApp(fake, { publicOrigin: long }),
      (e: Error) => e.name === 'ConfigError' && /128/.test(e.message),
    );
  });

  test('an IPv6 address cannot be a landing URL (Prove allows no brackets): PUBLIC_ORIGIN is asked for', async (t) => {
    const probe = createServer();
    const hasIpv6 = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(0, '::1', () => probe.close(() => resolve(true)));
    });
    if (!hasIpv6) return t.skip('no IPv6 loopback here');
    await assert.rejects(
      startDemoApp(fake, { host: '::1' }),
      (e: Error) => e.name === 'ConfigError' && /PUBLIC_ORIGIN/.test(e.message),
    );
    const other = await startDemoApp(fake, { host: '::1', publicOrigin: 'http://localhost:1234' });
    await other.close();
  });
});

describe('sessions and the token cache, with an injected clock', () => {
  let fake: FakeProve;
  before(async () => {
    fake = await startFakeProve();
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  test('a session lives 15 minutes', async () => {
    let now = Date.UTC(2026, 0, 1);
    const app = await startDemoApp(fake, { now: () => now });
    try {
      const cookie = sessionCookie(await post(app, '/api/verify', ADDY));
      now += 14 * 60_000;
      assert.equal((await statusOf(app, cookie)).status, 202);
      now += 60_000;
      const res = await statusOf(app, cookie);
      await expectError(res, 401, 'session_expired');
      assert.ok(
        res.headers.getSetCookie().some((c) => /^pv_session=;.*Max-Age=0/.test(c)),
        'the stale cookie is cleared',
      );
      assert.equal(fake.statusRequests.length, 1);
    } finally {
      await app.close();
    }
  });

  test('one OAuth token serves many calls and is renewed with less than 5 minutes left', async () => {
    let now = Date.UTC(2026, 0, 1);
    const app = await startDemoApp(fake, { now: () => now, flowTtlMs: 24 * 3600_000 });
    try {
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => post(app, '/api/verify', ADDY)));
      assert.deepEqual(
        results.map((r) => r.status),
        [200, 200, 200, 200, 200],
      );
      assert.equal(fake.tokenRequests, 1, 'concurrent calls share one token request');
      const cookie = sessionCookie(results[0]!);
      now += 54 * 60_000;
      await statusOf(app, cookie);
      assert.equal(fake.tokenRequests, 1);
      now += 60_000 + 1; // 55 minutes in: less than 5 left
      await statusOf(app, cookie);
      assert.equal(fake.tokenRequests, 2);
      assert.equal(fake.statusRequests.length, 2);
      assert.equal(fake.verifyRequests.at(-1)!.authorization, 'Bearer token-1');
    } finally {
      await app.close();
    }
  });

  test('a token Prove stops accepting is replaced once', async () => {
    const app = await startDemoApp(fake);
    try {
      assert.equal((await post(app, '/api/verify', ADDY)).status, 200);
      fake.verifyQueue.push({ status: 401, body: { code: 8002, message: 'token expired' } });
      assert.equal((await post(app, '/api/verify', ADDY)).status, 200);
      assert.equal(fake.tokenRequests, 2);
      assert.equal(fake.verifyRequests.at(-1)!.authorization, 'Bearer token-2');
    } finally {
      await app.close();
    }
  });
});

describe('static files', () => {
  let fake: FakeProve;
  let app: RunningApp;
  let dir: string;

  before(async () => {
    fake = await startFakeProve();
    dir = await mkdtemp(path.join(tmpdir(), 'pv-static-'));
    await mkdir(path.join(dir, 'cdn', 'chunks'), { recursive: true });
    await writeFile(path.join(dir, 'cdn', 'prove-verify.js'), 'export const cdn = true;\n');
    await writeFile(path.join(dir, 'cdn', 'chunks', 'a.js'), 'export {};\n');
    await writeFile(path.join(dir, 'secret.txt'), 'do not serve\n');
    await writeFile(
      path.join(dir, 'entry.ts'),
      `import('${PROVE_AUTH_SPECIFIER}').then(() => console.log((globalThis as any).proveAuth));\nconst n: number = 1;\nexport { n };\n`,
    );
    app = await startDemoApp(fake, {
      static: { cdnDir: path.join(dir, 'cdn'), mainEntry: path.join(dir, 'entry.ts') },
    });
  });
  after(async () => {
    await app.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the pages are HTML; index.html maps the SDK specifier to /vendor/prove-auth.js', async () => {
    for (const page of ['/', '/index.html', '/cdn.html', LANDING_PAGE]) {
      const res = await fetch(app.url + page);
      assert.equal(res.status, 200, page);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8', page);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.match(await res.text(), /<html/i);
    }
    const index = await (await fetch(app.url + '/')).text();
    const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(index);
    assert.ok(map, 'index.html has an import map');
    assert.equal(JSON.parse(map[1]!).imports[PROVE_AUTH_SPECIFIER], '/vendor/prove-auth.js');
    assert.ok(index.indexOf('type="importmap"') < index.indexOf('src="/main.js"'), 'the map comes before the module');
    const cdn = await (await fetch(app.url + '/cdn.html')).text();
    assert.match(cdn, /<script type="module" src="\/cdn\/prove-verify.js"><\/script>/);
    assert.doesNotMatch(cdn, /main\.js/);
  });

  test('the Instant Link landing page claims no result, sends the person back, and runs no inline script', async () => {
    const res = await fetch(app.url + LANDING_PAGE);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/, 'only same-origin script files');
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await res.text();

    // What a person reads without JavaScript: the <body> text.
    const body = /<body>([\s\S]*)<\/body>/.exec(html)![1]!;
    const text = body
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    assert.match(text, /Go back to where you started/);
    assert.match(text, /shows the result/);
    assert.doesNotMatch(html, /verified|success|confirmed|thank you/i, 'no word of a result anywhere in the page');

    // Scripts: one module by src, nothing inline, no inline handlers or styles.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.deepEqual(
      scripts.map((m) => m[1]!.trim()),
      ['type="module" src="/link-opened.js"'],
    );
    assert.ok(
      scripts.every((m) => m[2]!.trim() === ''),
      'no inline script',
    );
    assert.doesNotMatch(html, /\son[a-z]+=|style=/i, 'no inline handlers or styles');
  });

  test('/link-opened.js is served, finishes through /cdn/instant-link.js, and claims no result either', async () => {
    const res = await fetch(app.url + '/link-opened.js');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    const code = await res.text();
    assert.match(code, /import\('\/cdn\/instant-link\.js'\)/);
    assert.match(code, /finishInstantLink\(location\.href\)/);
    assert.match(code, /Go back to the tab where you started; it shows the result\./);
    assert.match(code, /Go back to the device where you started; it shows the result\./);
    assert.doesNotMatch(code, /verified|success|confirmed/i);
  });

  test("the old /verified.html moves to the landing page, keeping Prove's asc and authId", async () => {
    const res = await fetch(app.url + '/verified.html?asc=true&authId=abc-123', { redirect: 'manual' });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), `${LANDING_PAGE}?asc=true&authId=abc-123`);
    const plain = await fetch(app.url + '/verified.html', { redirect: 'manual' });
    assert.equal(plain.headers.get('location'), LANDING_PAGE);
  });

  test("/vendor/prove-auth.js is Prove's file byte for byte", async () => {
    const res = await fetch(app.url + '/vendor/prove-auth.js');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    const served = Buffer.from(await res.arrayBuffer());
    assert.ok(served.equals(await readFile(proveAuthBundlePath())));
  });

  test('/main.js is bundled in memory with the SDK left external', async () => {
    assert.equal(await app.ready(), true);
    const res = await fetch(app.url + '/main.js');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    const code = await res.text();
    assert.ok(code.includes(`import("${PROVE_AUTH_SPECIFIER}")`), 'the SDK stays a bare import');
    assert.ok(!code.includes('exports.proveAuth='), 'no SDK code merged in (its UMD header is absent)');
    assert.ok(!code.includes(': number'), 'TypeScript compiled away');
  });

  test("the real demo/main.ts keeps the element's registration and leaves the SDK out", async () => {
    const real = await startDemoApp(fake, { static: {} });
    try {
      assert.equal(await real.ready(), true, 'demo/main.ts builds');
      const code = await (await fetch(real.url + '/main.js')).text();
      assert.match(code, /customElements\.define\(\s*["']prove-verify["']/, 'the side-effect import survived bundling');
      assert.ok(code.includes(PROVE_AUTH_SPECIFIER), 'the SDK stays a bare import');
      assert.ok(!code.includes('exports.proveAuth='), 'no SDK code merged in (its UMD header is absent)');
    } finally {
      await real.close();
    }
  });

  test('a /main.js that does not build answers 500 with the reason', async () => {
    const broken = path.join(dir, 'broken.ts');
    await writeFile(broken, 'import "./missing.js";\n');
    const other = await startDemoApp(fake, { static: { mainEntry: broken } });
    try {
      assert.equal(await other.ready(), false);
      const res = await fetch(other.url + '/main.js');
      assert.equal(res.status, 500);
      assert.match(await res.text(), /did not build/);
    } finally {
      await other.close();
    }
  });

  test('/cdn/* serves dist/cdn with content types and no way out', async () => {
    let res = await fetch(app.url + '/cdn/prove-verify.js');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await res.text(), 'export const cdn = true;\n');
    assert.equal((await fetch(app.url + '/cdn/chunks/a.js')).status, 200);
    const head = await fetch(app.url + '/cdn/prove-verify.js', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');

    for (const attempt of [
      '/cdn/../secret.txt',
      '/cdn/%2e%2e/secret.txt',
      '/cdn/..%2fsecret.txt',
      '/cdn/..%5csecret.txt',
      '/cdn/chunks/..%2f..%2fsecret.txt',
      '/cdn/%00',
      '/cdn/',
      '/cdn/chunks',
      '/cdn/%E0%A4%A',
    ]) {
      res = await fetch(app.url + attempt);
      assert.equal(res.status, 404, attempt);
      assert.ok(!(await res.text()).includes('do not serve'), attempt);
    }
  });

  test('without dist/cdn, /cdn/* says to run npm run build', async () => {
    const other = await startDemoApp(fake, { static: { bundleMain: false, cdnDir: path.join(dir, 'nothing-here') } });
    try {
      const res = await fetch(other.url + '/cdn/prove-verify.js');
      assert.equal(res.status, 404);
      assert.match(await res.text(), /npm run build/);
    } finally {
      await other.close();
    }
  });

  test('unknown paths are 404 and writes to pages are 405', async () => {
    assert.equal((await fetch(app.url + '/nope.html')).status, 404);
    assert.equal((await fetch(app.url + '/demo/server/app/index.ts')).status, 404);
    assert.equal((await fetch(app.url + '/', { method: 'POST' })).status, 405);
  });
});
