/**
 * End to end: the demo as `npm start` runs it (demo backend + local Prove sandbox emulator), the
 * real Prove SDK, and headless Chromium. Every test drives the pages as a person does and checks
 * what the person sees; where it matters, also what went over the wire.
 *
 * One stack and one browser for the whole file; a new browser context per test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { ADDY, type Stack, startStackAndBrowser, DESKTOP, IPHONE } from './support/stack.js';
import { mobileFlowFiles, readManifest } from '../../scripts/size.mjs';
import {
  button,
  chooseFlow,
  fields,
  focused,
  heading,
  isFocused,
  loggedEvent,
  openDemo,
  phoneShows,
  recordRequests,
  requestsFor,
  seen,
  submitDetails,
  until,
  verifyBodies,
  watchPageErrors,
} from './support/page.js';

let stack: Stack;
let browser: Browser;

/** Prove's required page copy for the two possession steps, and the element's other words. */
const TEXTS = {
  codeTitle: 'Enter verification code',
  linkTitle: 'Check your Phone',
  linkSent:
    'A text message with a link was just sent to the phone ending in 4010. Open the link on your phone to continue.',
  codeSent: 'Please enter the code we just sent to (200) 100-4010.',
  verified: 'Phone number verified',
  backToDevice: 'Go back to the device where you started; it shows the result.',
  connectionLost: 'Connection lost — keep this page open. We’ll check again once you’re back online.',
};

/** Prove's default SMS texts, as the emulator sends them (the code or link where Prove puts it). */
const SMS = {
  otp: /^1234 is your temporary code to continue your application\. Caution: /,
  link: (link: string) =>
    `Complete your verification. If you did not make this request, do not click the link. ${link}`,
};

/**
 * A countdown as the element shows it, from `m:ss` down by at most 15 s: the page ticks once a
 * second in real time, and the first look comes a few steps after the flow started, later on a
 * busy machine (each of those steps may wait up to 10 s; the test fails before 15 s go by).
 */
function countdown(template: string, from: string): RegExp {
  const [minutes, seconds] = from.split(':').map(Number) as [number, number];
  const start = minutes * 60 + seconds;
  const times = Array.from({ length: 16 }, (_, d) => start - d).map(
    (t) => `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`,
  );
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const [before, after] = template.split('{time}').map(escape) as [string, string];
  return new RegExp(`^${before}(${times.join('|')})${after}$`);
}

/** What the backend must receive for Addy; the phone always as E.164. */
const addyBody = (possessionType: 'mobile' | 'desktop') => ({
  firstName: ADDY.firstName,
  lastName: ADDY.lastName,
  phoneNumber: ADDY.e164,
  possessionType,
});

/** A fresh context for one test; closed (with every page) whatever happens. */
async function inContext(
  options: BrowserContextOptions,
  body: (context: BrowserContext, page: Page) => Promise<void>,
): Promise<void> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(10_000);
  const pageErrors = watchPageErrors(context);
  try {
    const page = await context.newPage();
    await body(context, page);
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages');
  } finally {
    await context.close();
  }
}

/**
 * Opens the Instant Link as the phone would, in a second page; answers that page. The flow was
 * started on the desktop, so the landing page only sends the person back there and claims no
 * result (the phone cannot know it).
 */
async function openLinkOnPhone(context: BrowserContext, link: string): Promise<Page> {
  const phone = await context.newPage();
  await phone.goto(link);
  await seen(heading(phone, 'Link opened'));
  await seen(phone.getByText(TEXTS.backToDevice, { exact: true }));
  const landed = new URL(phone.url());
  assert.equal(landed.pathname, '/link-opened.html', 'the link lands on the link-opened page');
  assert.equal(landed.origin, stack.appUrl, "the landing page is the demo's own");
  assert.equal(landed.search, '', 'no asc/authId: the flow was not started on this phone');
  assert.doesNotMatch(
    await phone.locator('main').innerText(),
    /verified|success|confirmed|thank you|failed/i,
    'the landing page claims no result',
  );
  return phone;
}

before(async () => {
  ({ stack, browser } = await startStackAndBrowser());
});

after(async () => {
  await Promise.allSettled([browser?.close(), stack?.stop()]);
});

