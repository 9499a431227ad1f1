/**
 * End to end: the demo as `npm start` runs it (demo backend + local Prove sandbox emulator), the
 * real Prove SDK, and headless Chromium. Every test drives the pages as a person does and checks
 * what the person sees; where it matters, also what went over the wire.
 *
 * One stack and one browser for the whole file; a new browser context per test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, BrowserContextOptions, Page, Route } from 'playwright-core';
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
  setResendAfter,
  submitDetails,
  until,
  verifyBodies,
  watchPageErrors,
} from './support/page.js';

/** The sandbox number as the phone field formats it while it is typed (libphonenumber-js AsYouType). */
const PHONE_AS_SHOWN = '(200) 100-4010';

let stack: Stack;
let browser: Browser;

/** Prove's required page copy for the two possession steps, and the element's other words. */
const TEXTS = {
  codeTitle: 'Enter verification code',
  linkTitle: 'Check your Phone',
  linkSent: 'A text message with a link was just sent to the phone ending in 4010. Open the link on your phone to continue.',
  codeSent: 'Please enter the code we just sent to (200) 100-4010.',
  verified: 'Phone number verified',
  notVerified: "We couldn't verify this phone number",
  wrongCode: "That code didn't work. Check the text message and try again.",
  newCode: 'We sent a new code.',
  newLink: 'We sent a new link.',
  unreachable: "We couldn't reach the server. Check your connection and try again.",
  backToDevice: 'Go back to the device where you started; it shows the result.',
  codeSendsLeft2: 'You can ask for a new code 2 more times.',
  codeSendsLeft1: 'You can ask for a new code once more.',
  codeNoSendsLeft: 'No more codes can be sent in this verification. Start again to get a new one.',
};

/** Prove's default SMS texts, as the emulator sends them (the code or link where Prove puts it). */
const SMS = {
  otp: /^1234 is your temporary code to continue your application\. Caution: /,
  link: (link: string) => `Complete your verification. If you did not make this request, do not click the link. ${link}`,
};

/**
 * A countdown as the element shows it, from `m:ss` down by at most a few seconds (the page ticks
 * once a second, so the first look may already be a second or two later).
 */
