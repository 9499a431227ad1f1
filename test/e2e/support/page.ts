/**
 * What a person does and sees on the demo pages, in Playwright terms. Locators pierce the
 * element's open shadow root, so `getByLabel('First name')` finds the input inside it.
 * playwright-core has no `expect`: `seen()` and `until()` are the assertions, each failing with a
 * message that says what was missing.
 */
import assert from 'node:assert/strict';
import type { BrowserContext, Locator, Page, Request } from 'playwright-core';
import { ADDY } from './stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it answers something truthy; fails with `what` (and the last value) otherwise. */
export async function until<T>(what: string, check: () => T | Promise<T>, timeout = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      lastError = error;
    }
    await sleep(50);
  }
  const detail =
    lastError instanceof Error ? ` (last error: ${lastError.message})` : ` (last value: ${JSON.stringify(last)})`;
  throw new Error(`timed out after ${timeout} ms waiting for ${what}${detail}`);
}

/** Asserts that the locator becomes visible (exactly one match: Playwright's strict mode). */
export async function seen(locator: Locator, timeout = 10_000): Promise<Locator> {
  try {
    await locator.waitFor({ state: 'visible', timeout });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`expected to see ${locator.toString()}: ${reason}`, { cause: error });
  }
  return locator;
}

/** Whether this element has the focus: inside the element's shadow root, the root's activeElement. */
export function isFocused(locator: Locator, timeout = 1_000): Promise<boolean> {
  return locator.evaluate(
    (node) => {
      const root = node.getRootNode() as Document | ShadowRoot;
      if (root.activeElement !== node) return false;
      // And the shadow host (if any) is what the document has focused.
      return root instanceof ShadowRoot ? document.activeElement === root.host : true;
    },
    undefined,
    { timeout },
  );
}

/** Asserts that the element gets the focus (the element moves it there as its state changes). */
export async function focused(locator: Locator, timeout = 5_000): Promise<void> {
  await seen(locator, timeout);
  await until(`${locator.toString()} to have the focus`, () => isFocused(locator), timeout);
}

/** The element's fields, by their visible labels. */
export function fields(page: Page) {
  return {
    firstName: page.getByLabel('First name', { exact: true }),
    lastName: page.getByLabel('Last name', { exact: true }),
    phone: page.getByLabel('Phone number', { exact: true }),
    code: page.getByLabel('Verification code', { exact: true }),
  };
}

export const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
export const heading = (page: Page, name: string) => page.getByRole('heading', { name, exact: true });

/** Types the person's details and presses Verify. */
export async function submitDetails(
  page: Page,
  who: { firstName: string; lastName: string; phone: string } = ADDY,
): Promise<void> {
  const f = fields(page);
  await seen(f.firstName);
  await f.firstName.fill(who.firstName);
  await f.lastName.fill(who.lastName);
  await f.phone.fill(who.phone);
  await button(page, 'Verify').click();
}

/**
 * Sets the element's `resendAfter` (seconds before "Resend code"/"Resend link" can be pressed;
 * 30 by default). The element copies its settings when a flow starts, so call this before Verify.
 */
export async function setResendAfter(page: Page, seconds: number): Promise<void> {
  const set = await page.evaluate((value) => {
    const element = document.querySelector<HTMLElement & { resendAfter: number }>('prove-verify');
    if (!element) return undefined;
    element.resendAfter = value;
    return element.resendAfter;
  }, seconds);
  assert.equal(set, seconds, 'the page has a <prove-verify> whose resendAfter took the value');
}

/** Every request the page makes, in order (aborted ones included). */
export function recordRequests(page: Page): Request[] {
  const requests: Request[] = [];
  page.on('request', (request) => requests.push(request));
  return requests;
}

const pathOf = (request: Request) => new URL(request.url()).pathname;

/** The JSON bodies the page posted to the backend's start call. */
export function verifyBodies(requests: Request[]): Record<string, unknown>[] {
  return requests
    .filter((r) => r.method() === 'POST' && pathOf(r) === '/api/verify')
    .map((r) => r.postDataJSON() as Record<string, unknown>);
}

