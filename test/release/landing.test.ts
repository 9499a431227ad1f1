/**
 * End to end: the Instant Link landing page (/link-opened.html), where Prove's redirect takes the
 * phone that opened the link. The phone cannot know the verdict, so the page never claims one: it
 * finishes a flow started on this same phone (Prove's redirect then carries asc and authId) and
 * sends the person back to where they started.
 *
 * One stack and one browser for the file; a new context per test. Needs `npm run build`
 * (dist/cdn/instant-link.js, the package's landing entry, served at /cdn/instant-link.js).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { type Stack, startStackAndBrowser, DESKTOP, IPHONE } from '../e2e/support/stack.js';
import { chooseFlow, heading, openDemo, seen, submitDetails, watchPageErrors } from '../e2e/support/page.js';

let stack: Stack;
let browser: Browser;

const TEXTS = {
  verified: 'Phone number verified',
  backToTab: 'Done. Go back to the tab where you started; it shows the result.',
  backToDevice: 'Go back to the device where you started; it shows the result.',
  withoutScript: 'Go back to where you started, in the other tab or on the other device; that page shows the result.',
  failed: 'This link could not be finished here. Go back to where you started and try again.',
};

/** Words that would claim a result the phone cannot know. */
const RESULT_CLAIM = /verified|success|confirmed|thank you|failed/i;

before(async () => {
  ({ stack, browser } = await startStackAndBrowser());
});

after(async () => {
  await Promise.allSettled([browser?.close(), stack?.stop()]);
});

/** A fresh context; closed whatever happens, after checking its pages threw nothing and broke no CSP. */
async function inContext(
  options: BrowserContextOptions,
  body: (context: BrowserContext) => Promise<void>,
): Promise<void> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(10_000);
  const pageErrors = watchPageErrors(context);
  const cspViolations: string[] = [];
  context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  try {
    await body(context);
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages');
    assert.deepEqual(cspViolations, [], "nothing the landing page's CSP had to block");
  } finally {
    await context.close();
  }
}

/** Starts the desktop (Instant Link) flow for Addy on `page`; answers the link the phone received. */
async function startInstantLink(page: Page): Promise<string> {
  await openDemo(page, stack.appUrl);
  await chooseFlow(page, 'Desktop');
  const before = await stack.inbox.count();
  await submitDetails(page);
  const [sent] = await stack.inbox.after(before);
  assert.ok(sent?.link, 'the emulator texted an Instant Link');
  return sent.link;
}

/** The landing page's text as a person reads it. */
const landingText = (page: Page) => page.locator('main').innerText();

test('started on this phone: the link finishes the flow here, and the first tab shows the result', async () => {
  await inContext(IPHONE, async (context) => {
    const page = await context.newPage();
    const link = await startInstantLink(page);

    // Tapping the text on the same phone opens the link in another tab of the same browser.
    const phone = await context.newPage();
    await phone.goto(link);
    const landed = new URL(phone.url());
    assert.equal(landed.origin + landed.pathname, `${stack.appUrl}/link-opened.html`, 'the default finalTargetUrl');
    assert.ok(
      landed.searchParams.has('asc') && landed.searchParams.has('authId'),
      "Prove's redirect says the flow started here",
    );

    await seen(phone.getByText(TEXTS.backToTab, { exact: true }));
    assert.doesNotMatch(await landingText(phone), RESULT_CLAIM, 'the landing page claims no result');

    // The element on the first tab hears from the landing page (BroadcastChannel) and asks the backend.
    await seen(heading(page, TEXTS.verified), 15_000);
  });
});

test('started on another device: the landing page sends the person back there, claiming nothing', async () => {
  await inContext(DESKTOP, async (desktop) => {
    const page = await desktop.newPage();
    const link = await startInstantLink(page);
    await inContext(IPHONE, async (phoneContext) => {
      const phone = await phoneContext.newPage();
      await phone.goto(link);
      assert.equal(new URL(phone.url()).search, '', 'no asc/authId: the flow did not start on this phone');
      await seen(phone.getByText(TEXTS.backToDevice, { exact: true }));
      assert.doesNotMatch(await landingText(phone), RESULT_CLAIM);
      assert.equal(
        await phone.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.includes('/cdn/'))),
        false,
        "nothing to finish here, so Prove's SDK is not loaded",
      );
    });
    // The desktop learns the result from Prove itself (the status socket), not from the phone.
    await seen(heading(page, TEXTS.verified), 15_000);
  });
});

test('opened directly, without asc/authId: go back to the device where you started, and no result', async () => {
  await inContext(IPHONE, async (context) => {
    const phone = await context.newPage();
    const res = await phone.goto(`${stack.appUrl}/link-opened.html`);
    assert.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await seen(phone.getByText(TEXTS.backToDevice, { exact: true }));
    await seen(heading(phone, 'Link opened'));
    assert.doesNotMatch(await landingText(phone), RESULT_CLAIM);
    assert.doesNotMatch(await phone.title(), RESULT_CLAIM);
  });
});

test('without JavaScript the page still reads, and still claims nothing', async () => {
  await inContext({ ...IPHONE, javaScriptEnabled: false }, async (context) => {
    const phone = await context.newPage();
    await phone.goto(`${stack.appUrl}/link-opened.html?asc=true&authId=whatever`);
    await seen(phone.getByText(TEXTS.withoutScript, { exact: true }));
    assert.doesNotMatch(await landingText(phone), RESULT_CLAIM);
  });
});

test('a link the SDK cannot finish (a bad asc) says so plainly and claims nothing', async () => {
  await inContext(IPHONE, async (context) => {
    const phone = await context.newPage();
    await phone.goto(`${stack.appUrl}/link-opened.html?asc=bogus&authId=not-a-flow`);
    await seen(phone.getByText(TEXTS.failed, { exact: true }));
    assert.doesNotMatch(await landingText(phone), RESULT_CLAIM);
  });
});
