import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { a11ySnapshot, findAccessibilityNode } from '@web/test-runner-commands';
import sinon from 'sinon';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { FakeSdk } from '../support/fake-sdk.js';
import { nth } from '../support/nth.js';
import {
  backendFor,
  buttonByName,
  fillDetails,
  focused,
  hasButton,
  inputByLabel,
  requestsSent,
  root,
  text,
  type,
  until,
  untilStep,
} from '../support/dom.js';

async function mountDesktop(scenario = 'ok', resendAfter = 0) {
  const backend = backendFor(scenario);
  const sdk = new FakeSdk();
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify backend-url=${backend.url} possession-type="desktop" final-target-url="https://example.com/done" resend-after=${resendAfter} .sdk=${sdk}></prove-verify>`,
  );
  await fillDetails(el);
  buttonByName(el, 'Verify').click();
  await untilStep(el, 'link-waiting');
  return { el, sdk, backend };
}

describe('<prove-verify> desktop flow (Instant Link)', () => {
  it('waits for the link with only the last four digits shown, then shows success', async () => {
    const { el, sdk, backend } = await mountDesktop();
    const verify = nth(await requestsSent(backend.id), 0, 'request to the backend');
    expect(verify.body).to.deep.equal({
      firstName: 'Addy',
      lastName: 'Epinay',
      phoneNumber: '+12001004010',
      possessionType: 'desktop',
      finalTargetUrl: 'https://example.com/done',
    });
    expect(sdk.runAt(0).possession).to.equal('desktop');
    expect(text(el)).to.contain('A text message with a link was just sent to the phone ending in 4010.');
    expect(text(el)).not.to.contain('200');
    expect(focused(el)?.textContent).to.equal('Check your Phone');
    await expect(el).to.be.accessible();

    const success = oneEvent(el, 'prove-verify-success');
    sdk.runAt(0).openLink();
    await success;
    await untilStep(el, 'success');
    expect(text(el)).to.contain('Phone number verified');
    const heading = focused(el)!;
    expect(heading.textContent).to.equal('Phone number verified');
    expect(el.shadowRoot!.getElementById(heading.getAttribute('aria-describedby')!)?.textContent).to.equal(
      'Thank you, your phone number is confirmed.',
    );
  });

  it('still says what to do, and lets the person cancel, when the SDK offers no resend', async () => {
    const backend = backendFor();
    const sdk = new FakeSdk();
    sdk.noRetryStep = true;
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url=${backend.url} possession-type="desktop" .sdk=${sdk}></prove-verify>`,
    );
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-sending');
    expect(text(el)).to.contain(
      'A text message with a link is being sent to the phone ending in 4010. Open the link on your phone to continue',
    );
    // The resend wait is a line of text; "Use a different number" is held (the SDK would not take it).
    expect(text(el)).to.contain('A new link can be sent in 0:30.');
    expect(buttonByName(el, 'Use a different number').getAttribute('aria-disabled')).to.equal('true');
    expect(buttonByName(el, 'Cancel').getAttribute('aria-disabled')).to.equal(null);
    await expect(el).to.be.accessible();
    sdk.runAt(0).openLink();
    await untilStep(el, 'success');
  });

  it('says the phone was not confirmed when possession failed, rather than blaming the details', async () => {
    const { el, sdk } = await mountDesktop('nopossession');
    sdk.runAt(0).openLink();
    await untilStep(el, 'failure');
    expect(text(el)).to.contain('We couldn’t confirm that this phone is with you');
    expect(text(el)).not.to.contain('The details did not match');
  });

  it('resends the link and says so', async () => {
    const { el, sdk } = await mountDesktop();
    buttonByName(el, 'Resend link').click();
    await untilStep(el, 'link-sending');
    await untilStep(el, 'link-waiting');
    expect(text(el)).to.contain('We sent a new link.');
    expect(sdk.runAt(0).resends).to.equal(1);
  });

  it('sends the link to a different number (an in-flow backend)', async () => {
    const { el, sdk } = await mountDesktop('ok.in-flow');
    buttonByName(el, 'Use a different number').click();
    await untilStep(el, 'phone-change');
    type(inputByLabel(el, 'Phone number'), '201-555-0123');
    buttonByName(el, 'Send link').click();
    await untilStep(el, 'link-waiting');
    expect(sdk.runAt(0).phoneNumbers).to.deep.equal([null, '+12015550123']);
    expect(text(el)).to.contain('ending in 0123');
  });

  it('cancels: the SDK run is cancelled, the form comes back with what was typed, and an event fires', async () => {
    const { el, sdk, backend } = await mountDesktop();
    const cancelled = oneEvent(el, 'prove-verify-cancel');
    buttonByName(el, 'Cancel').click();
    await cancelled;
    await untilStep(el, 'form');
    expect(sdk.runAt(0).cancelled).to.equal(true);
    // As Prove's guide asks, the waiting step was refused, so the SDK reports the cancel to Prove.
    expect(sdk.runAt(0).refusedSteps).to.deep.equal(['link']);
    expect(inputByLabel(el, 'First name').value).to.equal('Addy');
    expect(inputByLabel(el, 'Phone number').value).to.equal('(200) 100-4010');
    // The SDK's finish step after the refusal, and a link opened after cancelling, change nothing
    // and ask the backend nothing.
    sdk.runAt(0).openLink();
    await until(() => sdk.runAt(0).finishes === 1, 'the SDK never ran its finish step');
    await el.updateComplete;
    expect(el.step).to.equal('form');
    // A status call from that finish would leave before the next flow's start, which is answered.
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal(['verify', 'verify']);
    expect(sdk.runAt(0).finishes).to.equal(1);
  });

  it("shows a failure when the backend says the details don't match, and starts again keeping them", async () => {
    const { el, sdk } = await mountDesktop('nomatch');
    const failure = oneEvent(el, 'prove-verify-failure');
    sdk.runAt(0).openLink();
    const { detail } = await failure;
    expect(detail.result).to.deep.include({ success: false, verifyResult: 'failed' });
    await untilStep(el, 'failure');
    expect(text(el)).to.contain('We couldn’t verify this phone number');
    buttonByName(el, 'Start again').click();
    await untilStep(el, 'form');
    expect(inputByLabel(el, 'Last name').value).to.equal('Epinay');
  });
});

