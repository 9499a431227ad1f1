import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { startEmulator, type EmulatorHandle } from '../../../demo/server/emulator/index.js';
import { SandboxClient, type StartedFlow } from '../../../demo/server/emulator/sandbox-client.js';
import { fuzzRuns } from '../../support/depth.js';

// Generated bad input against the emulator's server API, client API and sandbox, on loopback:
// every refusal is a 4xx with {code, message}, nothing is a 5xx, a refused request changes no
// flow, one flow's calls never reach another's state, and the server is up at the end.
// Bounded: a fixed number of runs per property, one emulator for the file.

const ADDY = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' };
const APP = 'http://localhost:8080';
/** Fixed seed per run of the file is not wanted: each run explores new input; a failure prints its seed. */
const RUNS = { numRuns: fuzzRuns(300) };

let emu: EmulatorHandle;
let api: SandboxClient;
const logLines: string[] = [];
let bearer: string;

before(async () => {
  emu = await startEmulator({
    port: 0,
    rateLimitPerSecond: 1_000_000,
    sandboxOrigins: [APP],
    log: (line) => logLines.push(line),
  });
  api = new SandboxClient(emu.url);
  bearer = await api.bearer();
});
after(() => emu.close());

interface Answer {
  status: number;
  body: any;
}

async function call(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: BodyInit },
): Promise<Answer> {
  const response = await fetch(`${emu.url}${path}`, {
    method: init.method ?? 'POST',
    headers: init.headers,
    body: init.body,
    duplex: 'half',
  } as RequestInit);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Kept as text: the assertion below says what it was.
  }
  return { status: response.status, body };
}

/** A refusal as the emulator promises it: a 4xx with a numeric code and a message. */
function assertRefusal(answer: Answer, what: string, status?: number): void {
  assert.ok(
    answer.status >= 400 && answer.status < 500,
    `${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`,
  );
  if (status !== undefined) assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
  assert.equal(typeof answer.body?.code, 'number', `${what}: ${JSON.stringify(answer.body)}`);
  assert.ok(typeof answer.body.message === 'string' && answer.body.message.length > 0, what);
}

