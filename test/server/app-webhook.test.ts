// POST /api/webhook: Prove's HS256 JWT in X-Prove-Authorization, payload validation, de-duplication.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { startApp, type RunningApp } from '../../demo/server/app/index.js';

const SECRET = 'whsec_test_secret';
const key = (secret: string) => new TextEncoder().encode(secret);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A JWT the way Prove signs its webhooks: issued now, for 5 minutes. Each has its own jti, as each
 * delivery has its own token (two tokens with equal claims would be one token, taken once).
 * `expiresIn: null` / `iat: null` leave the claim out.
 */
function proveJwt(
  options: {
    secret?: string;
    issuer?: string;
    alg?: string;
    expiresIn?: string | number | null;
    iat?: number | null;
  } = {},
) {
  const jwt = new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer ?? 'Prove Identity');
  if (options.iat !== null) jwt.setIssuedAt(options.iat);
  if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '5m');
  return jwt.sign(key(options.secret ?? SECRET));
}

function notification(overrides: Record<string, unknown> = {}) {
  return {
    eventId: randomUUID(),
    event: 'phone number change detected',
    eventType: 'PHONE_NUMBER_CHANGE',
    eventTimestamp: '2025-01-23T10:11:12Z',
    clientCustomerId: '74ed2189-bde0-4f09-9a7b-0f534259b7b5',
    identityId: '64ec34e4-6b91-427c-839c-b443dd1570fc',
    ...overrides,
  };
}