describe('the demo page (/)', () => {
  test('desktop: the Instant Link opened on the phone verifies the person', async () => {
    await inContext(DESKTOP, async (context, page) => {
      const requests = recordRequests(page);
      await openDemo(page, stack.appUrl);
      await chooseFlow(page, 'Desktop');
      const before = await stack.inbox.count();

      await submitDetails(page);
      await seen(page.getByText(TEXTS.linkSent));
      await focused(heading(page, TEXTS.linkTitle));
      assert.deepEqual(verifyBodies(requests), [addyBody('desktop')]);
      // The link's lifetime and the resend wait (30 s by default) count down.
      await seen(page.getByText(countdown('The link expires in {time}.', '3:00')));
      // The resend wait is a line of text; no button carries (or reads out) the countdown.
      await seen(page.getByText(countdown('A new link can be sent in {time}.', '0:30')));
      assert.equal(await button(page, 'Resend link').count(), 0, 'no "Resend link" to press yet');

      // The person reads the link on the simulated phone; it is the one the emulator sent, in Prove's default text.
      const [sent] = await stack.inbox.after(before);
      assert.ok(sent!.link, 'the emulator texted an Instant Link');
      assert.equal(sent!.body, SMS.link(sent!.link));
      const onPhone = await phoneShows(page, before + 1);
      assert.ok(onPhone.link, 'the simulated phone shows an Instant Link');
      assert.equal(onPhone.link, sent!.link);

      await openLinkOnPhone(context, onPhone.link);
      await seen(heading(page, TEXTS.verified));
      await seen(page.getByText('Thank you, your phone number is confirmed.'));
      await focused(heading(page, TEXTS.verified));
      await loggedEvent(page, 'prove-verify-success');
      assert.equal(requestsFor(requests, '/api/verify-status').length, 1, 'the result was asked for once');
    });
  });

  test('desktop, offline in the link wait: said at once; the link opened meanwhile, back online the result is asked for first and shown', async () => {
    await inContext(DESKTOP, async (context, page) => {
      const requests = recordRequests(page);
      // The page's clock, so a minute offline takes no time: Prove's SDK pings its status socket
      // every 30 s and gives the wait up when a ping goes unanswered.
      await page.clock.install();
      await openDemo(page, stack.appUrl);
      await chooseFlow(page, 'Desktop');
      const before = await stack.inbox.count();
      await submitDetails(page);
      await seen(page.getByText(TEXTS.linkSent));
      await focused(heading(page, TEXTS.linkTitle));

      await context.setOffline(true);
      // At once, on screen and in the element's live region; focus stays on the heading.
      await seen(page.getByRole('status').filter({ hasText: TEXTS.connectionLost }), 2_000);
      await seen(page.getByText(TEXTS.connectionLost, { exact: true }).first(), 2_000);
      await focused(heading(page, TEXTS.linkTitle));
      // A minute offline: the SDK's ping goes unanswered and it gives up its wait (its report of
      // that to Prove fails too); the page still says the connection is lost.
      await page.clock.runFor(61_000);
      await until('the SDK to give its wait up', () => requestsFor(requests, /\/v1\/client\/.*\/error$/).length > 0);
      // The phone, on its own connection, opens the link meanwhile.
      const [sent] = await stack.inbox.after(before);
      const opened = await fetch(sent!.link!, { redirect: 'manual' });
      assert.ok(opened.status < 400, `the link answered ${opened.status}`);
      await seen(page.getByText(TEXTS.connectionLost, { exact: true }).first());
      assert.equal(requestsFor(requests, '/api/verify-status').length, 0, 'nothing asked while offline');

      await context.setOffline(false);
      await seen(heading(page, TEXTS.verified));
      assert.ok(requestsFor(requests, '/api/verify-status').length >= 1, 'the backend was asked for the result');
      // Nothing was started or sent again.
      assert.deepEqual(verifyBodies(requests), [addyBody('desktop')]);
      assert.equal(requestsFor(requests, '/v1/client/mobile/instantlink/start').length, 1, 'one link sent');
    });
  });

  test('mobile (auto on an iPhone): the code from the text message verifies the person', async () => {
    await inContext(IPHONE, async (_context, page) => {
      const requests = recordRequests(page);
      await openDemo(page, stack.appUrl);
      assert.equal(await page.getByRole('radio', { name: /^Auto/ }).isChecked(), true, 'the demo starts on Auto');
      const before = await stack.inbox.count();

      await submitDetails(page);
      await seen(heading(page, TEXTS.codeTitle));
      await seen(page.getByText(TEXTS.codeSent, { exact: true }));
      await focused(fields(page).code);
      assert.deepEqual(verifyBodies(requests), [addyBody('mobile')], 'the iPhone asked for the mobile flow');
      // With the default resend wait (30 s), a line counts it down; "Resend code" comes when it ends.
      await seen(page.getByText(countdown('A new code can be sent in {time}.', '0:30')));
      assert.equal(await button(page, 'Resend code').count(), 0, 'no "Resend code" to press yet');

      const [sent] = await stack.inbox.after(before);
      const onPhone = await phoneShows(page, before + 1);
      assert.equal(onPhone.code, ADDY.otp, 'the simulated phone shows the code');
      assert.equal(sent!.otp, ADDY.otp);
      assert.match(sent!.body, SMS.otp, "Prove's default code text");

      await fields(page).code.fill(onPhone.code);
      await seen(heading(page, TEXTS.verified));
      await loggedEvent(page, 'prove-verify-success');
    });
  });
});

