// finalTargetUrl is the backend's to decide: its own landing page, or a URL that
// ALLOWED_FINAL_TARGET_URLS lists exactly or under a path prefix; what reaches Prove is asserted
// on the stub's side.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningApp } from '../../demo/server/app/index.js';
import { allowedTargetUrlsFrom, parseTargetUrlList } from '../../demo/server/app/config.js';
import { ADDY, assertError, call, startAppOn, startStubProve, type StubProve } from './app-helpers.js';

let stub: StubProve;
let app: RunningApp;

before(async () => {
  stub = await startStubProve();
  app = await startAppOn(stub, {
    publicOrigin: 'https://verify.example.com',
    allowedFinalTargetUrls: [
      'https://good.example/verify/',
      'https://good.example/back?step=done',
      'http://localhost:3000/landing',
    ],
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
const REFUSED = /finalTargetUrl must be this site's landing page or a URL the backend allows/;

describe('finalTargetUrl', () => {
  test("the desktop flow gets the backend's own landing page; the mobile flow none unless asked", async () => {
    assert.equal((await start({})).status, 200);
    assert.equal(sentTarget(), 'https://verify.example.com/link-opened.html');
    assert.equal((await start({ possessionType: 'mobile' })).status, 200);
    assert.equal(sentTarget(), undefined);
  });

  test('an exact URL, the landing page, or a page under a listed prefix, is sent as parsed', async () => {
    const cases: Array<[string, string]> = [
      ['https://good.example/verify/', 'https://good.example/verify/'],
      ['https://good.example/verify/done', 'https://good.example/verify/done'],
      ['https://good.example/verify/a/b.html', 'https://good.example/verify/a/b.html'],
      ['https://GOOD.example/verify/done', 'https://good.example/verify/done'],
      ['https://good.example:443/verify/x', 'https://good.example/verify/x'],
      // Dot segments are resolved before the check, and the resolved URL is what Prove gets.
      ['https://good.example/other/../verify/x', 'https://good.example/verify/x'],
      ['https://good.example/back?step=done', 'https://good.example/back?step=done'],
      ['http://localhost:3000/landing', 'http://localhost:3000/landing'],
      ['https://verify.example.com/link-opened.html', 'https://verify.example.com/link-opened.html'],
    ];
    for (const [asked, sent] of cases) {
      const answer = await start({ finalTargetUrl: asked });
      assert.equal(answer.status, 200, `${asked}: ${answer.text}`);
      assert.equal(sentTarget(), sent, asked);
    }
    assert.equal(
      (await start({ possessionType: 'mobile', finalTargetUrl: 'https://good.example/verify/m' })).status,
      200,
    );
    assert.equal(sentTarget(), 'https://good.example/verify/m');
  });

  test('another page of an allowed site, a query under a prefix, or a path read as another host, is a 400', async () => {
    const refused = [
      // The origin alone does not allow its every page: its open redirects would be landing pages.
      'https://good.example/',
      'https://good.example/out?next=https://evil.example',
      'https://good.example/verify',
      'https://good.example/verifyx/done',
      'https://good.example/verify/../admin',
      'https://good.example/verify/?next=https://evil.example',
      'https://good.example/verify/done?next=https://evil.example/',
      'https://good.example/back?step=done2',
      'https://good.example/back?step=done?',
      'http://localhost:3000/landing/',
      'http://localhost:3000/landing?',
      // An empty segment: `//evil.example` is a host to `new URL(path, base)` and to some servers.
      'https://good.example//evil.example',
      'https://good.example/verify//evil.example',
      'https://good.example/verify/..//evil.example',
      'https://verify.example.com/elsewhere',
      'https://verify.example.com//evil.example/link-opened.html',
    ];
    for (const url of refused) {
      const error = assertError(await start({ finalTargetUrl: url }), 400, 'invalid_request');
      assert.match(error.message, REFUSED, url);
    }
    assert.equal(stub.verifies.length, 0);
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
      assert.match(error.message, REFUSED, url);
    }
    // Userinfo and backslash tricks never get as far as the origin check: Prove's character set
    // has neither '@' nor '\', and a URL with userinfo is refused as such.
    for (const url of [
      'https://evil.example\\@good.example/',
      'https://evil.example@good.example/',
      'https://good.example@evil.example/',
      'https://good.example%2F@evil.example/',
      // Percent-encoded dots and slashes, which a server may decode after the prefix was checked.
      'https://good.example/verify/%2e%2e/admin',
      'https://good.example/verify/%2F%2Fevil.example',
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
    assertError(await start({ finalTargetUrl: 'https:evil.example/good.example/verify/' }), 400, 'invalid_request');
    assertError(await start({ finalTargetUrl: 'https:/evil.example/verify/' }), 400, 'invalid_request');
    assert.equal((await start({ finalTargetUrl: 'https:good.example/verify/x' })).status, 200);
    assert.equal(sentTarget(), 'https://good.example/verify/x', 'what is sent is what was checked');
  });
});

describe('ALLOWED_FINAL_TARGET_URLS', () => {
  test('comma-separated exact URLs or path prefixes; anything else stops the app at startup', () => {
    assert.deepEqual(
      parseTargetUrlList(' https://a.example/done , http://b.example:8080/v/,https://a.example/done', 'X'),
      ['https://a.example/done', 'http://b.example:8080/v/'],
    );
    assert.deepEqual(parseTargetUrlList(undefined, 'X'), []);
    assert.deepEqual(parseTargetUrlList('', 'X'), []);
    const bad: Array<[string, RegExp]> = [
      ['a.example/done', /must be an http\(s\) URL/],
      ['ftp://a.example/done', /must be an http\(s\) URL/],
      ['https://u@a.example/done', /must be an http\(s\) URL/],
      ['https://a.example/done#x', /must be an http\(s\) URL/],
      ['*', /must be an http\(s\) URL/],
      ['https://a.example', /names a whole site: write "https:\/\/a\.example\/"/],
      ['https://a.example/v?next=/', /is a path prefix .* cannot have a query/],
      ['https://a.example//evil.example/', /has '\/\/' or percent-encoding/],
      ['https://a.example/%2e%2e/', /breaks Prove's finalTargetUrl rule/],
    ];
    for (const [entry, message] of bad) {
      assert.throws(
        () => parseTargetUrlList(entry, 'ALLOWED_FINAL_TARGET_URLS'),
        (e: Error) =>
          e.name === 'ConfigError' && /^ALLOWED_FINAL_TARGET_URLS: /.test(e.message) && message.test(e.message),
        entry,
      );
    }
  });

  test('the old ALLOWED_FINAL_TARGET_ORIGINS is refused with a message naming the new variable', () => {
    assert.throws(
      () => allowedTargetUrlsFrom({ ALLOWED_FINAL_TARGET_ORIGINS: 'https://a.example' }),
      (e: Error) =>
        e.name === 'ConfigError' &&
        /ALLOWED_FINAL_TARGET_ORIGINS is replaced by ALLOWED_FINAL_TARGET_URLS/.test(e.message),
    );
    assert.deepEqual(allowedTargetUrlsFrom({ ALLOWED_FINAL_TARGET_URLS: 'https://a.example/v/' }), [
      'https://a.example/v/',
    ]);
  });

  test('startApp reads the environment when no option is given', async () => {
    process.env.ALLOWED_FINAL_TARGET_URLS = 'https://from-env.example/x';
    try {
      const other = await startAppOn(stub);
      try {
        assert.equal(
          (await call(other, '/api/verify', { ...ADDY, finalTargetUrl: 'https://from-env.example/x' })).status,
          200,
        );
        assertError(await call(other, '/api/verify', { ...ADDY, finalTargetUrl: 'https://from-env.example/y' }), 400);
        assertError(
          await call(other, '/api/verify', { ...ADDY, finalTargetUrl: 'https://good.example/verify/x' }),
          400,
        );
      } finally {
        await other.close();
      }
      process.env.ALLOWED_FINAL_TARGET_URLS = 'https://from-env.example';
      await assert.rejects(
        startAppOn(stub),
        (e: Error) => e.name === 'ConfigError' && /ALLOWED_FINAL_TARGET_URLS/.test(e.message),
      );
    } finally {
      delete process.env.ALLOWED_FINAL_TARGET_URLS;
    }
  });
});
