/**
 * Bad input, generated (fast-check), against the real app on loopback with a Prove stub behind it:
 * malformed JSON, wrong types, oversized bodies, odd content types, forged and tampered cookies
 * and webhook tokens. Whatever comes in: never a 5xx; every refusal a 4xx with a JSON
 * `{code, message}`; nothing forged reaches Prove or reads a flow (no state leaks between
 * sessions); the server still runs a whole flow afterwards. Runs are bounded (numRuns per
 * property), the whole file in a few seconds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { API_BODY_LIMIT, type RunningApp } from '../../../demo/server/app/index.js';
import {
  ADDY,
  call,
  cookieOf,
  startAppOn,
  startStubProve,
  type Answer,
  type StubProve,
} from '../../server/app-helpers.js';
import { fuzzRuns } from '../../support/depth.js';

const SECRET = 'whsec_fuzz';
const RUNS = fuzzRuns(300);

let stub: StubProve;
let app: RunningApp;
/** Two live flows: what a forged cookie must never read. */
let flowA: string;
let flowB: string;
/** The flowIds the two starts answered. */
let idA: string;
let idB: string;

before(async () => {
  stub = await startStubProve();
  app = await startAppOn(stub, { webhookSecret: SECRET });
  const [a, b] = [await call(app, '/api/verify', ADDY), await call(app, '/api/verify', ADDY)];
  [flowA, flowB] = [cookieOf(a), cookieOf(b)];
  [idA, idB] = [a, b].map((started) => (started.json() as { flowId: string }).flowId) as [string, string];
  assert.ok(flowA && flowB);
});
after(async () => {
  await app.close();
  await stub.close();
});

/** Never a 5xx; anything but a success is a 4xx with a JSON {code, message}. */
function assertHandled(answer: Answer, label: string): void {
  assert.ok(answer.status < 500, `${label}: HTTP ${answer.status} ${answer.text}`);
  if (answer.status < 300) return;
  assert.ok(answer.status >= 400, `${label}: HTTP ${answer.status}`);
  assert.match(String(answer.headers['content-type']), /^application\/json/, label);
  const body = JSON.parse(answer.text) as { code: unknown; message: unknown };
  assert.equal(typeof body.code, 'string', label);
  assert.ok(typeof body.message === 'string' && body.message.length > 0, label);
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  call(app, path, body, { headers: { 'Content-Type': 'application/json', ...headers } });

// ---------------------------------------------------------------------------------------------
// Generators

/** Text that is not JSON: random strings, and JSON cut short or with a byte out of place. */
const malformedJson = fc
  .oneof(
    fc.string({ maxLength: 200 }),
    fc.json().map((json) => json.slice(0, Math.max(0, json.length - 1)) + (json.length > 1 ? '' : '{')),
    fc.json().chain((json) => fc.nat(json.length).map((at) => `${json.slice(0, at)}\u0000${json.slice(at)}`)),
    fc.constantFrom('{', '{"firstName":', '[1,', 'nul', 'tru', '{"a":1,}', "{'a':1}", '\uFEFF{}', '{"a":"\\u12"}'),
  )
  .filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  });

const FIELDS = ['firstName', 'lastName', 'phoneNumber', 'possessionType', 'finalTargetUrl'] as const;
/** A value of any type; strings in every script, controls and bidi characters included. */
const anyValue = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.constantFrom(
    '',
    ' ',
    '\u202Eevil',
    'a\u0000b',
    '<script>alert(1)</script>',
    '9'.repeat(50),
    'https://evil.example/',
  ),
);

/** A verify body: wrong types anywhere, or the sandbox person with one field replaced. */
const verifyBody = fc.oneof(
  fc.record(Object.fromEntries(FIELDS.map((field) => [field, anyValue])), { requiredKeys: [] }),
  fc.tuple(fc.constantFrom(...FIELDS), anyValue).map(([field, value]) => ({ ...ADDY, [field]: value })),
  fc.anything({ maxDepth: 2 }),
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json-patch+json',
  '',
];

// ---------------------------------------------------------------------------------------------

