/**
 * docs/server.md's Next.js route handlers (test/stacks/next/) with Prove's variables set, serving the
 * contract against the stub Prove of app-helpers.ts: the settings made at the first request from
 * the environment (proveFromEnv, PROVE_BASE_URL standing for the emulator's address), every method
 * of each route file answered by prove-verify-server (405 with Allow: POST, where Next's own 405
 * has no Allow).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { ADDY, startStubProve, type StubProve } from '../../server/app-helpers.js';

const SITE = 'https://shop.example';
const WEBHOOK_SECRET = 'whsec_next_test';
const ROUTES = ['verify', 'verify-status', 'webhook'] as const;
type Route = (typeof ROUTES)[number];
type RouteModule = Record<'GET' | 'POST' | 'PUT', (request: Request) => Promise<Response>>;

let stub: StubProve;
const routes: Partial<Record<Route, RouteModule>> = {};
let prove: { close(): Promise<void> };
const warnings: string[] = [];

before(async () => {
  stub = await startStubProve();
  for (const name of Object.keys(process.env)) if (name.startsWith('PROVE_')) delete process.env[name];
  Object.assign(process.env, {
    PROVE_CLIENT_ID: 'id',
    PROVE_CLIENT_SECRET: 'secret',
    PROVE_BASE_URL: stub.url,
    PROVE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  });
  for (const route of ROUTES)
    routes[route] = (await import(
      new URL(`../../stacks/next/app/api/${route}/route.ts`, import.meta.url).href
    )) as RouteModule;
  ({ prove } = (await import(new URL('../../stacks/next/lib/prove.ts', import.meta.url).href)) as {
    prove: { close(): Promise<void> };
  });
});
after(async () => {
  await prove?.close();
  await stub?.close();
});

function post(route: Route, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return routes[route]!.POST(
    new Request(`${SITE}/api/${route}`, {
      method: 'POST',
      // X-Real-IP as Vercel sets it: the fixture's clientAddressHeader.
      headers: { 'Content-Type': 'application/json', Origin: SITE, 'X-Real-IP': '203.0.113.9', ...headers },
      body: JSON.stringify(body),
    }),
  );
}

describe("docs/server.md's Next.js route handlers with Prove's variables set", () => {
  test('a flow: started at Prove with the landing page, pending, then the verdict once', async (t) => {
    t.mock.method(console, 'warn', (line: string) => warnings.push(line));
    const started = await post('verify', ADDY);
    assert.equal(started.status, 200);
    const { authToken, flowId } = (await started.json()) as { authToken: string; flowId: string };
    assert.match(authToken, /^auth-token-\d+$/);
    const cookie = started.headers.get('set-cookie')!;
    assert.match(
      cookie,
      /^__Host-pv_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=900; Secure$/,
    );
    // The default flow: Prove's current contract.
    assert.equal(stub.unifies.length, 1);
    assert.equal(stub.unifies[0]!.phoneNumber, '+12001004010');
    assert.equal(stub.unifies[0]!.finalTargetUrl, `${SITE}/link-opened.html`);

    const session = { Cookie: cookie.split(';')[0]! };
    const pending = await post('verify-status', { flowId }, session);
    assert.equal(pending.status, 202);
    stub.unifyStatus = { success: 'true', phoneNumber: '2001004010' };
    // The default statusIntervalMs: a status call within a second of the last is pending, Prove not asked.
    assert.equal((await post('verify-status', { flowId }, session)).status, 202);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const verdict = await post('verify-status', { flowId }, session);
    assert.equal(verdict.status, 200);
    assert.deepEqual(await verdict.json(), {
      success: true,
      possessionResult: 'success',
      verifyResult: 'success',
      phoneNumber: '+12001004010',
      proveId: 'prove-id-1',
      assuranceLevel: 'AL2',
      reasons: ['NA'],
    });
    assert.equal((await post('verify-status', { flowId }, session)).status, 401);
    assert.deepEqual(warnings, ['prove-verify 401 session_expired POST /api/verify-status']);
  });

  test('a signed webhook is taken', async () => {
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('Prove Identity')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(WEBHOOK_SECRET));
    const notification = {
      eventId: 'e-1',
      event: 'ported',
      eventType: 'PORT',
      eventTimestamp: '2026-01-01T00:00:00Z',
      identityId: 'id-1',
    };
    // As Prove sends it: from a server, with no Origin.
    const taken = await routes.webhook!.POST(
      new Request(`${SITE}/api/webhook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Prove-Authorization': `Bearer ${jwt}` },
        body: JSON.stringify({ notifications: [notification] }),
      }),
    );
    assert.equal(taken.status, 200);
    assert.deepEqual(await taken.json(), { received: 1 });
  });

  test("every other method of a route file is prove-verify-server's 405 with Allow: POST", async () => {
    for (const route of ROUTES) {
      for (const method of ['GET', 'PUT'] as const) {
        const answer = await routes[route]![method](new Request(`${SITE}/api/${route}`, { method }));
        assert.equal(answer.status, 405, `${method} ${route}`);
        assert.equal(answer.headers.get('allow'), 'POST');
        assert.deepEqual(await answer.json(), { code: 'method_not_allowed', message: 'Use POST' });
      }
    }
  });
});