const json = { 'Content-Type': 'application/json' };
const desktop = { ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' };

/** Every endpoint that reads a JSON body, with the credentials that get it past authorization. */
function jsonEndpoints(mobile: StartedFlow, link: StartedFlow): { path: string; auth?: string }[] {
  return [
    { path: '/v3/verify', auth: bearer },
    { path: '/v3/verify-status', auth: bearer },
    { path: '/v1/client/mobile/otp/start', auth: mobile.authToken },
    { path: '/v1/client/mobile/otp/finish', auth: mobile.authToken },
    { path: '/v1/client/mobile/otp/error', auth: mobile.authToken },
    { path: '/v1/client/mobile/instantlink/start', auth: link.authToken },
    { path: '/v1/client/mobile/instant/start', auth: mobile.authToken },
    { path: '/sandbox/faults' },
    { path: '/sandbox/webhook' },
  ];
}

const withAuth = (auth?: string): Record<string, string> => ({
  ...json,
  ...(auth ? { Authorization: `Bearer ${auth}` } : {}),
});

/** What a refused request must leave as it was. */
async function snapshot(flows: StartedFlow[]) {
  const statuses = await Promise.all(
    flows.map((f) => api.verifyStatus(f.correlationId).then((a) => JSON.stringify(a.body))),
  );
  return { stats: JSON.stringify(emu.stats()), faults: JSON.stringify((await api.faults()).body), statuses };
}

describe('generated bad input', () => {
  test('malformed JSON: 400 {code: 8001} everywhere a JSON body is read, and nothing changes', async () => {
    const mobile = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
    const link = await api.startFlow(desktop);
    const endpoints = jsonEndpoints(mobile, link);
    const before = await snapshot([mobile, link]);
    const notJsonObject = fc
      .oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.json({ maxDepth: 3 }).map((text) => text.slice(0, Math.max(1, text.length - 1))), // cut short
        fc.json({ maxDepth: 3 }), // arrays, strings, numbers, null: JSON, but not an object
        fc.constantFrom('{', '{"a":}', '{"a":1,}', "{'a':1}", 'undefined', 'NaN', '{"a":1}}', '\u0000{}', '\ufeff{}'),
      )
      .filter((text) => {
        if (text.trim() === '') return false; // an empty body reads as {}
        try {
          const value: unknown = JSON.parse(text);
          return value === null || typeof value !== 'object' || Array.isArray(value);
        } catch {
          return true;
        }
      });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), notJsonObject, async ({ path, auth }, body) => {
        const answer = await call(path, { headers: withAuth(auth), body });
        // /sandbox/webhook has no receiver here: its 404 comes before the body is read.
        assertRefusal(answer, `${path} ${JSON.stringify(body)}`, path === '/sandbox/webhook' ? 404 : 400);
        if (answer.status === 400) assert.equal(answer.body.code, 8001);
      }),
      RUNS,
    );
    assert.deepEqual(await snapshot([mobile, link]), before);
  });

  test('wrong types in every field: 400 naming the field, no flow started, no text sent', async () => {
    const nonString = fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
    );
    const nonBoolean = fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant([]), fc.constant({}));
    const verifyFields = [
      'firstName',
      'lastName',
      'phoneNumber',
      'possessionType',
      'finalTargetUrl',
      'smsMessage',
      'clientCustomerId',
      'clientRequestId',
      'emailAddress',
    ];
    const cases = fc.oneof(
      fc.record({ path: fc.constant('/v3/verify'), field: fc.constantFrom(...verifyFields), value: nonString }),
      fc.record({ path: fc.constant('/v3/verify'), field: fc.constant('allowOTPRetry'), value: nonBoolean }),
      fc.record({
        path: fc.constant('/v3/verify-status'),
        field: fc.constantFrom('correlationId', 'clientRequestId'),
        value: nonString,
      }),
      fc.record({
        path: fc.constant('/v1/client/mobile/otp/start'),
        field: fc.constant('mobileNumber'),
        value: nonString,
      }),
      fc.record({ path: fc.constant('/v1/client/mobile/otp/finish'), field: fc.constant('otp'), value: nonString }),
      fc.record({
        path: fc.constant('/v1/client/mobile/instantlink/start'),
        field: fc.constantFrom('sourceIp', 'mobileNumber'),
        value: nonString,
      }),
      fc.record({
        path: fc.constant('/v1/client/mobile/instantlink/start'),
        field: fc.constant('isMobile'),
        value: nonBoolean,
      }),
      fc.record({ path: fc.constant('/v1/client/mobile/otp/error'), field: fc.constant('message'), value: nonString }),
      fc.record({
        path: fc.constant('/sandbox/faults'),
        field: fc.constantFrom('fault', 'times', 'retryAfter'),
        value: fc.oneof(fc.boolean(), fc.constant([]), fc.constant({}), fc.double({ noInteger: true })),
      }),
    );
    const mobile = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
    await api.client('mobile/otp/start', mobile.authToken); // so otp/finish reads its body
    const link = await api.startFlow(desktop);
    const bases: Record<string, Record<string, unknown>> = {
      '/v3/verify': { ...desktop, smsMessage: 'Code ####', allowOTPRetry: true },
      '/v3/verify-status': { correlationId: mobile.correlationId },
      '/v1/client/mobile/otp/start': {},
      '/v1/client/mobile/otp/finish': { otp: '1234' },
      '/v1/client/mobile/instantlink/start': { sourceIp: null, isMobile: false },
      '/v1/client/mobile/otp/error': { code: 1, message: 'x' },
      '/sandbox/faults': { fault: 'server-error' },
    };
    const before = await snapshot([mobile, link]);
    await fc.assert(
      fc.asyncProperty(cases, async ({ path, field, value }) => {
        const auth = path.startsWith('/v3/')
          ? bearer
          : path.includes('instantlink')
            ? link.authToken
            : path.startsWith('/v1/')
              ? mobile.authToken
              : undefined;
        const body = { ...bases[path], [field]: value };
        const answer = await call(path, { headers: withAuth(auth), body: JSON.stringify(body) });
        assertRefusal(answer, `${path} ${field}=${JSON.stringify(value)}`, 400);
        assert.match(answer.body.message, new RegExp(`\\b${field}\\b`), 'the message names the field');
      }),
      RUNS,
    );
    assert.deepEqual(await snapshot([mobile, link]), before);
  });

  test('oversized bodies, with or without Content-Length: 400 {code: 8001}, and nothing changes', async () => {
    const mobile = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
    await api.client('mobile/otp/start', mobile.authToken);
    const link = await api.startFlow(desktop);
    const endpoints = jsonEndpoints(mobile, link).filter((e) => e.path !== '/sandbox/webhook');
    const before = await snapshot([mobile, link]);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        fc.integer({ min: 4 * 1024 + 1, max: 256 * 1024 }),
        fc.boolean(),
        async ({ path, auth }, size, chunked) => {
          const text = JSON.stringify({ ...ADDY, possessionType: 'mobile', pad: 'x'.repeat(size) });
          const body = chunked
            ? new ReadableStream({
                start(controller) {
                  for (let i = 0; i < text.length; i += 16 * 1024)
                    controller.enqueue(new TextEncoder().encode(text.slice(i, i + 16 * 1024)));
                  controller.close();
                },
              })
            : text;
          const answer = await call(path, { headers: withAuth(auth), body });
          assertRefusal(answer, `${path} ${size} B${chunked ? ' chunked' : ''}`, 400);
          assert.deepEqual(answer.body, { code: 8001, message: 'request body is over 4 KB' });
        },
      ),
      { numRuns: fuzzRuns(200) },
    );
    assert.deepEqual(await snapshot([mobile, link]), before);
  });

  test('forged and tampered tokens: 401 {code: 8002}; the flow they aim at is untouched and still works', async () => {
    const target = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
    const other = await api.startFlow(desktop);
    const [h, p, s] = target.authToken.split('.') as [string, string, string];
    const [, otherPayload] = other.authToken.split('.') as [string, string, string];
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=';
    const claims = JSON.parse(atob(p));
    const reEncode = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '');

    const forged = fc
      .oneof(
        // One character changed anywhere, the signature's spare bits included.
        fc
          .record({ at: fc.nat(target.authToken.length - 1), c: fc.constantFrom(...B64) })
          .map(({ at, c }) => target.authToken.slice(0, at) + c + target.authToken.slice(at + 1)),
        // Claims rewritten (flow id, step, expiry) under the old signature.
        fc
          .record({
            id: fc.constantFrom(claims.auth.id, JSON.parse(atob(otherPayload)).auth.id, 'x'),
            next: fc.constantFrom('mobile/otp', 'mobile/instantlink', 'done'),
            exp: fc.integer(),
          })
          .map(({ id, next, exp }) => `${h}.${reEncode({ ...claims, exp, auth: { ...claims.auth, id, next } })}.${s}`),
        fc.constant(`${h}.${otherPayload}.${s}`), // another flow's claims, this flow's signature
        fc.constant(`${btoa('{"alg":"none","typ":"JWT"}').replace(/=+$/, '')}.${p}.`), // alg none
        fc.constant(bearer), // an access token is no authToken
        fc.string({ minLength: 1, maxLength: 300 }).filter((t) => /^[\x21-\x7e]+$/.test(t)),
        fc.string({ maxLength: 9000, unit: fc.constantFrom('a', '.', 'b') }).filter((t) => t.length > 0),
      )
      .filter((token) => token !== target.authToken);

    // Base64 leaves spare bits in a segment's last character: every other spelling of it is a
    // different token and must fail, even where it decodes to the same bytes.
    for (const c of B64.replace(s.at(-1)!, '')) {
      const answer = await call('/v1/client/mobile/otp/start', {
        headers: withAuth(`${h}.${p}.${s.slice(0, -1)}${c}`),
        body: '{}',
      });
      assertRefusal(answer, `signature ending in ${c}`, 401);
    }

    const steps = [
      'mobile/otp/start',
      'mobile/otp/finish',
      'mobile/otp/error',
      'mobile/instantlink/start',
      'mobile/instant/start',
    ];
    const before = await snapshot([target, other]);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...steps),
        forged,
        fc.constantFrom('Bearer ', 'bearer ', 'Bearer  '),
        async (step, token, scheme) => {
          const answer = await call(`/v1/client/${step}`, {
            headers: { ...json, Authorization: `${scheme}${token}` },
            body: '{"otp":"1234","mobileNumber":"2001004010"}',
          });
          assertRefusal(answer, `${step} ${token.slice(0, 80)}`, 401);
          assert.equal(answer.body.code, 8002);
        },
      ),
      RUNS,
    );
    // The server API with tampered access tokens (and an authToken in their place).
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v3/verify', '/v3/verify-status'),
        fc
          .oneof(
            fc
              .record({ at: fc.nat(bearer.length - 1), c: fc.constantFrom(...B64) })
              .map(({ at, c }) => bearer.slice(0, at) + c + bearer.slice(at + 1)),
            fc.constant(target.authToken),
            fc.string({ minLength: 1, maxLength: 200 }).filter((t) => /^[\x21-\x7e]+$/.test(t)),
          )
          .filter((token) => token !== bearer),
        async (path, token) => {
          const body =
            path === '/v3/verify' ? { ...ADDY, possessionType: 'mobile' } : { correlationId: target.correlationId };
          const answer = await call(path, {
            headers: { ...json, Authorization: `Bearer ${token}` },
            body: JSON.stringify(body),
          });
          assertRefusal(answer, `${path} ${token.slice(0, 80)}`, 401);
        },
      ),
      RUNS,
    );
    // The status socket's handshake takes the token from the query string.
    await fc.assert(
      fc.asyncProperty(forged, async (token) => {
        const ws = new WebSocket(
          `${emu.url.replace(/^http/, 'ws')}/v1/client/status?token=${encodeURIComponent(token)}`,
        );
        ws.on('error', () => {});
        const status = await new Promise<number>((resolve) => {
          ws.once('open', () => resolve(101));
          ws.once('unexpected-response', (req: { destroy(): void }, res: { statusCode: number }) => {
            req.destroy();
            resolve(res.statusCode);
          });
        });
        ws.terminate();
        assert.equal(status, 401);
      }),
      { numRuns: fuzzRuns(100) },
    );
    assert.deepEqual(await snapshot([target, other]), before, 'no flow moved, no text went out');

    // The real token still drives its own flow to the end.
    assert.deepEqual((await api.client('mobile/otp/start', target.authToken)).body, { next: 'mobile/otp' });
    assert.deepEqual((await api.client('mobile/otp/finish', target.authToken, { otp: '1234' })).body, { next: 'done' });
    assert.equal((await api.verifyStatus(target.correlationId)).body.success, 'true');
  });

  test('one flow’s calls, in any order, never reach another flow', async () => {
    type Op = 'start' | 'right' | 'wrong' | 'report' | 'status' | 'link-start' | 'unknown-id';
    const ops = fc.array(
      fc.constantFrom<Op>('start', 'right', 'wrong', 'report', 'status', 'link-start', 'unknown-id'),
      { minLength: 1, maxLength: 8 },
    );
    await fc.assert(
      fc.asyncProperty(ops, fc.boolean(), async (sequence, retry) => {
        const bystander = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
        const actor = await api.startFlow({ ...ADDY, possessionType: 'mobile', allowOTPRetry: retry });
        for (const op of sequence) {
          let answer: Answer;
          switch (op) {
            case 'start':
              answer = await api.client('mobile/otp/start', actor.authToken);
              break;
            case 'right':
              answer = await api.client('mobile/otp/finish', actor.authToken, { otp: '1234' });
              break;
            case 'wrong':
              answer = await api.client('mobile/otp/finish', actor.authToken, { otp: '9999' });
              break;
            case 'report':
              answer = await api.client('mobile/otp/error', actor.authToken, { code: 1, message: 'cancelled' });
              break;
            case 'status':
              answer = await api.verifyStatus(actor.correlationId);
              break;
            case 'link-start':
              answer = await api.client('mobile/instantlink/start', actor.authToken, {}); // the other kind of step
              break;
            case 'unknown-id':
              answer = await api.verifyStatus(crypto.randomUUID());
              assert.deepEqual([answer.status, answer.body.code], [400, 8008]);
              break;
          }
          assert.ok(answer.status < 500, `${op}: ${answer.status}`);
          if (answer.status >= 400) assertRefusal(answer, op);
        }
        // The bystander is exactly as a new flow is, and still completes on its own.
        assert.deepEqual((await api.verifyStatus(bystander.correlationId)).body, {
          success: 'pending',
          possessionResult: 'pending',
          verifyResult: 'pending',
        });
        assert.deepEqual(
          (await api.client('mobile/otp/finish', bystander.authToken, { otp: '1234' })).status,
          403,
          'no code was sent to it',
        );
        assert.deepEqual((await api.client('mobile/otp/start', bystander.authToken)).body, { next: 'mobile/otp' });
        assert.deepEqual((await api.client('mobile/otp/finish', bystander.authToken, { otp: '1234' })).body, {
          next: 'done',
        });
        assert.equal((await api.verifyStatus(bystander.correlationId)).body.success, 'true');
      }),
      { numRuns: fuzzRuns(200) },
    );
  });

  test('any other Host is 421 and any other page’s Origin on /sandbox/* is 403, before anything is read', async () => {
    const served = new Set([`localhost:${emu.port}`, `127.0.0.1:${emu.port}`, `[::1]:${emu.port}`]);
    const raw = (path: string, headers: Record<string, string>) =>
      new Promise<Answer>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: emu.port, path, method: 'GET', headers }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end();
      });
    const hosts = fc
      .oneof(
        fc.domain(),
        fc.tuple(fc.domain(), fc.integer({ min: 1, max: 65535 })).map(([d, port]) => `${d}:${port}`),
        fc.integer({ min: 1, max: 65535 }).map((port) => `localhost:${port}`),
        fc.ipV4().map((ip) => `${ip}:${emu.port}`),
      )
      .filter((host) => !served.has(host.toLowerCase()));
    await fc.assert(
      fc.asyncProperty(hosts, async (host) => {
        assertRefusal(await raw('/sandbox/messages?phone=2001004010', { Host: host, Origin: APP }), host, 421);
      }),
      RUNS,
    );
    const origins = fc
      .oneof(
        fc.webUrl().map((url) => new URL(url).origin),
        fc.constant('null'),
      )
      .filter((o) => o !== APP);
    await fc.assert(
      fc.asyncProperty(
        origins,
        fc.constantFrom('/sandbox/messages?phone=2001004010', '/sandbox/faults', '/sandbox/stats'),
        async (origin, path) => {
          assertRefusal(await raw(path, { Host: `localhost:${emu.port}`, Origin: origin }), origin, 403);
        },
      ),
      RUNS,
    );
  });

  test('afterwards the server is up and never answered a 5xx', async () => {
    assert.equal((await fetch(`${emu.url}/`)).status, 200);
    const errors = logLines.filter((line) => / 5\d\d /.test(line));
    assert.deepEqual(errors, []);
    // About seven requests a run over the properties above: the log is the one the server kept.
    assert.ok(logLines.length > fuzzRuns(2000), `the log saw the requests (${logLines.length})`);
  });
});
