/**
 * Faults of the page, end to end: the CDN build, Prove's real SDK, the demo backend and the
 * sandbox emulator, in headless Chromium. The network drops and comes back, the tab is hidden
 * for minutes, the element is moved, two elements run at once, attributes change mid-flow. Each
 * ends in a clear state with a way forward, keeps what was typed, fires exactly one
 * `-error`/`-failure` where something went wrong, rejects no promise unhandled, and leaves no
 * status socket open.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ADDY, DESKTOP, IPHONE, type Stack, startStackAndBrowser } from '../e2e/support/stack.js';
import { seen, until, watchPageErrors } from '../e2e/support/page.js';

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

before(async () => {
  ({ stack, browser } = await startStackAndBrowser());
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

interface Seen {
  type: string;
  id: string;
  detail: Record<string, unknown>;
}

/**
 * A page of the site's own on the backend's origin, served from loopback as the demo is (Chromium
 * keeps pages it did not load from a loopback server out of loopback addresses): the CDN page,
 * its body replaced by `elements`. It records every event of the elements and every unhandled
 * rejection.
 */
async function openPage(profile: typeof DESKTOP, elements: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext(profile);
  contexts.push(context);
  const errors = watchPageErrors(context);
  const page = await context.newPage();
  await page.goto(`${stack.appUrl}/cdn.html`);
  await page.waitForFunction(() => customElements.get('prove-verify') !== undefined);
  // A string, not a function: what the test compiler adds to functions does not exist in the page.
  await page.evaluate(`
    window.seen = [];
    window.rejections = [];
    for (const type of ['prove-verify-step', 'prove-verify-success', 'prove-verify-failure', 'prove-verify-error', 'prove-verify-cancel']) {
      document.addEventListener(type, (e) => seen.push({ type, id: e.target.id, detail: e.detail }), true);
    }
    addEventListener('unhandledrejection', (e) => rejections.push(String(e.reason)));
    document.body.innerHTML = '<main id="first-home">' + ${JSON.stringify(elements)} + '</main><aside id="second-home"></aside>';
  `);
  return { page, errors };
}

/** Says the tab is hidden or shown, as the browser does when a person switches away and back. */
async function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  await page.evaluate(`
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${state}' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${state === 'hidden'} });
    document.dispatchEvent(new Event('visibilitychange'));
  `);
}

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  // Every status socket the SDK opened is closed once its page is gone.
  await until('the emulator to hold no status socket', async () => (await sandboxStats()).sockets === 0, 5_000);
});

async function sandboxStats(): Promise<{ sockets: number }> {
  return (await fetch(`${stack.emulatorUrl}/sandbox/stats`)).json() as Promise<{ sockets: number }>;
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen[] }).seen);
const problems = async (page: Page, id?: string) =>
  (await events(page)).filter((e) => /-(error|failure)$/.test(e.type) && (id === undefined || e.id === id));
const rejections = (page: Page) => page.evaluate(() => (window as unknown as { rejections: string[] }).rejections);

/** How every fault must end: `problems` -error/-failure events in all, no unhandled rejection, no page error. */
async function endsCleanly(page: Page, errors: string[], problemCount: number): Promise<void> {
  assert.equal((await problems(page)).length, problemCount, 'exactly this many -error/-failure events');
  assert.deepEqual(await rejections(page), [], 'no unhandled rejection');
  assert.deepEqual(errors, [], 'no page error');
}

/** One element's parts, found as a person finds them. */
function form(host: Locator) {
  return {
    firstName: host.getByLabel('First name', { exact: true }),
    lastName: host.getByLabel('Last name', { exact: true }),
    phone: host.getByLabel('Phone number', { exact: true }),
    code: host.getByLabel(/code/i).first(),
    button: (name: string) => host.getByRole('button', { name, exact: true }),
    heading: (name: string) => host.getByRole('heading', { name, exact: true }),
    alert: host.getByRole('alert'),
  };
}

async function fill(host: Locator, who: { firstName: string; lastName: string; phone: string } = ADDY) {
  const f = form(host);
  await f.firstName.fill(who.firstName);
  await f.lastName.fill(who.lastName);
  await f.phone.fill(who.phone);
}

/** The bodies of the page's start requests, as sent. */
function startBodies(page: Page): unknown[] {
  const bodies: unknown[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/verify') bodies.push(r.postDataJSON());
  });
  return bodies;
}

const ADDY_START = {
  firstName: ADDY.firstName,
  lastName: ADDY.lastName,
  phoneNumber: ADDY.e164,
  possessionType: 'mobile',
};