describe("the demo page (/) under its own Content-Security-Policy, Prove's current API (Unify)", () => {
  test("iPhone: Prove Key, then Mobile Auth proves Inge Galier's phone with no text, and the page's CSP blocks nothing", async () => {
    await inContext(IPHONE, async (_context, page) => {
      const requests = recordRequests(page);
      const violations: string[] = [];
      // A binding and an init script reach Node outside the page's CSP, so they report, not obey, it.
      await page.exposeFunction('reportViolation', (directive: string, blocked: string) =>
        violations.push(`${directive} ${blocked}`),
      );
      await page.addInitScript(() => {
        const report = (window as unknown as { reportViolation: (d: string, b: string) => void }).reportViolation;
        document.addEventListener('securitypolicyviolation', (e) => report(e.effectiveDirective, e.blockedURI));
      });
      await openDemo(page, stack.appUrl);
      const texts = await stack.inbox.count('2001004016');

      await submitDetails(page, { firstName: 'Inge', lastName: 'Galier', phone: '2001004016' });
      await seen(heading(page, TEXTS.verified));
      await loggedEvent(page, 'prove-verify-success');
      const calls = requests.map((r) => new URL(r.url()).pathname).filter((path) => path.startsWith('/v1/client/'));
      assert.ok(calls.includes('/v1/client/device/passive/register'), `the Prove Key step ran: ${calls.join(', ')}`);
      assert.ok(calls.includes('/v1/client/mobile/instant/finish'), `Mobile Auth ran: ${calls.join(', ')}`);
      assert.ok(!calls.includes('/v1/client/mobile/otp/start'), 'no code was asked for');
      assert.equal(await stack.inbox.count('2001004016'), texts, 'no text was sent');
      assert.deepEqual(violations, [], 'the CSP blocked nothing');
    });
  });
});

