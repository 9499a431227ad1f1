/**
 * docs/server.md's Express and Hono mounts (test/stacks/server/express.ts and hono.ts, that page's blocks
 * themselves) serving the contract for real, every method of it (405 from the handlers, not the
 * framework's 404 page): prove-verify-server as built (dist/, through
 * package.json `exports`, as an app imports it), on Node's http server (Express 5 as is, Hono through
 * @hono/node-server) on a loopback port, in front of the stub Prove of app-helpers.ts. Requests come
 * from chosen loopback addresses, so the per-address budget is seen counting the connection's own
 * address.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getRequestListener } from '@hono/node-server';
import express, { type Express } from 'express';
import type { Hono } from 'hono';
import type { RunningApp } from '../../../demo/server/app/index.js';
import type { ProveVerifyHandlers, ProveVerifyOptions } from '../../../src/server/index.js';
import { REPO_ROOT } from '../../e2e/support/stack.js';
import { ADDY, assertError, call, cookieOf, startStubProve, type StubProve } from '../../server/app-helpers.js';

const SITE = 'https://shop.example';

const MOUNTS = ['Express', 'Hono'] as const;
type Mount = (typeof MOUNTS)[number];

let stub: StubProve;
let server: typeof import('../../../src/server/index.js');
/** Node's request listener for each mount's app, made by the fixture from handlers. */
let listeners: Record<Mount, (handlers: ProveVerifyHandlers) => RequestListener>;
const made: ProveVerifyHandlers[] = [];
const listening: Server[] = [];
/** What the handlers logged, in order. */
const logged: string[] = [];

before(async () => {
  assert.ok(
    existsSync(path.join(REPO_ROOT, 'packages/server/dist/server/index.js')),
    'packages/server/dist/ is missing: run `npm run build` first',
  );
  // By name, as an app imports them; variables keep `npm run typecheck` (before any build) off dist/.
  const entry: string = 'prove-verify-server';
  server = (await import(entry)) as typeof server;
  const expressFixture: string = '../../stacks/server/express.js';
  const honoFixture: string = '../../stacks/server/hono.js';
  const express = (await import(expressFixture)) as { createApp(prove: ProveVerifyHandlers): Express };
  const hono = (await import(honoFixture)) as { createApp(prove: ProveVerifyHandlers): Hono };
  listeners = {
    Express: (handlers) => express.createApp(handlers),
    Hono: (handlers) => getRequestListener(hono.createApp(handlers).fetch),
  };
  stub = await startStubProve();
});

after(async () => {
  await Promise.all(
    listening.map(
      (listener) =>
        new Promise<void>((resolve) => {
          listener.close(() => resolve());
          listener.closeAllConnections();
        }),
    ),
  );
  await Promise.all(made.map((handlers) => handlers.close()));
  await stub?.close();
});

function handlersFor(options: Partial<ProveVerifyOptions> = {}): ProveVerifyHandlers {
  const handlers = server.createProveVerifyHandlers({
    prove: { baseUrl: stub.url, clientId: 'id', clientSecret: 'secret' },
    finalTarget: { landingUrl: `${SITE}/link-opened.html` },
    pageOrigins: [SITE],
    webhookSecret: 'whsec_mounts_test',
    limits: server.NO_LIMITS,
    log: (line) => logged.push(line),
    ...options,
  });
  made.push(handlers);
  return handlers;
}

/** The fixture's app on 127.0.0.1 (a free port), with handlers in front of the stub. */
async function start(mount: Mount, options: Partial<ProveVerifyOptions> = {}): Promise<RunningApp> {
  return listen(listeners[mount](handlersFor(options)));
}

async function listen(app: RequestListener): Promise<RunningApp> {
  const listener = createServer(app);
  listening.push(listener);
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  // What app-helpers' call() reads of a running app: its URL.
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    mode: 'emulator',
    ready: () => Promise.resolve(true),
    connections: () => 0,
    close: async () => {},
  };
}

