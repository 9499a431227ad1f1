// Webhook tokens: exp and iat required, at most 10 minutes old, each taken once; the secret is
// required outside emulator mode; the events list exists only in emulator mode. Clock injected.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { DEMO_WEBHOOK_SECRET, startApp, type AppOptions, type RunningApp } from '../../demo/server/app/index.js';

const SECRET = 'whsec_tokens_test';
const T0 = Date.UTC(2026, 0, 1, 12); // the app's clock, in ms
const S0 = T0 / 1000;

/** A token Prove-style, its claims relative to T0 in seconds; `null` leaves a claim out. */
function token(
  claims: { iat?: number | null; exp?: number | null; jti?: string | null } = {},
  secret = SECRET,
): Promise<string> {
  const jwt = new SignJWT(claims.jti === null ? {} : { jti: claims.jti ?? randomUUID() })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('Prove Identity');
  if (claims.iat !== null) jwt.setIssuedAt(S0 + (claims.iat ?? 0));
  if (claims.exp !== null) jwt.setExpirationTime(S0 + (claims.exp ?? 300));
  return jwt.sign(new TextEncoder().encode(secret));
}

const notification = () => ({
  eventId: randomUUID(),
  event: 'phone number disconnected',
  eventType: 'DISCONNECT',
  eventTimestamp: '2026-01-01T12:00:00Z',
  identityId: '64ec34e4-6b91-427c-839c-b443dd1570fc',
});