describe('the CDN page (/cdn.html): only dist/cdn/prove-verify.js', () => {
  const proveAuthRequests = (requests: ReturnType<typeof recordRequests>) => requestsFor(requests, /prove-auth\.js$/);

  /**
   * Opens the page, fills the form, and checks what typing fetched before the submit: the flow's
   * code, the US plans, Prove's SDK.
   */
  async function openCdnAndFill(page: Page, requests: ReturnType<typeof recordRequests>): Promise<void> {
    await page.goto(`${stack.appUrl}/cdn.html`);
    await seen(fields(page).firstName);
    // A request of the test's own, made once the page is idle after the form showed: what the page
    // loads with its first paint, or when it is next idle, left before it and is listed before it.
    await page.evaluate(async () => {
      await new Promise((idle) => requestIdleCallback(idle));
      await fetch('/cdn.html?painted', { method: 'HEAD' });
    });
    const painted = requests.findIndex((r) => r.url().endsWith('/cdn.html?painted'));
    assert.ok(painted > 0, 'the request made after the first paint was seen');
    const scripts = requests
      .slice(0, painted)
      .filter((r) => r.resourceType() === 'script')
      .map((r) => new URL(r.url()).pathname);
    // The element comes from the CDN file alone; /phone-panel.js is the demo's simulated phone.
    assert.deepEqual(
      scripts.sort(),
      ['/cdn/prove-verify.js', '/phone-panel.js'],
      'the page loads only the CDN file and the panel',
    );
    const f = fields(page);
    await f.firstName.fill(ADDY.firstName);
    await f.lastName.fill(ADDY.lastName);
    await f.phone.fill(ADDY.phone);
    assert.equal(await isFocused(f.phone), true);
    // None of it is part of the first load, but typing fetches it before the submit, each file once:
    // the flow's code (libphonenumber-js and the phone field with it), the numbering plans of +1
    // alone, and Prove's SDK, so the submit never waits for it.
    const scriptsNow = () =>
      requests.filter((r) => r.resourceType() === 'script').map((r) => new URL(r.url()).pathname);
    await until("typing to fetch Prove's SDK", () => proveAuthRequests(requests).length > 0);
    await until('typing to fetch the +1 plans', () => scriptsNow().includes('/cdn/metadata/1.js'));
    const flowChunks = scriptsNow().filter((p) => /^\/cdn\/flow-[\w-]+\.js$/.test(p));
    assert.equal(flowChunks.length, 1, "typing loaded the flow's code once");
    assert.deepEqual(
      scriptsNow().filter((p) => p.startsWith('/cdn/metadata/')),
      ['/cdn/metadata/1.js'],
      'the +1 plans, no other',
    );
    assert.equal(proveAuthRequests(requests).length, 1, "Prove's SDK is fetched once");
  }

  test('desktop: loads prove-auth.js from beside it, once, and the Instant Link verifies', async () => {
    await inContext(DESKTOP, async (context, page) => {
      const requests = recordRequests(page);
      await openCdnAndFill(page, requests);
      const before = await stack.inbox.count();

      await button(page, 'Verify').click();
      await seen(page.getByText(TEXTS.linkSent));
      const sdk = proveAuthRequests(requests);
      assert.deepEqual(
        sdk.map((r) => new URL(r.url()).pathname),
        ['/cdn/prove-auth.js'],
        "Prove's SDK is loaded once, from beside the CDN file",
      );
      assert.equal((await sdk[0]!.response())?.status(), 200);
      assert.deepEqual(verifyBodies(requests), [addyBody('desktop')]);

      const [sent] = await stack.inbox.after(before);
      assert.ok(sent!.link, 'the emulator texted a link');
      await openLinkOnPhone(context, sent!.link);
      await seen(heading(page, TEXTS.verified));
      assert.equal(proveAuthRequests(requests).length, 1, 'still one load of the SDK');
    });
  });

  test('mobile (possession-type set to mobile): the code from the text message verifies', async () => {
    await inContext(DESKTOP, async (_context, page) => {
      const requests = recordRequests(page);
      await openCdnAndFill(page, requests);
      await page.evaluate(() => document.querySelector('prove-verify')!.setAttribute('possession-type', 'mobile'));
      const before = await stack.inbox.count();

      await button(page, 'Verify').click();
      await seen(heading(page, TEXTS.codeTitle));
      await seen(page.getByText(TEXTS.codeSent));
      assert.deepEqual(verifyBodies(requests), [addyBody('mobile')]);
      assert.equal(proveAuthRequests(requests).length, 1, "Prove's SDK is loaded once");

      const [sent] = await stack.inbox.after(before);
      assert.equal(sent!.otp, ADDY.otp);
      await fields(page).code.fill(sent!.otp);
      await seen(heading(page, TEXTS.verified));
      // What the whole mobile flow loaded is what its budget counts (scripts/size.mjs, from the build graph).
      const loaded = requests
        .map((r) => new URL(r.url()).pathname)
        .filter((p) => p.startsWith('/cdn/') && p.endsWith('.js'));
      assert.deepEqual(
        [...new Set(loaded)].sort(),
        mobileFlowFiles(readManifest())
          .map((file) => `/cdn/${file}`)
          .sort(),
      );
    });
  });
});