describe('POST /api/webhook', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp({
      port: 0,
      prove: { baseUrl: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' },
      webhookSecret: SECRET,
      static: { bundleMain: false },
    });
  });
  after(() => app.close());

  const send = (authorization: string | undefined, body: unknown, contentType = 'application/json') =>
    fetch(`${app.url}/api/webhook`, {
      method: 'POST',
      headers: {
        'Content-Type': contentType,
        ...(authorization !== undefined ? { 'X-Prove-Authorization': authorization } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const events = async () =>
    ((await (await fetch(`${app.url}/api/webhook-events`)).json()) as { events: Array<Record<string, unknown>> })
      .events;

  async function rejected(res: Response, status = 401) {
    assert.equal(res.status, status);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(typeof body.message, 'string');
    return body;
  }

  test("a correctly signed webhook is accepted and listed, the seed's example payload included", async () => {
    const seedPayload = {
      notifications: [
        notification(),
        notification({ event: 'phone number disconnected', eventType: 'DISCONNECT' }),
        notification({ event: 'phone number moved out of coverage', eventType: 'MOVED_OUT_OF_COVERAGE' }),
      ],
    };
    const res = await send(`Bearer ${await proveJwt({ expiresIn: '5m' })}`, seedPayload);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { received: 3, accepted: 3, duplicates: 0 });
    const listed = await events();
    assert.deepEqual(
      listed.slice(0, 3).map((e) => e.eventId),
      seedPayload.notifications.map((n) => n.eventId).reverse(),
      'newest first: within a batch the last notification is the newest',
    );
    assert.equal(typeof listed[0]!.receivedAt, 'string');
    // Any content type: Prove does not document one, and the signature is what is trusted.
    const again = await send(
      `Bearer ${await proveJwt()}`,
      { notifications: [notification({ eventType: 'PORT' })] },
      'text/plain',
    );
    assert.equal(again.status, 200);
  });

  test('missing, malformed, unsigned, wrongly signed, expired, wrong-issuer and alg:none tokens are 401', async () => {
    const payload = { notifications: [notification()] };
    const [header, body] = (await proveJwt()).split('.');
    const noneToken = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ iss: 'Prove Identity' })}.`;
    const cases: Array<[string, string | undefined]> = [
      ['no header', undefined],
      ['empty header', ''],
      ['not Bearer', `Basic ${Buffer.from('a:b').toString('base64')}`],
      ['Bearer and nothing', 'Bearer '],
      ['garbage', 'Bearer not-a-jwt'],
      ['unsigned (signature stripped)', `Bearer ${header}.${body}.`],
      ['alg:none', `Bearer ${noneToken}`],
      ['alg:none with a signature', `Bearer ${noneToken}c2ln`],
      ['wrong secret', `Bearer ${await proveJwt({ secret: 'whsec_someone_else' })}`],
      [
        'expired',
        `Bearer ${await proveJwt({ iat: Math.floor(Date.now() / 1000) - 7200, expiresIn: Math.floor(Date.now() / 1000) - 3600 })}`,
      ],
      ['wrong issuer', `Bearer ${await proveJwt({ issuer: 'Not Prove' })}`],
      ['HS512 with the right secret', `Bearer ${await proveJwt({ alg: 'HS512' })}`],
      ['token in the body position', `Bearer ${(await proveJwt()).split('.').reverse().join('.')}`],
    ];
    const before = (await events()).length;
    for (const [label, authorization] of cases) {
      const res = await send(authorization, payload);
      const answer = await rejected(res).catch((e: Error) => {
        throw new Error(`${label}: ${e.message}`);
      });
      assert.equal(answer.code, 'unauthorized', label);
    }
    assert.equal((await events()).length, before, 'nothing was stored');
    // A standard Authorization header is not Prove's header.
    const viaAuthorization = await fetch(`${app.url}/api/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await proveJwt()}` },
      body: JSON.stringify(payload),
    });
    await rejected(viaAuthorization);
  });

  test('a replayed eventId is taken once', async () => {
    const event = notification({ eventType: 'LINE_TYPE_CHANGE' });
    const first = await send(`Bearer ${await proveJwt()}`, { notifications: [event] });
    assert.deepEqual(await first.json(), { received: 1, accepted: 1, duplicates: 0 });
    const second = await send(`Bearer ${await proveJwt()}`, { notifications: [event, notification()] });
    assert.equal(second.status, 200, 'a retry is acknowledged, so Prove stops retrying');
    assert.deepEqual(await second.json(), { received: 2, accepted: 1, duplicates: 1 });
    const listed = await events();
    assert.equal(listed.filter((e) => e.eventId === event.eventId).length, 1);
  });

  test('a signed but malformed payload is 400 and stores nothing', async () => {
    // A token is taken once, so each delivery signs its own.
    const send = async (body: unknown) =>
      fetch(`${app.url}/api/webhook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Prove-Authorization': `Bearer ${await proveJwt()}` },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const before = (await events()).length;
    for (const body of [
      {},
      { notifications: 'x' },
      { notifications: [notification({ eventType: 'SOMETHING_ELSE' })] },
      { notifications: [notification({ eventId: '' })] },
      { notifications: [notification({ identityId: undefined })] },
      { notifications: [notification({ eventId: 42 })] },
      '[]',
    ]) {
      await rejected(await send(body), 400);
    }
    await rejected(await send('{"notifications": ['), 400);
    await rejected(await send(JSON.stringify({ notifications: [notification({ event: 'x'.repeat(300_000) })] })), 413);
    assert.equal((await events()).length, before);
  });

  test('keeps only the last 50 events, newest first', async () => {
    const batch = Array.from({ length: 60 }, (_, i) => notification({ event: `event ${i}` }));
    const res = await send(`Bearer ${await proveJwt()}`, { notifications: batch });
    assert.equal(res.status, 200);
    const listed = await events();
    assert.equal(listed.length, 50);
    assert.equal(listed[0]!.event, 'event 59');
    assert.equal(listed[49]!.event, 'event 10');
  });
});

describe('webhook expiry follows the injected clock', () => {
  test('a token valid now is refused once the clock passes exp', async () => {
    let now = Date.now();
    const app = await startApp({
      port: 0,
      prove: { baseUrl: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' },
      webhookSecret: SECRET,
      now: () => now,
      static: { bundleMain: false },
    });
    try {
      const token = await proveJwt({ expiresIn: '2m' });
      const post = () =>
        fetch(`${app.url}/api/webhook`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Prove-Authorization': `Bearer ${token}` },
          body: JSON.stringify({ notifications: [notification()] }),
        });
      assert.equal((await post()).status, 200);
      now += 5 * 60_000;
      assert.equal((await post()).status, 401);
    } finally {
      await app.close();
    }
  });
});
