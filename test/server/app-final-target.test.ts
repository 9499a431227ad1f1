// finalTargetUrl is the backend's to decide: its own landing page, or a URL on its own origin or
// an origin of ALLOWED_FINAL_TARGET_ORIGINS; what reaches Prove is asserted on the stub's side.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningApp } from '../../demo/server/app/index.js';
import { parseOriginList } from '../../demo/server/app/config.js';
import { ADDY, assertError, call, startAppOn, startStubProve, type StubProve } from './app-helpers.js';

let stub: StubProve;
let app: RunningApp;

before(async () => {
  stub = await startStubProve();
  app = await startAppOn(stub, {
    publicOrigin: 'https://verify.example.com',
    allowedFinalTargetOrigins: ['https://good.example', 'http://localhost:3000'],
  });
});
after(async () => {
  await app.close();
  await stub.close();
});
beforeEach(() => {
  stub.verifies = [];
});

const start = (body: Record<string, unknown>) => call(app, '/api/verify', { ...ADDY, ...body });
const sentTarget = () => stub.verifies.at(-1)?.finalTargetUrl;

describe('finalTargetUrl', () => {
  test("the desktop flow gets the backend's own landing page; the mobile flow none unless asked", async () => {
    assert.equal((await start({})).status, 200);
    assert.equal(sentTarget(), 'https://verify.example.com/link-opened.html');
    assert.equal((await start({ possessionType: 'mobile' })).status, 200);
    assert.equal(sentTarget(), undefined);
  });

  test("a URL on an allowed origin, or on the app's own, is sent as parsed", async () => {
    const cases: Array<[string, string]> = [
      ['https://good.example/done', 'https://good.example/done'],
      ['https://good.example/back?step=done', 'https://good.example/back?step=done'],
      ['https://GOOD.example/done', 'https://good.example/done'],
      ['https://good.example', 'https://good.example/'],
      ['https://good.example:443/x', 'https://good.example/x'],
      ['http://localhost:3000/landing', 'http://localhost:3000/landing'],
      ['https://verify.example.com/elsewhere', 'https://verify.example.com/elsewhere'],
    ];
    for (const [asked, sent] of cases) {
      const answer = await start({ finalTargetUrl: asked });
      assert.equal(answer.status, 200, `${asked}: ${answer.text}`);
      assert.equal(sentTarget(), sent, asked);
    }
    assert.equal((await start({ possessionType: 'mobile', finalTargetUrl: 'https://good.example/m' })).status, 200);
    assert.equal(sentTarget(), 'https://good.example/m');
  });

  test('any other origin is a 400 that says why, and Prove is never called', async () => {
    const refused = [
      'https://evil.example/',
      'https://good.example.evil.example/',
      'https://evilgood.example/',
      'https://good.example:8443/',
      'http://good.example/',
      'http://localhost:3001/',
      'https://localhost:3000/',
      'https://verify.example.com.evil.example/',
      'http://verify.example.com/',
    ];
    for (const url of refused) {
      const error = assertError(await start({ finalTargetUrl: url }), 400, 'invalid_request');
      assert.match(error.message, /finalTargetUrl must be a page of this site or of an origin the backend allows/, url);
    }
    // Userinfo and backslash tricks never get as far as the origin check: Prove's character set
    // has neither '@' nor '\', and a URL with userinfo is refused as such.
    for (const url of [
      'https://evil.example\\@good.example/',
      'https://evil.example@good.example/',
      'https://good.example@evil.example/',
      'https://good.example%2F@evil.example/',
      'https:\\\\evil.example',
      'javascript:alert(1)//https://good.example/',
      '//evil.example/',
    ]) {
      assertError(await start({ finalTargetUrl: url }), 400, 'invalid_request');
    }
    assert.equal(stub.verifies.length, 0);
  });

  test('a URL that parses to another origin than it reads is judged by the parsed one', async () => {
    // WHATWG parsing: "https:evil.example" is https://evil.example/ (special scheme, no slashes).
    assertError(await start({ finalTargetUrl: 'https:evil.example/good.example' }), 400, 'invalid_request');
    assertError(await start({ finalTargetUrl: 'https:/evil.example/' }), 400, 'invalid_request');
    assert.equal((await start({ finalTargetUrl: 'https:good.example/x' })).status, 200);
    assert.equal(sentTarget(), 'https://good.example/x', 'what is sent is what was checked');
  });
});

describe('ALLOWED_FINAL_TARGET_ORIGINS', () => {
  test('comma-separated exact origins; anything else stops the app at startup', async () => {
    assert.deepEqual(parseOriginList(' https://a.example , http://b.example:8080/,https://a.example', 'X'), ['https://a.example', 'http://b.example:8080']);
    assert.deepEqual(parseOriginList(undefined, 'X'), []);
    assert.deepEqual(parseOriginList('', 'X'), []);
    for (const bad of ['a.example', 'https://a.example/path', 'ftp://a.example', 'https://u@a.example', 'https://a.example?x', 'https://a.example#x', '*']) {
      assert.throws(() => parseOriginList(bad, 'ALLOWED_FINAL_TARGET_ORIGINS'), /ALLOWED_FINAL_TARGET_ORIGINS: .* is not an origin/, bad);
    }
  });

  test('startApp reads the environment when no option is given', async () => {
    process.env.ALLOWED_FINAL_TARGET_ORIGINS = 'https://from-env.example';
    try {
      const other = await startAppOn(stub);
      try {
        assert.equal((await call(other, '/api/verify', { ...ADDY, finalTargetUrl: 'https://from-env.example/x' })).status, 200);
        assertError(await call(other, '/api/verify', { ...ADDY, finalTargetUrl: 'https://good.example/x' }), 400);
      } finally {
        await other.close();
      }
      process.env.ALLOWED_FINAL_TARGET_ORIGINS = 'https://from-env.example/path';
      await assert.rejects(startAppOn(stub), (e: Error) => e.name === 'ConfigError' && /ALLOWED_FINAL_TARGET_ORIGINS/.test(e.message));
    } finally {
      delete process.env.ALLOWED_FINAL_TARGET_ORIGINS;
    }
  });
});