for (const mount of MOUNTS) {
  describe(`docs/server.md's ${mount} mount serves the contract`, { timeout: 20_000 }, () => {
    let app: RunningApp;
    before(async () => {
      app = await start(mount);
    });

    test('a start from the page gets an authToken and the session cookie; its status call reads pending', async () => {
      const started = await call(app, '/api/verify', ADDY, { headers: { Origin: SITE } });
      assert.equal(started.status, 200, started.text);
      const { authToken, flowId } = started.json() as { authToken: string; flowId: string };
      assert.match(authToken, /^auth-token-\d+$/);
      assert.match(flowId, /^[A-Za-z0-9_-]{43}$/);
      assert.match(
        String(started.headers['set-cookie']),
        /^__Host-pv_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=900; Secure$/,
      );
      // Prove got the body as the page sent it (no body parser read it first).
      assert.equal(stub.unifies.at(-1)?.phoneNumber, '+12001004010');

      const cookie = cookieOf(started);
      const pending = await call(app, '/api/verify-status', { flowId }, { cookie, headers: { Origin: SITE } });
      assert.equal(pending.status, 202, pending.text);
      assert.deepEqual(pending.json(), { pending: true });
    });

    test("another site's page gets 403 forbidden_origin, and Prove is not called", async () => {
      const calls = stub.unifies.length;
      assertError(
        await call(app, '/api/verify', ADDY, { headers: { Origin: 'https://evil.example' } }),
        403,
        'forbidden_origin',
      );
      assert.equal(stub.unifies.length, calls);
    });

    test('the webhook is mounted too: an unsigned delivery gets 401', async () => {
      assert.equal((await call(app, '/api/webhook', { notifications: [] })).status, 401);
    });

    test('another method on an endpoint is 405 with Allow: POST, as {code, message}, and logged', async () => {
      logged.length = 0;
      for (const [path, method] of [
        ['/api/verify', 'GET'],
        ['/api/verify-status', 'GET'],
        ['/api/webhook', 'PUT'],
      ] as const) {
        const answer = await call(app, path, undefined, { method });
        assertError(answer, 405, 'method_not_allowed');
        assert.equal(answer.headers.allow, 'POST');
      }
      assert.deepEqual(logged, [
        'prove-verify 405 method_not_allowed GET /api/verify',
        'prove-verify 405 method_not_allowed GET /api/verify-status',
        'prove-verify 405 method_not_allowed PUT /api/webhook',
      ]);
    });
  });

  describe(`docs/server.md's ${mount} mount counts the connection's address`, { timeout: 20_000 }, () => {
    let app: RunningApp;
    before(async () => {
      app = await start(mount, { limits: { ...server.NO_LIMITS, textsPerAddress: 6 } });
    });

    test("the third start from one address is 429 with Retry-After; another address's first is not", async () => {
      const startFrom = (from: string) => call(app, '/api/verify', ADDY, { from, headers: { Origin: SITE } });
      assert.equal((await startFrom('127.0.0.2')).status, 200);
      assert.equal((await startFrom('127.0.0.2')).status, 200);
      const refused = await startFrom('127.0.0.2');
      assertError(refused, 429, 'rate_limited');
      assert.match(String(refused.headers['retry-after']), /^[1-9]\d*$/);
      assert.equal(
        (await startFrom('127.0.0.3')).status,
        200,
        "a second address shares the first one's budget: the peer address is not reaching the handlers",
      );
    });
  });
}

describe('Express with a body parser mounted before the handlers', { timeout: 20_000 }, () => {
  test('the start is a 500 saying to mount prove-verify-server first (not "firstName is required"), and the log says it', async () => {
    const handlers = handlersFor();
    const app = express();
    app.use(express.json()); // the mistake: it reads the body before the handlers can
    app.all(
      '/api/verify',
      getRequestListener((request) => handlers.handle(request)),
    );
    const running = await listen(app);
    logged.length = 0;
    const calls = stub.unifies.length;
    const { message } = assertError(
      await call(running, '/api/verify', ADDY, { headers: { Origin: SITE } }),
      500,
      'body_already_read',
    );
    assert.match(message, /mount prove-verify-server before body parsers/);
    assert.deepEqual(logged, [`prove-verify 500 body_already_read POST /api/verify: ${message}`]);
    assert.equal(stub.unifies.length, calls);
  });
});
