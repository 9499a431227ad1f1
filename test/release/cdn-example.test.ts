// docs/frameworks.md's plain HTML page (test/stacks/cdn/index.html, its listener verify.js) served
// beside dist/cdn/ with docs/csp.md's Content-Security-Policy (test/stacks/cdn/csp.http, that page's
// block), in Chromium: the element loads every file it needs, a valid
// submit reaches the backend, the listener gets its answer, and the browser reports no violation.
// The same listener written inline is refused by that policy: the
// proof that the policy is strict and that a violation would be seen. And a whole flow on a phone,
// with prove-verify-server as the backend and Prove's sandbox host answered by the sandbox emulator
// (the browser's requests to it are handed over by Playwright): Prove's SDK talks to the host the
// policy names, and nothing is refused.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { createProveVerifyHandlers, NO_LIMITS } from 'prove-verify-server';
import { startEmulator, type EmulatorHandle } from '../../demo/server/emulator/index.js';
import { fields, heading, seen, submitDetails, until } from '../e2e/support/page.js';
import { ADDY, IPHONE, REPO_ROOT, ensureCdnBuild, launchBrowser } from '../e2e/support/stack.js';
import { serveSite, type Site } from './support/loopback-site.js';
import { PROVE_MOBILE_AUTH_HOSTS } from '../../src/prove-hosts.js';

const FIXTURES = path.join(REPO_ROOT, 'test/stacks/cdn');
/** Prove's sandbox client API, as docs/csp.md's policy names it. */
const PROVE_SANDBOX = 'https://device.uat.prove-auth.proveapis.com';
/** Prove's Mobile Auth host in the sandbox, where the SDK's Mobile Auth library asks the carrier. */
const MOBILE_AUTH = 'https://device.uat.proveapis.com:4443';

/** A fixture as the docs show it: without its first line, which names the doc's block. */
function readmeBlock(file: string): string {
  const text = readFileSync(path.join(FIXTURES, file), 'utf8');
  return text.slice(text.indexOf('\n') + 1);
}

/** `Content-Security-Policy: …` as docs/csp.md gives it, as a header. */
function readmeCsp(): Record<string, string> {
  const line = readmeBlock('csp.http').trim();
  const [name, value] = [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()];
  assert.equal(name, 'Content-Security-Policy');
  return { [name]: value };
}