describe('POST /api/verify, generated bodies', () => {
  test('malformed JSON is 400 invalid_json and never reaches Prove', async () => {
    const before = stub.verifies.length;
    await fc.assert(
      fc.asyncProperty(malformedJson, async (text) => {
        const answer = await post('/api/verify', text);
        assertHandled(answer, JSON.stringify(text));
        // Only blank bodies read as {} (and then fail validation); the rest is not JSON.
        assert.equal(answer.status, 400, JSON.stringify(text));
      }),
      { numRuns: RUNS },
    );
    assert.equal(stub.verifies.length, before);
  });

  test('wrong types and odd values: a 4xx naming the problem, or a well-formed start', async () => {
    await fc.assert(
      fc.asyncProperty(verifyBody, async (body) => {
        const sent = stub.verifies.length;
        const answer = await post('/api/verify', JSON.stringify(body) ?? 'undefined');
        assertHandled(answer, JSON.stringify(body));
        if (answer.status === 200) {
          // A start that passed validation sends Prove only normalized data.
          const request = stub.verifies.at(-1)!;
          assert.equal(stub.verifies.length, sent + 1);
          assert.match(String(request.phoneNumber), /^\+\d{6,15}$/);
          assert.ok(request.possessionType === 'mobile' || request.possessionType === 'desktop');
          assert.ok(
            typeof request.firstName === 'string' &&
              request.firstName.trim() === request.firstName &&
              request.firstName !== '',
          );
          assert.ok(typeof (answer.json() as { authToken?: unknown }).authToken === 'string');
        } else {
          assert.equal(stub.verifies.length, sent, 'a refused start never reaches Prove');
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('any content type but JSON is 415; oversized bodies are 413', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CONTENT_TYPES),
        fc.integer({ min: API_BODY_LIMIT + 1, max: 4 * API_BODY_LIMIT }),
        async (type, size) => {
          const body = JSON.stringify({ ...ADDY, firstName: 'x'.repeat(size) });
          // '' sends an empty Content-Type header.
          const answer = await call(app, '/api/verify', body, { headers: { 'Content-Type': type } });
          assertHandled(answer, `${type} ${size}`);
          assert.equal(answer.status, /^application\/json\s*(;|$)/.test(type) ? 413 : 415, `${type} ${size}`);
        },
      ),
      { numRuns: fuzzRuns(60) },
    );
  });
});

describe('forged and tampered session cookies', () => {
  /** A cookie header built around the real id of flow A, changed (made once flow A exists). */
  const tamperedCookies = () =>
    fc.oneof(
      // A character replaced (the last one's spare bits included: the id is compared as text).
      fc
        .tuple(fc.nat(42), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'))
        .map(([at, c]) => {
          const id = flowA.split('=')[1]!;
          return `pv_session=${id.slice(0, at)}${c}${id.slice(at + 1)}`;
        }),
      fc.nat(42).map((at) => `pv_session=${flowA.split('=')[1]!.slice(0, at)}`),
      fc.string({ maxLength: 8, unit: fc.constantFrom(...'abc-_=') }).map((tail) => `${flowA}${tail}x`),
      fc
        .uint8Array({ minLength: 32, maxLength: 32 })
        .map((bytes) => `pv_session=${Buffer.from(bytes).toString('base64url')}`),
      fc
        .string({ maxLength: 80, unit: fc.constantFrom(...'abcXYZ019-_=;, %"\\') })
        .map((value) => `pv_session=${value}`),
      fc.string({ maxLength: 60, unit: fc.constantFrom(...'abcXYZ019-_=;, %"') }),
      fc.constant(`pv_session=forged; ${flowA}`),
      fc.constant(`PV_SESSION=${flowA.split('=')[1]}`),
      fc.constant(`other=${flowA.split('=')[1]}`),
    );

  test('never read a flow: 401 session_expired, and Prove is never asked', async () => {
    const before = stub.statuses.length;
    await fc.assert(
      fc.asyncProperty(tamperedCookies(), async (cookie) => {
        fc.pre(cookie !== flowA && cookie !== flowB);
        const answer = await call(app, '/api/verify-status', { flowId: idA }, { cookie });
        assertHandled(answer, cookie);
        // Two session cookies in one header are refused outright (400), never one of them picked.
        const twice = (cookie.match(/(?:^|;)\s*pv_session=/g) ?? []).length > 1;
        assert.equal(answer.status, twice ? 400 : 401, cookie);
        assert.equal((answer.json() as { code: string }).code, twice ? 'invalid_request' : 'session_expired');
      }),
      { numRuns: RUNS },
    );
    assert.equal(stub.statuses.length, before, 'no forged cookie reached Prove');
    // Each real cookie still reads its own flow, and only its own.
    assert.equal((await call(app, '/api/verify-status', { flowId: idA }, { cookie: flowA })).status, 202);
    assert.equal((await call(app, '/api/verify-status', { flowId: idB }, { cookie: flowB })).status, 202);
    assert.equal(
      (await call(app, '/api/verify-status', { flowId: idB }, { cookie: flowA })).status,
      401,
      "not the other browser's flow",
    );
    const [a, b] = stub.statuses.slice(-2).map((s) => s.correlationId);
    assert.notEqual(a, b);
  });
});

describe('forged and tampered webhook tokens', () => {
  const key = new TextEncoder().encode(SECRET);
  const payload = JSON.stringify({
    notifications: [{ eventId: randomUUID(), event: 'x', eventType: 'PORT', eventTimestamp: 'now', identityId: 'id' }],
  });
  let genuine: string;
  const webhook = (authorization: string) => post('/api/webhook', payload, { 'X-Prove-Authorization': authorization });
  const events = async () => ((await call(app, '/api/webhook-events')).json() as { events: unknown[] }).events.length;

  before(async () => {
    genuine = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('Prove Identity')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    // Taken once now: any respelling of its signature that still verifies is then a replay.
    assert.equal((await webhook(`Bearer ${genuine}`)).status, 200);
  });

  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
  /** Headers around the genuine token, changed (made once it exists). */
  const forgedHeaders = () =>
    fc.oneof(
      fc.tuple(fc.nat(), fc.constantFrom(...ALPHABET)).map(([at, c]) => {
        const i = at % genuine.length;
        return `Bearer ${genuine.slice(0, i)}${c}${genuine.slice(i + 1)}`;
      }),
      fc.nat().map((at) => `Bearer ${genuine.slice(0, at % genuine.length)}`),
      fc.string({ maxLength: 200, unit: fc.constantFrom(...ALPHABET, ' ') }).map((text) => `Bearer ${text}`),
      fc.string({ maxLength: 200, unit: fc.constantFrom(...ALPHABET, ' ', ':', '/') }),
      // Well-formed tokens with the wrong key, a wrong issuer, or claims of the wrong type.
      fc
        .record({
          iss: fc.oneof(fc.constant('Prove Identity'), fc.string()),
          exp: fc.anything({ maxDepth: 0 }),
          iat: fc.anything({ maxDepth: 0 }),
        })
        .map(
          (claims) =>
            `Bearer ${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}.${b64('not a signature')}`,
        ),
      fc.constant(`Bearer ${b64('{"alg":"none"}')}.${b64('{"iss":"Prove Identity"}')}.`),
      fc.constant(`Bearer ${genuine}`),
    );

  test('are 401 unauthorized and store nothing', async () => {
    const stored = await events();
    await fc.assert(
      fc.asyncProperty(forgedHeaders(), async (authorization) => {
        const answer = await webhook(authorization);
        assertHandled(answer, authorization);
        assert.equal(answer.status, 401, authorization);
      }),
      { numRuns: RUNS },
    );
    assert.equal(await events(), stored);
  });
});

describe('afterwards', () => {
  test('the server is up and runs a whole flow', async () => {
    const started = await call(app, '/api/verify', ADDY);
    assert.equal(started.status, 200);
    stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'success' };
    const { flowId } = started.json() as { flowId: string };
    const verdict = await call(app, '/api/verify-status', { flowId }, { cookie: cookieOf(started) });
    assert.equal(verdict.status, 200);
    assert.equal((verdict.json() as { success: boolean }).success, true);
  });
});

function b64(text: string): string {
  return Buffer.from(text).toString('base64url');
}