/** What the person is told when the connection drops during the link wait, and when it is back. */
const LOST = 'Connection lost — keep this page open. We’ll check again once you’re back online.';
const BACK = 'You’re back online. Still waiting for the link to be opened.';
const KEEP_OPEN = 'Keep this page open; it updates by itself.';

describe('<prove-verify> desktop flow: the connection lost while the link is awaited', () => {
  afterEach(() => {
    // The browser's own `navigator.onLine` again (see `offlineFor`), and its clock.
    Reflect.deleteProperty(navigator, 'onLine');
    sinon.restore();
  });

  /** At the link wait; `clock`: the element's ticker and `Date` faked from before Verify. */
  async function atLinkWait(scenario = 'ok', { clock = false } = {}) {
    const backend = backendFor(scenario);
    const sdk = new FakeSdk();
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url=${backend.url} possession-type="desktop" resend-after="0" .sdk=${sdk}></prove-verify>`,
    );
    await fillDetails(el);
    const fake = clock
      ? sinon.useFakeTimers({ now: Date.now(), toFake: ['setInterval', 'clearInterval', 'Date'] })
      : undefined;
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    return { el, sdk, run: sdk.runAt(0), backend, clock: fake };
  }

  const calls = async (id: string) => (await requestsSent(id)).map((r) => r.call);
  /** The element's own polite live region (the last child of its shadow root, after the step). */
  const liveRegion = (el: ProveVerifyElement) =>
    [...root(el).children].find((child) => child.matches('p[role="status"]'))!;
  const timeLeft = (el: ProveVerifyElement) => /The link expires in \d:\d\d\./.exec(text(el))?.[0];

  /** The browser offline (`navigator.onLine` false, then its `offline` event) until the answer is called. */
  function offlineFor(): () => void {
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    window.dispatchEvent(new Event('offline'));
    return () => {
      Reflect.deleteProperty(navigator, 'onLine');
      window.dispatchEvent(new Event('online'));
    };
  }

  it('says so at once, on screen and once to screen readers, while the countdown goes on; focus stays; nothing is sent', async () => {
    const { el, backend, clock } = await atLinkWait('ok', { clock: true });
    expect(text(el)).to.contain(KEEP_OPEN);
    buttonByName(el, 'Cancel').focus();
    const said: string[] = [];
    new MutationObserver(() => said.push(liveRegion(el).textContent.trim())).observe(liveRegion(el), {
      subtree: true,
      childList: true,
      characterData: true,
    });
    offlineFor();
    await el.updateComplete;
    expect(text(el)).to.contain(LOST);
    expect(text(el)).not.to.contain(KEEP_OPEN);
    expect(liveRegion(el).textContent.trim()).to.equal(LOST);
    expect(focused(el)?.textContent?.trim()).to.equal('Cancel');
    const before = timeLeft(el);
    clock!.tick(3000);
    await el.updateComplete;
    expect(timeLeft(el)).not.to.equal(before);
    // Said once: the clock's ticks leave the live region alone.
    expect(said.filter(Boolean)).to.deep.equal([LOST]);
    expect(focused(el)?.textContent?.trim()).to.equal('Cancel');
    expect(await calls(backend.id)).to.deep.equal(['verify']);
    await expect(el).to.be.accessible();
  });

  it('back online: the backend is asked for the result first, and the result is shown; nothing is sent again', async () => {
    const { el, sdk, run, backend } = await atLinkWait();
    const online = offlineFor();
    await el.updateComplete;
    const success = oneEvent(el, 'prove-verify-success');
    online();
    await success;
    await untilStep(el, 'success');
    expect(text(el)).to.contain('Phone number verified');
    expect(await calls(backend.id)).to.deep.equal(['verify', 'verify-status']);
    expect(sdk.runs).to.have.length(1);
    expect(run.resends).to.equal(0);
    // The SDK waits no more: its run (and status socket) is closed.
    expect(run.cancelled).to.equal(true);
  });

  it('back online with no result yet while the SDK still waits: the wait goes on, and is said to go on', async () => {
    const { el, run, backend } = await atLinkWait('status-pending1');
    const online = offlineFor();
    await el.updateComplete;
    online();
    await until(async () => (await calls(backend.id)).length === 2, 'the backend was never asked');
    await until(
      () => liveRegion(el).textContent.trim() === BACK,
      () => `the live region says "${liveRegion(el).textContent}"`,
    );
    expect(el.step).to.equal('link-waiting');
    expect(text(el)).not.to.contain(LOST);
    expect(text(el)).to.contain(KEEP_OPEN);
    // The same SDK run goes on: the link opened now verifies.
    run.openLink();
    await untilStep(el, 'success');
    expect(await calls(backend.id)).to.deep.equal(['verify', 'verify-status', 'verify-status']);
  });

  it('the SDK gave its wait up while offline: back online, no result, so a new link is offered, and sent only when asked', async () => {
    const { el, sdk, run, backend } = await atLinkWait('status-pending1');
    const online = offlineFor();
    // A minute offline, the SDK's socket stalls, and its report of that fails too.
    run.report('Failed to fetch');
    await until(() => run.finishes === 1, 'the SDK never finished');
    await el.updateComplete;
    expect(el.step).to.equal('link-waiting');
    expect(text(el)).to.contain(LOST);
    expect(await calls(backend.id)).to.deep.equal(['verify'], 'nothing is asked while the browser is offline');
    const error = oneEvent(el, 'prove-verify-error');
    online();
    expect((await error).detail).to.deep.include({ code: 'network', recoverable: true });
    await untilStep(el, 'expired');
    expect(focused(el)?.textContent).to.equal('The wait was interrupted');
    expect(text(el)).to.contain(
      'The connection dropped before the link was opened. Send a new link, or use a different number.',
    );
    expect(hasButton(el, 'Use a different number')).to.equal(true);
    expect(await calls(backend.id)).to.deep.equal(['verify', 'verify-status']);
    expect(sdk.runs).to.have.length(1);
    expect(run.resends).to.equal(0);
    await expect(el).to.be.accessible();
    buttonByName(el, 'Send a new link').click();
    await untilStep(el, 'link-waiting');
    expect(await calls(backend.id)).to.deep.equal(['verify', 'verify-status', 'verify']);
    expect(sdk.runs).to.have.length(2);
  });

  it('the status socket lost while the page is online: asked at once, and again, until the backend can answer', async () => {
    const { el, run, backend } = await atLinkWait('status-unavailable');
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    run.report(
      'Failed to receive secondary authentication with status code 1006. The connection was closed unexpectedly without a close frame',
    );
    await until(async () => (await calls(backend.id)).length === 2, 'the backend was never asked');
    await el.updateComplete;
    expect(text(el)).to.contain(LOST);
    // The backend answered 503 with Retry-After: 5; asked again then, not before.
    clock.tick(4900);
    expect(await calls(backend.id)).to.have.length(2);
    clock.tick(100);
    await untilStep(el, 'success');
    expect(await calls(backend.id)).to.deep.equal(['verify', 'verify-status', 'verify-status']);
  });

  it("the link's time running out while offline: the backend is still asked first once back", async () => {
    const { el, backend, clock } = await atLinkWait('ok', { clock: true });
    const online = offlineFor();
    clock!.tick(181_000);
    await el.updateComplete;
    expect(el.step).to.equal('link-waiting');
    expect(text(el)).to.contain(LOST);
    online();
    await untilStep(el, 'success');
    expect(await calls(backend.id)).to.deep.equal(['verify', 'verify-status']);
  });

  it('stops listening for the connection when the attempt ends (Cancel, a result, the element removed)', async () => {
    const added = sinon.spy(window, 'addEventListener');
    const signals = () =>
      added
        .getCalls()
        .filter((call) => call.args[0] === 'online' || call.args[0] === 'offline')
        .map((call) => (call.args[2] as AddEventListenerOptions | undefined)?.signal);
    const ends: [string, (el: ProveVerifyElement, run: FakeSdk['runs'][0]) => unknown][] = [
      ['Cancel', (el) => buttonByName(el, 'Cancel').click()],
      ['a result', (_el, run) => run.openLink()],
      ['removed', (el) => el.remove()],
    ];
    for (const [end, act] of ends) {
      added.resetHistory();
      const { el, run } = await atLinkWait();
      expect(signals(), end).to.have.length(2);
      expect(
        signals().every((signal) => signal && !signal.aborted),
        end,
      ).to.equal(true);
      act(el, run);
      await until(() => signals().every((signal) => signal!.aborted), `the listeners outlived the attempt (${end})`);
    }
  });

  it('reads "continue. We sent a new link." with its space, and "Keep this page open" with the heading; every line starts at one edge', async () => {
    const { el } = await atLinkWait();
    buttonByName(el, 'Resend link').click();
    await untilStep(el, 'link-sending');
    await untilStep(el, 'link-waiting');
    type AxNode = { name: string; role: string; description?: string; children: AxNode[] };
    // The browser's own accessibility tree: its description is what a screen reader reads.
    const tree = (await a11ySnapshot({})) as unknown as AxNode;
    const headings: AxNode[] = [];
    findAccessibilityNode<AxNode>(
      tree,
      (node) => (node.role === 'heading' && node.name === 'Check your Phone' && headings.push(node), false),
    );
    // This test's element is the page's last (one a failed test left behind would come first).
    const heading = headings.at(-1)!;
    expect(heading.description).to.equal(
      `A text message with a link was just sent to the phone ending in 4010. Open the link on your phone to continue. We sent a new link. ${KEEP_OPEN}`,
    );
    const section = root(el).querySelector('section')!;
    const edge = section.getBoundingClientRect().left;
    // Each line at the edge, its text from it; the spinner first in its row, with no margin before
    // it (its box turns as it spins, so its rectangle is no measure).
    for (const line of section.children)
      expect(line.getBoundingClientRect().left, line.className || line.textContent).to.be.closeTo(edge, 1);
    const spinner = section.querySelector('.spinner')!;
    expect(spinner.parentElement!.firstElementChild).to.equal(spinner);
    expect(getComputedStyle(spinner).marginInlineStart).to.equal('0px');
    for (const text of section.querySelectorAll<HTMLElement>('h2, p'))
      expect(getComputedStyle(text).textAlign, text.textContent).to.be.oneOf(['start', 'left']);
  });
});