async function nextCode(count: number): Promise<string> {
  const [message] = await stack.inbox.after(count);
  assert.ok(message?.otp, 'the text message holds a code');
  return message.otp;
}

/** Back online, "Try again" starts anew: the texted code is entered and the person is verified. */
async function backOnlineVerifies(page: Page, f: ReturnType<typeof form>): Promise<void> {
  await page.context().setOffline(false);
  const before = await stack.inbox.count();
  await f.button('Try again').click();
  await seen(f.heading('Enter verification code'));
  await f.code.fill(await nextCode(before));
  await seen(f.heading('Phone number verified'));
}

const MOBILE_ELEMENT = '<prove-verify id="one" backend-url="/api" possession-type="mobile"></prove-verify>';

describe('Faults of the page, with the real SDK', () => {
  test('offline at Verify: a network message and "Try again", nothing typed lost; back online, the flow completes', async () => {
    const { page, errors } = await openPage(IPHONE, MOBILE_ELEMENT);
    const host = page.locator('#one');
    const f = form(host);
    const bodies = startBodies(page);
    // The connection drops at Verify, not before: what typing loads is in, so the start request is
    // what fails (going offline before that is the next test). The first focus fetches the flow's
    // code, which brings the phone's own field (with its country selector); a number typed there
    // is formatted once the numbering plan of +1 is in.
    await f.firstName.fill(ADDY.firstName);
    await f.lastName.fill(ADDY.lastName);
    await seen(host.getByRole('combobox', { name: 'Country', exact: true }));
    await f.phone.fill(ADDY.phone);
    await until(
      'the number formatted by its numbering plan',
      async () => (await f.phone.inputValue()) === '(200) 100-4010',
    );
    await page.context().setOffline(true);
    await f.button('Verify').click();
    await seen(
      f.alert.getByText('We couldn’t reach the server. Check your connection and try again.', { exact: true }),
    );
    assert.deepEqual(
      (await problems(page)).map((e) => [e.type, e.detail.code, e.detail.recoverable]),
      [['prove-verify-error', 'network', true]],
    );
    await backOnlineVerifies(page, f);
    // The first start never left the page; "Try again" sent what was typed, unchanged.
    assert.deepEqual(bodies, [ADDY_START, ADDY_START]);
    await endsCleanly(page, errors, 1);
  });

  test("offline before the form's code loaded: says the form could not load, sends nothing; back online, the flow completes", async () => {
    const { page, errors } = await openPage(IPHONE, MOBILE_ELEMENT);
    const host = page.locator('#one');
    const f = form(host);
    const bodies = startBodies(page);
    // Offline from the first focus: the flow's code, which typing fetches, never arrives.
    await page.context().setOffline(true);
    await fill(host);
    await f.button('Verify').click();
    // Not 'couldn’t reach the server': no request to it was made, the form's own code failed.
    await seen(f.alert.getByText('We couldn’t load this form. Check your connection and try again.', { exact: true }));
    assert.deepEqual(
      (await problems(page)).map((e) => [e.type, e.detail.code, e.detail.recoverable]),
      [['prove-verify-error', 'load', true]],
    );
    assert.deepEqual(bodies, [], 'no start request');
    assert.equal(await f.phone.inputValue(), ADDY.phone, 'the number kept as typed');
    await backOnlineVerifies(page, f);
    assert.deepEqual(bodies, [ADDY_START]);
    await endsCleanly(page, errors, 1);
  });

  test('offline while the code is checked: a network message; back online, "Try again" sends a new code that works', async () => {
    const { page, errors } = await openPage(IPHONE, MOBILE_ELEMENT);
    const host = page.locator('#one');
    const f = form(host);
    const bodies = startBodies(page);
    await fill(host);
    const first = await stack.inbox.count();
    await f.button('Verify').click();
    await seen(f.heading('Enter verification code'));
    const code = await nextCode(first);
    await page.context().setOffline(true);
    await f.code.fill(code);
    await seen(f.alert.getByText(/connection/));
    assert.deepEqual(
      (await problems(page)).map((e) => [e.type, e.detail.code]),
      [['prove-verify-error', 'network']],
    );
    await backOnlineVerifies(page, f);
    assert.deepEqual(bodies, [ADDY_START, ADDY_START], 'the new flow started with what was typed');
    await endsCleanly(page, errors, 1);
  });

  test('the tab hidden for four minutes during the link wait: the link has expired on return, and a new link works', async () => {
    const { page, errors } = await openPage(
      DESKTOP,
      '<prove-verify id="one" backend-url="/api" possession-type="desktop"></prove-verify>',
    );
    const host = page.locator('#one');
    const f = form(host);
    await page.clock.install();
    await fill(host);
    await f.button('Verify').click();
    await seen(f.heading('Check your Phone'));
    // Hidden: the laptop lid closes. Time jumps four minutes; timers due meanwhile fire once.
    await setVisibility(page, 'hidden');
    await page.clock.fastForward('04:00');
    await setVisibility(page, 'visible');
    await page.clock.runFor(1_000);
    await seen(host.getByText('The link expired', { exact: true }));
    assert.deepEqual(
      (await problems(page)).map((e) => [e.type, e.detail.code]),
      [['prove-verify-error', 'expired']],
    );
    await until('the expired wait to close its socket', async () => (await sandboxStats()).sockets === 0, 5_000);

    const before = await stack.inbox.count();
    await f.button('Send a new link').click();
    await seen(f.heading('Check your Phone'));
    const [message] = await stack.inbox.after(before);
    assert.ok(message?.link);
    const opened = await fetch(message.link, { redirect: 'manual' });
    assert.ok(opened.status < 400, `the link answered ${opened.status}`);
    await seen(f.heading('Phone number verified'));
    await endsCleanly(page, errors, 1);
  });

  test('moved to another part of the page on the code screen: the same flow goes on and completes', async () => {
    const { page, errors } = await openPage(IPHONE, MOBILE_ELEMENT);
    const host = page.locator('#one');
    const f = form(host);
    await fill(host);
    const before = await stack.inbox.count();
    const starts: string[] = [];
    page.on('request', (r) => r.url().endsWith('/api/verify') && starts.push(r.url()));
    await f.button('Verify').click();
    await seen(f.heading('Enter verification code'));
    await page.evaluate(`document.getElementById('second-home').append(document.getElementById('one'))`);
    assert.equal(await page.locator('#second-home #one').count(), 1);
    await seen(f.heading('Enter verification code'));
    await f.code.fill(await nextCode(before));
    await seen(f.heading('Phone number verified'));
    assert.equal(starts.length, 1, 'one flow, not restarted by the move');
    await endsCleanly(page, errors, 0);
  });

  test('two elements running at once: each reads its own result (one person passes, the other does not)', async () => {
    const { page, errors } = await openPage(
      IPHONE,
      `${MOBILE_ELEMENT}<prove-verify id="two" backend-url="/api" possession-type="mobile"></prove-verify>`,
    );
    const [one, two] = [page.locator('#one'), page.locator('#two')];
    await fill(one);
    // Same phone, another name: possession passes, Verified Users does not.
    await fill(two, { ...ADDY, lastName: 'Somebodyelse' });
    const before = await stack.inbox.count();
    await form(one).button('Verify').click();
    await seen(form(one).heading('Enter verification code'));
    await form(two).button('Verify').click();
    await seen(form(two).heading('Enter verification code'));
    const [first, second] = await stack.inbox.after(before, { atLeast: 2 });
    // The first flow finishes after the second started: it must still read its own verdict.
    await form(one).code.fill(first!.otp!);
    await seen(form(one).heading('Phone number verified'));
    await form(two).code.fill(second!.otp!);
    await seen(form(two).heading('We couldn’t verify this phone number'));
    const outcomes = (await events(page))
      .filter((e) => /-(success|failure|error)$/.test(e.type))
      .map((e) => [e.id, e.type]);
    assert.deepEqual(outcomes, [
      ['one', 'prove-verify-success'],
      ['two', 'prove-verify-failure'],
    ]);
    await endsCleanly(page, errors, 1);
  });

  test('attributes changed mid-flow: the running flow keeps its backend and possession, and completes', async () => {
    const { page, errors } = await openPage(IPHONE, MOBILE_ELEMENT);
    const paths: string[] = [];
    page.on('request', (r) => paths.push(new URL(r.url()).pathname));
    const host = page.locator('#one');
    const f = form(host);
    await fill(host);
    const before = await stack.inbox.count();
    await f.button('Verify').click();
    await seen(f.heading('Enter verification code'));
    await page.evaluate(`
      const el = document.getElementById('one');
      el.setAttribute('backend-url', '/nowhere');
      el.setAttribute('possession-type', 'desktop');
      el.setAttribute('lang', 'fr');
    `);
    await f.code.fill(await nextCode(before));
    await seen(host.getByRole('heading', { name: /Phone number verified|Numéro de téléphone vérifié/ }));
    assert.deepEqual(
      paths.filter((p) => p.startsWith('/api/') || p.startsWith('/nowhere')),
      ['/api/verify', '/api/verify-status'],
    );
    await endsCleanly(page, errors, 0);
  });
});