/** The docs' CDN page with `csp`, and prove-verify-server on `emulator` as its backend at `/api`. */
function readmeSiteOn(emulator: EmulatorHandle, csp: Record<string, string>): Promise<Site> {
  return serveSite({
    pages: { '/': readmeBlock('index.html'), '/verify.js': readmeBlock('verify.js') },
    headers: csp,
    backend: (origin) => {
      const prove = createProveVerifyHandlers({
        prove: { baseUrl: emulator.url, clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
        finalTarget: { landingUrl: `${origin}/link-opened.html` },
        pageOrigins: [origin],
        limits: NO_LIMITS,
        log: () => {},
      });
      return (request) =>
        new URL(request.url).pathname === '/api/verify' ? prove.verify(request) : prove.verifyStatus(request);
    },
  });
}

/** What the stub backend answers to the start: Prove refused the person at once (no authToken). */
const REFUSED = { success: false, possessionResult: 'not_applicable', verifyResult: 'failed' };

interface Watched {
  page: Page;
  /** Every `securitypolicyviolation` the page's document saw. */
  violations: { directive: string; blocked: string }[];
  console: ConsoleMessage[];
  errors: Error[];
}

/** A page whose CSP violations, console and uncaught errors are recorded from its first script on. */
async function watchedPage(browser: Browser | BrowserContext): Promise<Watched> {
  const page = await browser.newPage();
  const watched: Watched = { page, violations: [], console: [], errors: [] };
  page.on('console', (message) => watched.console.push(message));
  page.on('pageerror', (error) => watched.errors.push(error));
  // A binding and an init script reach Node outside the page's CSP, so they report, not obey, it.
  await page.exposeFunction('reportViolation', (directive: string, blocked: string) =>
    watched.violations.push({ directive, blocked }),
  );
  await page.addInitScript(() => {
    const report = (window as unknown as { reportViolation: (d: string, b: string) => void }).reportViolation;
    document.addEventListener('securitypolicyviolation', (e) => report(e.effectiveDirective, e.blockedURI));
  });
  return watched;
}

describe("docs/frameworks.md's CDN page under docs/csp.md's Content-Security-Policy (Chromium)", () => {
  let browser: Browser;
  let site: Site;

  before(async () => {
    ensureCdnBuild();
    const index = readmeBlock('index.html');
    // The same listener, inline.
    const inline = index.replace(
      '<script type="module" src="/verify.js"></script>',
      `<script type="module">\n${readmeBlock('verify.js')}</script>`,
    );
    assert.notEqual(inline, index, 'index.html no longer loads /verify.js');
    [browser, site] = await Promise.all([
      launchBrowser(),
      serveSite({
        pages: { '/': index, '/verify.js': readmeBlock('verify.js'), '/inline.html': inline },
        headers: readmeCsp(),
        api: { verify: REFUSED },
      }),
    ]);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it("loads the element and its later files, runs the listener on the backend's answer, and reports no violation", async () => {
    const { page, violations, console: messages, errors } = await watchedPage(browser);
    await page.goto(site.origin);
    await submitDetails(page);
    await seen(heading(page, 'We couldn’t verify this phone number'));
    const logged = await until('the listener (verify.js) to log', () =>
      messages.find((message) => message.type() === 'log'),
    );
    assert.deepEqual(
      await logged.args()[0]?.jsonValue(),
      REFUSED,
      "the listener logged something else than the backend's answer",
    );

    const start = site.requests.find((request) => request.method === 'POST' && request.path === '/api/verify');
    assert.ok(start, 'Verify sent nothing to /api/verify');
    // possession-type unset is auto: Prove's SDK takes this headless desktop Chromium for a computer.
    assert.deepEqual(start.body, {
      firstName: ADDY.firstName,
      lastName: ADDY.lastName,
      phoneNumber: ADDY.e164,
      possessionType: 'desktop',
    });
    // The CSP let every script through: the page's, and each file the element loads later.
    const scripts = site.requests
      .filter((request) => request.path.endsWith('.js'))
      .map((request) => `${request.status} ${request.path}`);
    for (const file of [
      '/verify.js',
      '/prove-verify/prove-verify.js',
      '/prove-verify/metadata/1.js',
      '/prove-verify/prove-auth.js',
    ]) {
      assert.ok(scripts.includes(`200 ${file}`), `${file} was not served: ${scripts.join(', ')}`);
    }
    assert.ok(
      scripts.some((line) => /^200 \/prove-verify\/flow-[\w-]+\.js$/.test(line)),
      `the flow's chunk was not served: ${scripts.join(', ')}`,
    );

    assert.deepEqual(violations, []);
    const complaints = messages
      .filter((message) => message.type() === 'error' || message.type() === 'warning')
      .map((message) => message.text());
    assert.deepEqual(complaints, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('refuses the listener written inline: a script-src violation, and the listener never runs', async () => {
    const { page, violations, console: messages } = await watchedPage(browser);
    await page.goto(`${site.origin}/inline.html`);
    await until('the inline listener to be reported', () =>
      violations.find((violation) => violation.blocked === 'inline'),
    );
    assert.ok(
      violations.every((violation) => violation.directive === 'script-src-elem'),
      JSON.stringify(violations),
    );
    assert.ok(
      messages.some((message) => message.type() === 'error' && message.text().includes('Content Security Policy')),
      'Chromium printed no CSP error',
    );
    // The element itself still works: the page's scripts from 'self' ran.
    await seen(fields(page).firstName);
    await submitDetails(page);
    await seen(heading(page, 'We couldn’t verify this phone number'));
    assert.equal(messages.filter((message) => message.type() === 'log').length, 0, 'the inline listener ran');
    await page.close();
  });
  it("on a phone, a whole flow against Prove's sandbox host: the SDK's calls pass the policy, and the listener gets the success", async () => {
    const emulator: EmulatorHandle = await startEmulator({
      port: 0,
      publicOrigin: PROVE_SANDBOX,
      rateLimitPerSecond: 10_000,
    });
    const flowSite = await readmeSiteOn(emulator, readmeCsp());
    const phone = await browser.newContext(IPHONE);
    const proveCalls: string[] = [];
    // Past the page's CSP (checked before this), the request goes to the emulator instead of Prove.
    await phone.route(`${PROVE_SANDBOX}/**`, async (route) => {
      const url = new URL(route.request().url());
      proveCalls.push(url.pathname);
      await route.fulfill({ response: await route.fetch({ url: `${emulator.url}${url.pathname}${url.search}` }) });
    });
    try {
      const { page, violations, console: messages, errors } = await watchedPage(phone);
      await page.goto(flowSite.origin);
      await submitDetails(page);
      await fields(page).code.fill(ADDY.otp);
      await seen(heading(page, 'Phone number verified'));
      const logged = await until('the listener (verify.js) to log', () =>
        messages.find((message) => message.type() === 'log'),
      );
      assert.equal(((await logged.args()[0]?.jsonValue()) as { success?: unknown }).success, true);

      assert.ok(proveCalls.length > 0, "Prove's SDK called nothing on Prove's host");
      assert.deepEqual(violations, []);
      const complaints = messages
        .filter((message) => message.type() === 'error' || message.type() === 'warning')
        .map((message) => message.text());
      assert.deepEqual(complaints, []);
      assert.deepEqual(errors, []);
    } finally {
      await phone.close();
      await Promise.all([flowSite.close(), emulator.close()]);
    }
  });
  /**
   * Inge Galier (a Mobile Auth sandbox person) on a phone, Prove's hosts routed to the emulator
   * past the page's CSP: answers what the policy blocked, which hosts were called, and whether the
   * phone was proved without a code.
   */
  async function mobileAuthUnder(csp: Record<string, string>) {
    const emulator: EmulatorHandle = await startEmulator({
      port: 0,
      publicOrigin: PROVE_SANDBOX,
      mobileAuthOrigin: MOBILE_AUTH,
      rateLimitPerSecond: 10_000,
    });
    const flowSite = await readmeSiteOn(emulator, csp);
    const phone = await browser.newContext(IPHONE);
    const hosts = new Set<string>();
    for (const origin of [PROVE_SANDBOX, MOBILE_AUTH]) {
      await phone.route(`${origin}/**`, async (route) => {
        const url = new URL(route.request().url());
        hosts.add(url.origin);
        await route.fulfill({ response: await route.fetch({ url: `${emulator.url}${url.pathname}${url.search}` }) });
      });
    }
    try {
      const { page, violations } = await watchedPage(phone);
      await page.goto(flowSite.origin);
      await submitDetails(page, { firstName: 'Inge', lastName: 'Galier', phone: '2001004016' });
      const outcome = await until('the phone to be proved, or the code asked for', async () =>
        (await heading(page, 'Phone number verified').isVisible())
          ? 'verified'
          : (await fields(page).code.isVisible())
            ? 'code'
            : undefined,
      );
      return { outcome, violations, hosts: [...hosts].sort() };
    } finally {
      await phone.close();
      await Promise.all([flowSite.close(), emulator.close()]);
    }
  }

  it("on a phone, Mobile Auth reaches Prove's Mobile Auth host under docs/csp.md's policy: no code, no violation", async () => {
    const { outcome, violations, hosts } = await mobileAuthUnder(readmeCsp());
    assert.deepEqual(violations, []);
    assert.deepEqual(hosts, [PROVE_SANDBOX, MOBILE_AUTH]);
    assert.equal(outcome, 'verified');
  });

  it('without the Mobile Auth hosts, the same policy blocks Mobile Auth and the person falls back to a texted code', async () => {
    const [[name, value]] = Object.entries(readmeCsp()) as [[string, string]];
    const withoutMobileAuth = value.replace(
      / https?:\/\/(device\.(uat\.)?proveapis\.com|auth\.svcs\.verizon\.com)(:\d+)?/g,
      '',
    );
    assert.notEqual(withoutMobileAuth, value);
    const { outcome, violations } = await mobileAuthUnder({ [name]: withoutMobileAuth });
    assert.ok(violations.length > 0, 'the policy blocked nothing');
    for (const { directive, blocked } of violations) {
      assert.equal(directive, 'connect-src');
      assert.ok(blocked.startsWith(MOBILE_AUTH), `blocked ${blocked}`);
    }
    assert.equal(outcome, 'code');
  });

  it("docs/csp.md's policy lists every host the element's console warning names for Mobile Auth", () => {
    const connect = Object.values(readmeCsp())[0]!
      .split(';')
      .find((d) => d.trim().startsWith('connect-src'))!
      .trim()
      .split(/\s+/);
    assert.deepEqual(
      PROVE_MOBILE_AUTH_HOSTS.filter((host) => !connect.includes(host)),
      [],
    );
  });
});
