// Which requests the API takes: POST /api/* from the app's own pages (Origin, Sec-Fetch-Site) or
// from no page at all; names without control or text-direction characters.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningApp } from '../../demo/server/app/index.js';
import { ownOrigins } from '../../src/server/request-origin.js';
import { ADDY, assertError, call, cookieOf, startAppOn, startStubProve, type StubProve } from './app-helpers.js';

let stub: StubProve;
let app: RunningApp;

before(async () => {
  stub = await startStubProve();
  app = await startAppOn(stub, { publicOrigin: 'https://verify.example.com' });
});
after(async () => {
  await app.close();
  await stub.close();
});
beforeEach(() => {
  stub.verifies = [];
  stub.statuses = [];
});

const port = () => new URL(app.url).port;
const withHeaders = (path: string, headers: Record<string, string>, body: unknown = ADDY, cookie?: string) =>
  call(app, path, body, { headers, cookie });

describe('POST /api/* checks where the request comes from', () => {
  test('a page of another origin is refused with 403 on every POST, before anything else happens', async () => {
    const started = await call(app, '/api/verify', ADDY);
    const cookie = cookieOf(started);
    const { flowId } = started.json() as { flowId: string };
    stub.verifies = [];
    for (const origin of [
      'https://evil.example',
      'null',
      'https://verify.example.com.evil.example',
      'http://verify.example.com',
      `http://localhost:${Number(port()) + 1}`,
      `http://evil.example:${port()}`,
    ]) {
      for (const path of ['/api/verify', '/api/verify-status', '/api/webhook']) {
        const body = path === '/api/verify' ? ADDY : path === '/api/verify-status' ? { flowId } : {};
        const error = assertError(await withHeaders(path, { Origin: origin }, body, cookie), 403, 'forbidden_origin');
        assert.match(error.message, /only pages of its own site/);
        assert.ok(!error.message.includes(origin), 'the Origin is not echoed');
      }
    }
    // DNS rebinding: the attacker's name resolves to this server, so Host matches the Origin.
    const rebound = `rebind.example:${port()}`;
    assertError(
      await withHeaders('/api/verify', { Origin: `http://${rebound}`, Host: rebound }),
      403,
      'forbidden_origin',
    );
    assert.equal(stub.verifies.length + stub.statuses.length, 0, 'Prove was never called');
    assert.equal((await call(app, '/api/verify-status', { flowId }, { cookie })).status, 202, 'the flow is untouched');
  });

  test("the app's own origins are taken: PUBLIC_ORIGIN, the address it listens on and its loopback names", async () => {
    for (const origin of [
      'https://verify.example.com',
      app.url,
      `http://localhost:${port()}`,
      `http://[::1]:${port()}`,
      `http://127.0.0.1:${port()}`,
    ]) {
      const answer = await withHeaders('/api/verify', { Origin: origin, 'Sec-Fetch-Site': 'same-origin' });
      assert.equal(answer.status, 200, `${origin}: ${answer.text}`);
    }
    assert.equal(stub.verifies.length, 5);
  });

  test('without Origin: taken from no page (servers, proxies, curl), refused when Sec-Fetch-Site says another site', async () => {
    assert.equal((await withHeaders('/api/verify', {})).status, 200, 'no Origin, no Sec-Fetch-Site: not a page');
    assert.equal((await withHeaders('/api/verify', { 'Sec-Fetch-Site': 'same-origin' })).status, 200);
    assert.equal((await withHeaders('/api/verify', { 'Sec-Fetch-Site': 'none' })).status, 200, 'typed by the person');
    assertError(await withHeaders('/api/verify', { 'Sec-Fetch-Site': 'cross-site' }), 403, 'forbidden_origin');
    assertError(await withHeaders('/api/verify', { 'Sec-Fetch-Site': 'same-site' }), 403, 'forbidden_origin');
    assert.equal(stub.verifies.length, 3);
  });

  test('GET answers are not checked (they change nothing), and errors come before the check only for unknown routes', async () => {
    const config = await call(app, '/api/config', undefined, { headers: { Origin: 'https://evil.example' } });
    assert.equal(config.status, 200);
    assertError(await withHeaders('/api/nope', { Origin: 'https://evil.example' }), 404, 'not_found');
  });

  test('the own origins of an app on localhost, and on a public origin', () => {
    assert.deepEqual([...ownOrigins('http://localhost:8080', 'http://localhost:8080')].sort(), [
      'http://127.0.0.1:8080',
      'http://[::1]:8080',
      'http://localhost:8080',
    ]);
    assert.deepEqual([...ownOrigins('https://verify.example.com', 'http://10.0.0.5:8080')].sort(), [
      'http://10.0.0.5:8080',
      'https://verify.example.com',
    ]);
    assert.ok(ownOrigins('http://localhost', 'http://localhost').has('http://127.0.0.1'), 'port 80 has no :port');
  });
});

describe('names', () => {
  test('bidi overrides, isolates, marks, other format characters and controls are a 400 naming the field', async () => {
    const forbidden = [
      ['right-to-left override', 'Addy\u202Eydda'],
      ['left-to-right embedding', '\u202AAddy'],
      ['pop directional formatting', 'Addy\u202C'],
      ['right-to-left isolate', 'Ad\u2067dy'],
      ['pop directional isolate', 'Addy\u2069'],
      ['right-to-left mark', 'Addy\u200F'],
      ['Arabic letter mark', 'Addy\u061C'],
      ['NUL', 'Ad\u0000dy'],
      ['escape', 'Addy\u001B[31m'],
      ['next line (C1)', 'Ad\u0085dy'],
      ['line separator', 'Ad\u2028dy'],
      ['paragraph separator', 'Ad\u2029dy'],
      ['DEL', 'Addy\u007F'],
      ['a lone high surrogate', 'Addy\uD83D'],
      ['a lone low surrogate', '\uDE00Addy'],
      // Format characters (Cf) show nothing: two names that look alike would compare unequal.
      ['zero-width space', 'Ad\u200Bdy'],
      ['byte order mark (inside: trim takes it off the ends)', 'Ad\uFEFFdy'],
      ['soft hyphen', 'Ad\u00ADdy'],
      ['word joiner', 'Addy\u2060'],
      ['Mongolian vowel separator', 'Ad\u180Edy'],
      ['a tag character', 'Addy\u{E0041}'],
      ['the cancel tag', 'Addy\u{E007F}'],
    ];
    for (const [label, firstName] of forbidden) {
      const error = assertError(await call(app, '/api/verify', { ...ADDY, firstName }), 400, 'invalid_request');
      assert.match(error.message, /firstName contains a character no name may hold/, label);
      assertError(await call(app, '/api/verify', { ...ADDY, lastName: firstName }), 400, 'invalid_request');
    }
    assert.equal(stub.verifies.length, 0);
  });

  test('names in any script pass, joiners included', async () => {
    for (const firstName of [
      'José',
      'Zoë',
      'محمد',
      'יעל',
      'मीनाक्षी',
      'می\u200Cخواهم',
      '李',
      'Nguyễn',
      "O'Brien",
      'Anne-Marie',
      '👩\u200D💻',
    ]) {
      const answer = await call(app, '/api/verify', { ...ADDY, firstName });
      assert.equal(answer.status, 200, `${firstName}: ${answer.text}`);
      assert.equal(stub.verifies.at(-1)!.firstName, firstName);
    }
  });
});