function deliver(app: RunningApp, jwt: string) {
  return fetch(`${app.url}/api/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Prove-Authorization': `Bearer ${jwt}` },
    body: JSON.stringify({ notifications: [notification()] }),
  });
}

async function refused(res: Response, status: number, message: RegExp): Promise<void> {
  assert.equal(res.status, status);
  const body = (await res.json()) as { code: string; message: string };
  assert.match(body.message, message);
}

const events = async (app: RunningApp) =>
  ((await (await fetch(`${app.url}/api/webhook-events`)).json()) as { events: unknown[] }).events.length;

let clock = T0;
const running: RunningApp[] = [];
async function start(options: AppOptions = {}): Promise<RunningApp> {
  const app = await startApp({
    port: 0,
    prove: { baseUrl: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' },
    webhookSecret: SECRET,
    now: () => clock,
    static: { bundleMain: false },
    ...options,
  });
  running.push(app);
  return app;
}
afterEach(async () => {
  clock = T0;
  await Promise.all(running.splice(0).map((app) => app.close()));
});

describe('webhook token claims', () => {
  test('exp and iat are required; iat at most 10 minutes old and not ahead beyond 30 s of skew', async () => {
    const app = await start();
    await refused(await deliver(app, await token({ exp: null })), 401, /claim exp missing/);
    await refused(await deliver(app, await token({ iat: null })), 401, /claim iat missing/);
    // Still before exp, but issued 10 minutes and 31 s ago (the tolerance is 30 s).
    await refused(await deliver(app, await token({ iat: -631, exp: 3600 })), 401, /too old/);
    await refused(await deliver(app, await token({ iat: 120, exp: 600 })), 401, /claim iat rejected/);
    await refused(await deliver(app, await token({ iat: -400, exp: -31 })), 401, /expired/);
    assert.equal(await events(app), 0, 'nothing refused was stored');

    assert.equal(
      (await deliver(app, await token({ iat: -629, exp: 3600 }))).status,
      200,
      'just under 10 minutes (with the tolerance)',
    );
    assert.equal((await deliver(app, await token({ iat: 20 }))).status, 200, 'a clock 20 s ahead is skew');
    assert.equal((await deliver(app, await token({ jti: null }))).status, 200, 'jti is not required');
    assert.equal(await events(app), 3);
  });
});

describe('each webhook token is taken once', () => {
  test('a replayed token is refused even with new notifications, and stores nothing', async () => {
    const app = await start();
    const jwt = await token();
    assert.equal((await deliver(app, jwt)).status, 200);
    await refused(await deliver(app, jwt), 401, /already used/);
    assert.equal(await events(app), 1);
    assert.equal((await deliver(app, await token())).status, 200, 'another token is fine');
  });

  test("one signature spelled another way (base64url's spare bits) is the same token", async () => {
    const app = await start();
    const jwt = await token();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = jwt.slice(0, -1) + alphabet[alphabet.indexOf(jwt.at(-1)!) ^ 1];
    assert.notEqual(respelled, jwt);
    // The respelling verifies on its own (so keying on the text would let it through)...
    const fresh = await token();
    const freshRespelled = fresh.slice(0, -1) + alphabet[alphabet.indexOf(fresh.at(-1)!) ^ 2];
    assert.equal((await deliver(app, freshRespelled)).status, 200);
    // ...and is refused once the token was taken.
    assert.equal((await deliver(app, jwt)).status, 200);
    await refused(await deliver(app, respelled), 401, /already used/);
    await refused(await deliver(app, fresh), 401, /already used/);
  });

  test('tokens are remembered until they expire, then their place is free again', async () => {
    const app = await start({ maxWebhookTokens: 2 });
    const first = await token({ exp: 60 });
    assert.equal((await deliver(app, first)).status, 200);
    assert.equal((await deliver(app, await token({ exp: 600 }))).status, 200);
    await refused(await deliver(app, first), 401, /already used/);
    // The first token is past exp + tolerance: refused as expired anyway, so it is forgotten and
    // its place goes to a new token without the cache being full.
    clock += 91_000;
    await refused(await deliver(app, first), 401, /expired/);
    assert.equal((await deliver(app, await token({ iat: 91, exp: 400 }))).status, 200);
  });

  test('a full cache forgets the tokens issued first: fresh deliveries are still taken, a forgotten token is refused, and the log says "full" once', async () => {
    const lines: string[] = [];
    const app = await start({ maxWebhookTokens: 10, log: (line) => lines.push(line) });
    // Ten tokens issued a second apart, a minute ago: the cache is full.
    const early = await Promise.all(Array.from({ length: 10 }, (_, i) => token({ iat: -60 + i })));
    for (const jwt of early) assert.equal((await deliver(app, jwt)).status, 200);
    // Prove's next delivery is taken: the token issued first is forgotten to make room...
    assert.equal((await deliver(app, await token())).status, 200);
    // ...and refused if it comes again (it was taken: it may be a replay), as are the remembered ones.
    const replay = await deliver(app, early[0]!);
    await refused(replay, 503, /issued before the newest one this backend had to forget/);
    assert.match(replay.headers.get('retry-after') ?? '', /^\d+$/);
    await refused(await deliver(app, early[5]!), 401, /already used/);
    // A flood of fresh tokens keeps being taken, each pushing out the oldest.
    for (let i = 1; i <= 30; i++) {
      clock += 1000;
      assert.equal((await deliver(app, await token({ iat: i }))).status, 200, `fresh token ${i}`);
    }
    // No early token is ever taken again, forgotten or not.
    for (const jwt of early) assert.notEqual((await deliver(app, jwt)).status, 200);
    assert.equal(await events(app), 41);
    const full = lines.filter((line) => /full/.test(line));
    assert.equal(full.length, 1, full.join('\n'));
    assert.match(full[0]!, /^prove-verify: the webhook token cache is full \(maxWebhookTokens\)/);
  });
});

describe('the webhook secret and the events list by mode', () => {
  const withSecretEnv = async (value: string | undefined, body: () => Promise<void>) => {
    const saved = process.env.PROVE_WEBHOOK_SECRET;
    if (value === undefined) delete process.env.PROVE_WEBHOOK_SECRET;
    else process.env.PROVE_WEBHOOK_SECRET = value;
    try {
      await body();
    } finally {
      if (saved === undefined) delete process.env.PROVE_WEBHOOK_SECRET;
      else process.env.PROVE_WEBHOOK_SECRET = saved;
    }
  };

  test('outside emulator mode the app will not start without a secret, or with the public demo one', async () => {
    await withSecretEnv(undefined, async () => {
      for (const mode of ['prove-sandbox', 'prove-production'] as const) {
        await assert.rejects(
          start({ mode, webhookSecret: undefined }),
          (e: Error) => e.name === 'ConfigError' && /PROVE_WEBHOOK_SECRET is not set/.test(e.message),
        );
        await assert.rejects(
          start({ mode, webhookSecret: DEMO_WEBHOOK_SECRET }),
          (e: Error) => e.name === 'ConfigError' && /public demo secret/.test(e.message),
        );
      }
    });
    await withSecretEnv(DEMO_WEBHOOK_SECRET, async () => {
      await assert.rejects(start({ mode: 'prove-sandbox', webhookSecret: undefined }), /public demo secret/);
    });
    await withSecretEnv('whsec_from_env', async () => {
      const app = await start({ mode: 'prove-sandbox', webhookSecret: undefined });
      assert.equal(
        (await deliver(app, await token({}, 'whsec_from_env'))).status,
        200,
        "the environment's secret is used",
      );
      await refused(await deliver(app, await token({}, DEMO_WEBHOOK_SECRET)), 401, /bad signature/);
    });
  });

  test('in emulator mode the demo secret is the fallback it shares with the emulator', async () => {
    await withSecretEnv(undefined, async () => {
      const app = await start({ mode: 'emulator', webhookSecret: undefined });
      assert.equal((await deliver(app, await token({}, DEMO_WEBHOOK_SECRET))).status, 200);
    });
  });

  test('GET /api/webhook-events exists in emulator mode only', async () => {
    const emulator = await start({ mode: 'emulator' });
    assert.equal((await fetch(`${emulator.url}/api/webhook-events`)).status, 200);
    const prove = await start({ mode: 'prove-sandbox' });
    const res = await fetch(`${prove.url}/api/webhook-events`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { code: string }).code, 'not_found');
    assert.equal((await deliver(prove, await token())).status, 200, 'the webhook itself is taken in every mode');
  });
});