export function requestsFor(requests: Request[], pathname: string | RegExp): Request[] {
  return requests.filter((r) => (typeof pathname === 'string' ? pathOf(r) === pathname : pathname.test(pathOf(r))));
}

/** Uncaught errors of every page of a context; a test ends by asserting there were none. */
export function watchPageErrors(context: BrowserContext): string[] {
  const errors: string[] = [];
  const watch = (page: Page) => page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  context.pages().forEach(watch);
  context.on('page', watch);
  return errors;
}

// --- The demo page (/) -------------------------------------------------------------------------

/** Opens the demo page and waits until the element and the page script are running. */
export async function openDemo(page: Page, appUrl: string): Promise<void> {
  await page.goto(`${appUrl}/`);
  // The mode line is filled in by demo/main.ts once /api/config answered.
  await seen(page.getByText('Local sandbox emulator', { exact: true }));
  // demo/main.ts is one module: once it has run (the mode line above), it has registered the tag.
  const registered = await page.evaluate(() => customElements.get('prove-verify') !== undefined);
  assert.ok(registered, 'the demo page registered <prove-verify> (demo/main.ts imports src/prove-verify.js)');
  await seen(fields(page).firstName);
}

/** The demo's flow chooser. */
export async function chooseFlow(page: Page, flow: 'Auto' | 'Mobile' | 'Desktop'): Promise<void> {
  const radio = page.getByRole('radio', { name: new RegExp(`^${flow}`) });
  await radio.check();
  assert.equal(await radio.isChecked(), true, `the ${flow} flow is chosen`);
}

/** The events log of the demo page. */
export const eventsLog = (page: Page) => page.getByRole('log', { name: 'Element events' });

export async function loggedEvent(page: Page, name: string): Promise<void> {
  await seen(eventsLog(page).getByText(name, { exact: true }).last());
}

/**
 * The "Simulated phone" panel: the current flow's texts for the watched number, newest first; it
 * hides the texts of earlier flows and says how many (`data-earlier` on its list). Waits until the
 * panel accounts for `count` texts in all (shown + hidden earlier ones, so `inbox.count()` before a
 * flow + the texts it sent) and answers the newest one as the person reads it.
 */
export async function phoneShows(page: Page, count: number, to: string = ADDY.e164) {
  const { list, messages } = phoneMessages(page, to);
  const earlier = async () => Number((await list.getAttribute('data-earlier')) ?? 0);
  // The panel polls the emulator every 1.5 s while a flow runs.
  await until(
    `the simulated phone to account for ${count} message(s)`,
    async () => (await messages.count()) + (await earlier()) >= count,
    10_000,
  );
  assert.equal(
    (await messages.count()) + (await earlier()),
    count,
    'the simulated phone accounts for exactly the messages sent',
  );
  return newestMessage(messages);
}

/** The panel's list and the texts it shows to `to`. */
export function phoneMessages(page: Page, to: string = ADDY.e164) {
  const list = page.getByRole('list', { name: 'Messages', exact: true });
  return { list, messages: list.getByRole('listitem').filter({ hasText: `to ${to}` }) };
}

/**
 * Waits until the "Simulated phone" panel shows exactly `count` texts of the current flow (the ones
 * sent since the element's last `starting` step) and answers the newest, as the person reads it.
 */
export async function phoneShowsCurrentFlow(page: Page, count: number, to: string = ADDY.e164) {
  const { messages } = phoneMessages(page, to);
  await until(
    `the simulated phone to show ${count} message(s) of this flow`,
    async () => (await messages.count()) === count,
    10_000,
  );
  return newestMessage(messages);
}

async function newestMessage(messages: Locator) {
  const newest = messages.first();
  const text = await newest.innerText();
  const link = newest.getByRole('link', { name: 'Open the Instant Link (new tab)', exact: true });
  return {
    text,
    code: /Code:\s*(\d+)/.exec(text)?.[1],
    link: (await link.count()) > 0 ? await link.getAttribute('href') : null,
  };
}