function countdown(template: string, from: string): RegExp {
  const [minutes, seconds] = from.split(':').map(Number) as [number, number];
  const start = minutes * 60 + seconds;
  const times = [0, 1, 2, 3, 4, 5].map((d) => start - d).map((t) => `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`);
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
async function inContext(options: BrowserContextOptions, body: (context: BrowserContext, page: Page) => Promise<void>): Promise<void> {
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
  assert.doesNotMatch(await phone.locator('main').innerText(), /verified|success|confirmed|thank you|failed/i, 'the landing page claims no result');
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
      const resendLink = page.getByRole('button', { name: countdown('Resend link in {time}', '0:30') });
      await seen(resendLink);
      assert.equal(await resendLink.isDisabled(), true, 'the link cannot be resent before the wait is over');

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
      // With the default resend wait (30 s), "Resend code" counts down and cannot be pressed yet.
      const resendCode = page.getByRole('button', { name: countdown('Resend code in {time}', '0:30') });
      await seen(resendCode);
      assert.equal(await resendCode.isDisabled(), true, 'the code cannot be resent before the wait is over');
      assert.equal(await button(page, 'Resend code').count(), 0, 'no "Resend code" to press yet');

      const [sent] = await stack.inbox.after(before);
      const onPhone = await phoneShows(page, before + 1);
      assert.equal(onPhone.code, ADDY.otp, 'the simulated phone shows the code');
      assert.equal(sent!.otp, ADDY.otp);
      assert.match(sent!.body, SMS.otp, "Prove's default code text");

      await fields(page).code.fill(onPhone.code!);
      await seen(heading(page, TEXTS.verified));
      await loggedEvent(page, 'prove-verify-success');
    });
  });

  test('a wrong code is refused with an alert, the field is cleared and focused, then the right code verifies', async () => {
    await inContext(DESKTOP, async (_context, page) => {
      await openDemo(page, stack.appUrl);
      await chooseFlow(page, 'Mobile');
      const before = await stack.inbox.count();
      await submitDetails(page);
      await seen(heading(page, TEXTS.codeTitle));
      await stack.inbox.after(before);

      // The demo backend asks Prove for allowOTPRetry (PROVE_ALLOW_OTP_RETRY, default true): a wrong code is not the end.
      const code = fields(page).code;
      await code.fill('0000');
      const alert = page.getByRole('alert');
      await seen(alert);
      assert.equal((await alert.innerText()).trim(), TEXTS.wrongCode);
      await focused(code);
      assert.equal(await code.inputValue(), '', 'the refused code is cleared');
      assert.equal(await code.getAttribute('aria-invalid'), 'true');
      assert.deepEqual(
        (await code.getAttribute('aria-describedby'))?.split(' '),
        ['code-intro', 'code-length', 'code-error'],
        'the field is described by where the code went, its length and the alert',
      );

      await code.fill(ADDY.otp);
      await seen(heading(page, TEXTS.verified));
      assert.equal(await page.getByRole('alert').count(), 0, 'the alert is gone');
      await loggedEvent(page, 'prove-verify-success');
    });
  });

  test("a name that is not the phone owner's is not verified", async () => {
    await inContext(IPHONE, async (_context, page) => {
      const requests = recordRequests(page);
      await openDemo(page, stack.appUrl);
      await submitDetails(page, { firstName: 'Someone', lastName: 'Else', phone: ADDY.phone });
      await seen(heading(page, TEXTS.codeTitle));
      await fields(page).code.fill(ADDY.otp);

      await seen(heading(page, TEXTS.notVerified));
      await seen(page.getByText('The details did not match what the carrier knows about this phone.', { exact: false }));
      await focused(heading(page, TEXTS.notVerified));
      await loggedEvent(page, 'prove-verify-failure');
      assert.equal(await heading(page, TEXTS.verified).count(), 0);
      assert.deepEqual(verifyBodies(requests), [{ firstName: 'Someone', lastName: 'Else', phoneNumber: ADDY.e164, possessionType: 'mobile' }]);

      // Start again keeps what was typed.
      await button(page, 'Start again').click();
      await seen(fields(page).firstName);
      assert.equal(await fields(page).firstName.inputValue(), 'Someone');
      assert.equal(await fields(page).lastName.inputValue(), 'Else');
      assert.equal(await fields(page).phone.inputValue(), PHONE_AS_SHOWN);
    });
  });

  test('mobile: "Resend code" sends a second text, says so, and the code works', async () => {
    await inContext(IPHONE, async (_context, page) => {
      await openDemo(page, stack.appUrl);
      await setResendAfter(page, 0);
      const before = await stack.inbox.count();
      await submitDetails(page);
      await seen(heading(page, TEXTS.codeTitle));
      await stack.inbox.after(before);
      assert.equal(await page.getByText(TEXTS.newCode).count(), 0, 'no "new code" notice before a resend');

      await button(page, 'Resend code').click();
      await seen(page.getByText(TEXTS.newCode));
      const sent = await stack.inbox.after(before, { atLeast: 2 });
      assert.equal(sent.length, 2, 'exactly two texts: the first code and the resent one');
      const onPhone = await phoneShows(page, before + 2);
      assert.equal(onPhone.code, ADDY.otp);
      await focused(fields(page).code);

      await fields(page).code.fill(onPhone.code!);
      await seen(heading(page, TEXTS.verified));
      await loggedEvent(page, 'prove-verify-success');
    });
  });

  test('mobile: Cancel on the code screen goes back to the form with what was typed; Prove hears the step failed; the page asks for no result', async () => {
    await inContext(IPHONE, async (context, page) => {
      const requests = recordRequests(page);
      await openDemo(page, stack.appUrl);
      const before = await stack.inbox.count();
      await submitDetails(page);
      await seen(heading(page, TEXTS.codeTitle));
      await stack.inbox.after(before);

      // The SDK tells Prove's client API that the code step failed on the device.
      const reported = page.waitForResponse(
        (response) => response.request().method() === 'POST' && /^\/v1\/client\/.+\/error$/.test(new URL(response.url()).pathname),
      );
      await button(page, 'Cancel').click();
      await seen(heading(page, 'Verify your phone number'));
      const f = fields(page);
      assert.equal(await f.firstName.inputValue(), ADDY.firstName, 'the first name is kept');
      assert.equal(await f.lastName.inputValue(), ADDY.lastName, 'the last name is kept');
      assert.equal(await f.phone.inputValue(), PHONE_AS_SHOWN, 'the phone number is kept');
      assert.equal(await f.code.count(), 0, 'the code screen is gone');
      await loggedEvent(page, 'prove-verify-cancel');

      const report = await reported;
      const reportUrl = new URL(report.url());
      assert.equal(reportUrl.origin, stack.emulatorUrl, "the report went to Prove's client API (the emulator)");
      assert.equal(reportUrl.pathname, '/v1/client/mobile/otp/error', 'the code step was reported');
      // The SDK wraps the element's refusal in its own words ("Failed to obtain OTP for verification: …").
      const reportBody = report.request().postDataJSON() as { message?: unknown };
      assert.deepEqual(Object.keys(reportBody), ['message'], 'a message and no Prove code: the device refused the step');
      assert.match(String(reportBody.message), /The person left this step/);
      assert.equal(report.status(), 200);
      assert.deepEqual(await report.json(), { next: 'done' });

      // Prove now holds the flow's possession as failed: the backend says so when asked (by the
      // test, with the page's session cookie; page.on('request') does not see this call).
      const status = await context.request.post(`${stack.appUrl}/api/verify-status`, { data: {} });
      assert.equal(status.status(), 200);
      assert.deepEqual(await status.json(), { success: false, possessionResult: 'failed', verifyResult: 'not_applicable' });

      // The kept values start a new flow at once; up to its code screen the page never asked for a result.
      await button(page, 'Verify').click();
      await seen(heading(page, TEXTS.codeTitle));
      await stack.inbox.after(before, { atLeast: 2 });
      assert.deepEqual(verifyBodies(requests), [addyBody('mobile'), addyBody('mobile')], 'Verify after Cancel started a new flow with the kept values');
      assert.deepEqual(
        requestsFor(requests, '/api/verify-status').map((r) => r.url()),
        [],
        'Cancel asked the backend for no result',
      );

      await fields(page).code.fill(ADDY.otp);
      await seen(heading(page, TEXTS.verified));
      assert.equal(requestsFor(requests, '/api/verify-status').length, 1, 'only the new flow asked for its result');
    });
  });

  test('mobile: the code screen shows the time left and the sends left; after three sends "Resend code" gives way to "Start again"', async () => {
    await inContext(IPHONE, async (_context, page) => {
      const requests = recordRequests(page);
      await openDemo(page, stack.appUrl);
      await setResendAfter(page, 0);
      const before = await stack.inbox.count();
      await submitDetails(page);
      await seen(heading(page, TEXTS.codeTitle));
      await seen(page.getByText(countdown('The code expires in {time}.', '2:00')));
      await seen(page.getByText(TEXTS.codeSendsLeft2, { exact: true }));
      await stack.inbox.after(before);

      // The second send: one more is allowed.
      await button(page, 'Resend code').click();
      await seen(page.getByText(TEXTS.codeSendsLeft1, { exact: true }));
      await seen(page.getByText(TEXTS.newCode));
      await stack.inbox.after(before, { atLeast: 2 });

      // The third and last send.
      await button(page, 'Resend code').click();
      await seen(page.getByText(TEXTS.codeNoSendsLeft, { exact: true }));
      await seen(button(page, 'Start again'));
      const sent = await stack.inbox.after(before, { atLeast: 3 });
      assert.equal(sent.length, 3, 'exactly three texts: Prove sends a code at most three times');
      assert.equal(await page.getByRole('button', { name: /Resend code/ }).count(), 0, 'no "Resend code" any more, not even held');
      assert.equal(await button(page, 'Change number').isDisabled(), true, 'a new number would be a fourth send');
      // The newest code has its own full lifetime, and it can still be typed.
      await seen(page.getByText(countdown('The code expires in {time}.', '2:00')));
      assert.equal(await fields(page).code.isEditable(), true, 'the last code can still be entered');
      assert.equal(verifyBodies(requests).length, 1, 'one flow: the resends were not new starts');

      // "Start again" goes back to the form with what was typed.
      await button(page, 'Start again').click();
      await seen(heading(page, 'Verify your phone number'));
      assert.equal(await fields(page).firstName.inputValue(), ADDY.firstName);
      assert.equal(await fields(page).lastName.inputValue(), ADDY.lastName);
      assert.equal(await fields(page).phone.inputValue(), PHONE_AS_SHOWN);
      assert.equal(await stack.inbox.count(), before + 3, 'no fourth text');
    });
  });

  test('desktop: "Resend link" sends a second link, says so, and the new link verifies', async () => {
    await inContext(DESKTOP, async (context, page) => {
      await openDemo(page, stack.appUrl);
      await chooseFlow(page, 'Desktop');
      await setResendAfter(page, 0);
      const before = await stack.inbox.count();
      await submitDetails(page);
      await seen(page.getByText(TEXTS.linkSent));
      const [first] = await stack.inbox.after(before);

      await button(page, 'Resend link').click();
      await seen(page.getByText(TEXTS.newLink));
      const sent = await stack.inbox.after(before, { atLeast: 2 });
      assert.equal(sent.length, 2, 'exactly two texts: the first link and the resent one');
      const onPhone = await phoneShows(page, before + 2);
      assert.equal(onPhone.link, sent[1]!.link, 'the newest text on the phone is the resent link');
      assert.notEqual(onPhone.link, first!.link, 'the resent link is a new one');

      await openLinkOnPhone(context, onPhone.link!);
      await seen(heading(page, TEXTS.verified));
      await loggedEvent(page, 'prove-verify-success');
    });
  });

  test("a backend that can't be reached: alert, Try again, values kept, then the flow goes on", async () => {
    await inContext(DESKTOP, async (_context, page) => {
      const requests = recordRequests(page);
      await openDemo(page, stack.appUrl);
      await chooseFlow(page, 'Desktop');
      let aborted = 0;
      const unreachable = async (route: Route) => {
        aborted++;
        await route.abort('connectionrefused');
      };
      await page.route('**/api/verify', unreachable);

      await submitDetails(page);
      const alert = page.getByRole('alert');
      await seen(alert);
      await seen(alert.getByText(TEXTS.unreachable, { exact: true }));
      const tryAgain = alert.getByRole('button', { name: 'Try again', exact: true });
      await seen(tryAgain);
      await focused(tryAgain);
      assert.equal(aborted, 1, 'the start call was the one cut off');
      await loggedEvent(page, 'prove-verify-error');
      const f = fields(page);
      assert.equal(await f.firstName.inputValue(), ADDY.firstName);
      assert.equal(await f.lastName.inputValue(), ADDY.lastName);
      assert.equal(await f.phone.inputValue(), PHONE_AS_SHOWN);

      await page.unroute('**/api/verify', unreachable);
      await tryAgain.click();
      await seen(page.getByText(TEXTS.linkSent));
      assert.equal(await page.getByRole('alert').count(), 0, 'the alert is gone');
      assert.equal(aborted, 1);
      assert.deepEqual(verifyBodies(requests), [addyBody('desktop'), addyBody('desktop')], 'Try again sent the same start call');
    });
  });
});

