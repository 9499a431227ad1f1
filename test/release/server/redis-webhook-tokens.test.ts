// The webhook replay cache in Redis: one size over every machine (redisStore's maxWebhookTokens),
// and when full it forgets the tokens issued first instead of refusing Prove's deliveries; a
// forgotten token is refused on every machine, and each machine says "full" once in its log.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { freeLoopbackPort } from '../../../demo/server/loopback.js';
import {
  createProveVerifyHandlers,
  NO_LIMITS,
  redisStore,
  type ProveVerifyHandlers,
} from '../../../src/server/index.js';
import { skipWithoutRedis, startRedisServer, stopRedisServer } from './redis-server.js';

const SITE = 'https://shop.example';
const SECRET = 'whsec_redis_tokens_test';

let redis: ChildProcess | undefined;
let port = 0;
const clients: Redis[] = [];
const made: ProveVerifyHandlers[] = [];
const T0 = Date.parse('2026-01-01T00:00:00Z');
let clock = T0;

/** One "machine" on the shared Redis, its log lines kept. */
function machine(lines: string[]): ProveVerifyHandlers {
  const client = new Redis({ host: '127.0.0.1', port });
  clients.push(client);
  const handlers = createProveVerifyHandlers({
    prove: { baseUrl: 'http://127.0.0.1:9', clientId: 'id', clientSecret: 'secret' },
    finalTarget: { landingUrl: `${SITE}/link-opened.html` },
    pageOrigins: [SITE],
    limits: NO_LIMITS,
    store: redisStore(client, { now: () => clock, maxWebhookTokens: 10 }),
    webhookSecret: SECRET,
    now: () => clock,
    log: (line) => lines.push(line),
  });
  made.push(handlers);
  return handlers;
}

/** A token issued `iat` seconds after T0. */
const token = (iat: number) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('Prove Identity')
    .setIssuedAt(T0 / 1000 + iat)
    .setExpirationTime(T0 / 1000 + iat + 300)
    .sign(new TextEncoder().encode(SECRET));

const deliver = async (h: ProveVerifyHandlers, jwt: string) =>
  (
    await h.webhook(
      new Request(`${SITE}/webhook`, {
        method: 'POST',
        headers: { 'X-Prove-Authorization': `Bearer ${jwt}` },
        body: JSON.stringify({ notifications: [] }),
      }),
    )
  ).status;

describe('the webhook replay cache in Redis', { skip: skipWithoutRedis }, () => {
  before(async () => {
    port = await freeLoopbackPort();
    redis = await startRedisServer(port);
  });
  after(async () => {
    await Promise.all(made.map((h) => h.close()));
    for (const client of clients) client.disconnect();
    await stopRedisServer(redis);
  });

  test('full over two machines: fresh deliveries are taken, forgotten tokens refused on both, "full" said once each', async () => {
    const linesA: string[] = [];
    const linesB: string[] = [];
    const a = machine(linesA);
    const b = machine(linesB);
    clock = T0 + 60_000;
    // Ten tokens, taken half on each machine: the one cache over both is full.
    const early = await Promise.all(Array.from({ length: 10 }, (_, i) => token(i)));
    for (const [i, jwt] of early.entries()) assert.equal(await deliver(i % 2 ? a : b, jwt), 200);
    assert.equal(await deliver(a, early[1]!), 401, 'taken on one machine, refused on the other');

    assert.equal(await deliver(a, await token(60)), 200, "Prove's next delivery is taken");
    assert.equal(await deliver(b, early[0]!), 503, 'the forgotten token is refused on the other machine too');
    assert.equal(await deliver(b, early[5]!), 401, 'a remembered one is already used');
    for (let i = 1; i <= 30; i++) {
      clock += 1000;
      assert.equal(await deliver(i % 2 ? a : b, await token(60 + i)), 200, `fresh token ${i}`);
    }
    for (const jwt of early) assert.notEqual(await deliver(a, jwt), 200);
    for (const jwt of early) assert.notEqual(await deliver(b, jwt), 200);

    const admin = new Redis({ host: '127.0.0.1', port });
    try {
      assert.equal(await admin.zcard('{prove-verify}:webhook-tokens'), 10, 'the cache holds maxWebhookTokens, no more');
      assert.ok(
        Number(await admin.get('{prove-verify}:webhook-mark')) > T0,
        'the low-water mark is kept, with its expiry',
      );
      assert.ok((await admin.pttl('{prove-verify}:webhook-mark')) > 0);
    } finally {
      admin.disconnect();
    }
    for (const lines of [linesA, linesB]) {
      assert.equal(lines.filter((line) => /full/.test(line)).length, 1, lines.join('\n'));
    }
  });
});
