// The demo pages' headers: a strict CSP (scripts from the app only, an import map by its hash,
// connect-src the app and Prove's client API or the emulator, ws too), no framing, no referrer,
// no sniffing; and pages that need nothing a strict CSP forbids.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunningApp } from '../../demo/server/app/index.js';
import { LANDING_PAGE, REPO_ROOT } from '../../demo/server/app/static.js';
import { PROVE_MOBILE_AUTH_HOSTS } from '../../src/prove-hosts.js';
import { call, startAppOn, startStubProve, type StubProve } from './app-helpers.js';

const DEMO_PAGES = ['/', '/index.html', '/cdn.html', '/gallery.html'];

/** The CSP as a map of directive to its sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

let stub: StubProve;
let emulatorApp: RunningApp;
let proveApp: RunningApp;

before(async () => {
  stub = await startStubProve();
  emulatorApp = await startAppOn(stub, { mode: 'emulator', emulatorUrl: 'http://localhost:8081/' });
  proveApp = await startAppOn(stub, { mode: 'prove-sandbox', webhookSecret: 'whsec_portal' });
});
after(async () => {
  await Promise.all([emulatorApp.close(), proveApp.close()]);
  await stub.close();
});

describe('demo pages', () => {
  test('carry a strict CSP, no framing, no referrer and nosniff', async () => {
    for (const page of DEMO_PAGES) {
      const answer = await call(emulatorApp, page);
      assert.equal(answer.status, 200, page);
      const csp = directives(String(answer.headers['content-security-policy']));
      assert.deepEqual(csp.get('default-src'), ["'none'"], page);
      const scripts = csp.get('script-src')!;
      assert.equal(scripts[0], "'self'", page);
      assert.ok(
        scripts.slice(1).every((source) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(source)),
        `${page}: only hashes beside 'self'`,
      );
      // The element's styles are adopted sheets: no inline style element needs allowing.
      assert.deepEqual(csp.get('style-src'), ["'self'"], page);
      assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], page);
      assert.deepEqual(csp.get('base-uri'), ["'none'"], page);
      assert.deepEqual(csp.get('form-action'), ["'none'"], page);
      assert.doesNotMatch(scripts.join(' '), /unsafe/, page);
      assert.doesNotMatch(
        String(answer.headers['content-security-policy']),
        /unsafe-eval|unsafe-hashes|\*(?!\.)/,
        page,
      );
      assert.equal(answer.headers['x-frame-options'], 'DENY', page);
      assert.equal(answer.headers['referrer-policy'], 'no-referrer', page);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff', page);
    }
  });

  test("index.html's import map is allowed by its exact hash, and nothing else inline", async () => {
    const answer = await call(emulatorApp, '/');
    const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(answer.text)![1]!;
    const hash = `'sha256-${createHash('sha256').update(map).digest('base64')}'`;
    assert.deepEqual(directives(String(answer.headers['content-security-policy'])).get('script-src'), ["'self'", hash]);
    const cdn = await call(emulatorApp, '/cdn.html');
    assert.deepEqual(directives(String(cdn.headers['content-security-policy'])).get('script-src'), ["'self'"]);
  });

  test("connect-src: the app, and the emulator over http and ws; with Prove, Prove's domain over https and wss and its Mobile Auth hosts", async () => {
    const emulator = directives(String((await call(emulatorApp, '/')).headers['content-security-policy']));
    assert.deepEqual(emulator.get('connect-src'), ["'self'", 'http://localhost:8081', 'ws://localhost:8081']);
    const prove = directives(String((await call(proveApp, '/')).headers['content-security-policy']));
    assert.deepEqual(prove.get('connect-src'), [
      "'self'",
      'https://*.proveapis.com',
      'wss://*.proveapis.com',
      ...PROVE_MOBILE_AUTH_HOSTS,
    ]);
    assert.ok(prove.get('connect-src')!.includes('https://auth.svcs.verizon.com:22790'), "Verizon's Mobile Auth host");
  });

  test('the landing page keeps its stricter policy and cannot be framed either', async () => {
    const answer = await call(emulatorApp, LANDING_PAGE);
    const csp = directives(String(answer.headers['content-security-policy']));
    assert.deepEqual(csp.get('script-src'), ["'self'"]);
    assert.deepEqual(csp.get('connect-src'), ["'self'"]);
    assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
    assert.equal(answer.headers['x-frame-options'], 'DENY');
    assert.equal(answer.headers['referrer-policy'], 'no-referrer');
  });

  test('scripts and styles are not pages: no CSP on them, nosniff still', async () => {
    const answer = await call(emulatorApp, '/demo.css');
    assert.equal(answer.headers['content-security-policy'], undefined);
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
  });
});

describe('the demo page files', () => {
  test('hold no inline script (import maps aside), no inline handler and no style attribute', async () => {
    const dir = path.join(REPO_ROOT, 'demo');
    const files = (await readdir(dir)).filter((name) => name.endsWith('.html'));
    assert.ok(files.length >= 4, files.join(', '));
    for (const name of files) {
      const html = await readFile(path.join(dir, name), 'utf8');
      for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
        if (/\btype="importmap"/.test(attributes!)) continue;
        assert.match(attributes!, /\bsrc="/, `${name}: a script without src`);
        assert.equal(body!.trim(), '', `${name}: inline code`);
      }
      assert.doesNotMatch(html, /\son[a-z]+\s*=|\sstyle\s*=|<style\b|javascript:/i, name);
    }
  });
});