describe('the CDN page (/cdn.html): only dist/cdn/prove-verify.js', () => {
  const proveAuthRequests = (requests: ReturnType<typeof recordRequests>) => requestsFor(requests, /prove-auth\.js$/);

  /** Opens the page, fills the form, and checks what typing fetched before the submit: the flow's code, the US plans, Prove's SDK. */
  async function openCdnAndFill(page: Page, requests: ReturnType<typeof recordRequests>): Promise<void> {
    await page.goto(`${stack.appUrl}/cdn.html`);
    await seen(fields(page).firstName);
    await page.waitForLoadState('networkidle');
    const scripts = requests.filter((r) => r.resourceType() === 'script').map((r) => new URL(r.url()).pathname);
    // The element comes from the CDN file alone; /phone-panel.js is the demo's simulated phone.
    assert.deepEqual(scripts.sort(), ['/cdn/prove-verify.js', '/phone-panel.js'], 'the page loads only the CDN file and the panel');
    const f = fields(page);
    await f.firstName.fill(ADDY.firstName);
    await f.lastName.fill(ADDY.lastName);
    await f.phone.fill(ADDY.phone);
    assert.equal(await isFocused(f.phone), true);
    // None of it is part of the first load, but typing fetches it before the submit, each file once:
    // the flow's code (libphonenumber-js and the phone field with it), the numbering plans of +1
    // alone, and Prove's SDK, so the submit never waits for it.
    const scriptsNow = () => requests.filter((r) => r.resourceType() === 'script').map((r) => new URL(r.url()).pathname);
    await until("typing to fetch Prove's SDK", async () => proveAuthRequests(requests).length > 0);
    await until('typing to fetch the +1 plans', async () => scriptsNow().includes('/cdn/metadata/1.js'));
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
      await fields(page).code.fill(sent!.otp!);
      await seen(heading(page, TEXTS.verified));
      // What the whole mobile flow loaded is what its budget counts (scripts/size.mjs, from the build graph).
      const loaded = requests.map((r) => new URL(r.url()).pathname).filter((p) => p.startsWith('/cdn/') && p.endsWith('.js'));
      assert.deepEqual(
        [...new Set(loaded)].sort(),
        mobileFlowFiles(readManifest())
          .map((file) => `/cdn/${file}`)
          .sort(),
      );
    });
  });
});
