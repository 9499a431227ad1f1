/**
 * The backend contract's answers beyond the happy path: a start call that already has the verdict
 * (Prove refused the person at once), a status call that answers 202 while Prove has no result,
 * and 429 with Retry-After on either call. The backend is real HTTP (test/support/fake-backend.mjs).
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { FakeSdk } from '../support/fake-sdk.js';
import {
  alertText,
  backendFor,
  buttonByName,
  fillDetails,
  focused,
  liveText,
  requestsSent,
  text,
  type,
  inputByLabel,
  fakeClockFrom,
  until,
  untilStep,
  watchFetches,
} from '../support/dom.js';

async function mount(scenario: string, possession: 'mobile' | 'desktop' = 'mobile') {
  const backend = backendFor(scenario);
  const sdk = new FakeSdk();
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify backend-url=${backend.url} possession-type=${possession} .sdk=${sdk}></prove-verify>`,
  );
  await fillDetails(el);
  return { el, sdk, backend };
}

const calls = async (id: string) => (await requestsSent(id)).map((r) => r.call);

/** Reaches the status call with the right code. */
async function confirmCode(el: ProveVerifyElement) {
  buttonByName(el, 'Verify').click();
  await untilStep(el, 'otp-entry');
  type(inputByLabel(el, /code/i), '1234');
  buttonByName(el, 'Confirm code').click();
}

describe('<prove-verify> and the backend contract', () => {
  afterEach(() => sinon.restore());

  it('shows the failure at once when the start call already has it, and never runs the SDK', async () => {
    const { el, sdk, backend } = await mount('verify-refused');
    const failure = oneEvent(el, 'prove-verify-failure');
    buttonByName(el, 'Verify').click();
    expect((await failure).detail.result).to.deep.equal({
      success: false,
      possessionResult: 'not_applicable',
      verifyResult: 'failed',
    });
    await untilStep(el, 'failure');
    expect(text(el)).to.contain('We couldn’t verify this phone number');
    expect(focused(el)?.textContent).to.equal('We couldn’t verify this phone number');
    // No code or link was ever sent: the reason says what is true.
    expect(el.shadowRoot!.getElementById('outcome-body')!.textContent).to.equal(
      'We couldn’t verify this phone number with these details. Check them and try again.',
    );
    expect(sdk.runs).to.have.length(0);
    expect(await calls(backend.id)).to.deep.equal(['verify']);
  });

  it('sends the flowId the start answered back with the status call, for this flow only', async () => {
    const { el, backend } = await mount('flow-id');
    await confirmCode(el);
    await untilStep(el, 'success');
    expect((await requestsSent(backend.id)).map((r) => [r.call, r.body.flowId])).to.deep.equal([
      ['verify', undefined],
      ['verify-status', 'flow-1'],
    ]);
  });

  it('asks again while the status call answers 202, then shows the result', async () => {
    const { el, backend } = await mount('status-pending1');
    const status = watchFetches('/verify-status');
    const clock = fakeClockFrom(el, 'verifying');
    try {
      const success = oneEvent(el, 'prove-verify-success');
      await confirmCode(el);
      // The 202 read, the element waits a second (the one timer there is) before asking again.
      await until(() => status.read === 1, 'the 202 was never read');
      expect(el.step).to.equal('verifying');
      const before = clock().now;
      clock().next();
      expect(clock().now - before).to.equal(1000);
      await success;
    } finally {
      status.stop();
    }
    await untilStep(el, 'success');
    expect(await calls(backend.id)).to.deep.equal(['verify', 'verify-status', 'verify-status']);
  });

  it('gives up after 30 s of 202 (after 1, 2, 4, 8, 8 s), with "Try again" for the status call only', async () => {
    const { el, backend, sdk } = await mount('status-pending');
    const status = watchFetches('/verify-status');
    const clock = fakeClockFrom(el, 'verifying');
    try {
      const error = oneEvent(el, 'prove-verify-error');
      await confirmCode(el);
      // Once the element has read a 202, its wait before asking again is the one timer there is:
      // the clock jumps to it, and the next call leaves.
      const waits: number[] = [];
      for (let asked = 1; asked < 6; asked++) {
        await until(() => status.read === asked, `status answer ${asked} was never read`);
        const before = clock().now;
        clock().next();
        waits.push(clock().now - before);
      }
      expect(waits).to.deep.equal([1000, 2000, 4000, 8000, 8000]);
      // The sixth 202 comes 23 s in: another 8 s would pass 30 s, so the element gives up.
      expect((await error).detail).to.deep.include({ code: 'pending', recoverable: true });
      expect(status.read).to.equal(6);
      expect(clock().countTimers(), 'no wait left').to.equal(0);
    } finally {
      status.stop();
    }
    // The real clock again (afterEach would put it back too): "Try again" waits for nothing.
    clock().restore();
    await untilStep(el, 'error');
    expect((await calls(backend.id)).filter((c) => c === 'verify-status')).to.have.length(6);
    expect(alertText(el)).to.contain('The result is not ready yet. Try again in a moment.');
    buttonByName(el, 'Try again').click();
    await until(async () => (await calls(backend.id)).length === 8, 'Try again asks the backend again');
    expect((await calls(backend.id)).filter((c) => c === 'verify')).to.have.length(1);
    expect(sdk.runs).to.have.length(1);
  });

  it('after a 429 on the start call: says the wait once, counts it down for the eyes only, holds "Try again" with focus on it, then starts', async () => {
    const { el, backend } = await mount('verify-429');
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setInterval', 'clearInterval', 'Date'] });
    const error = oneEvent(el, 'prove-verify-error');
    buttonByName(el, 'Verify').click();
    expect((await error).detail).to.deep.include({
      code: 'rate-limited',
      status: 429,
      retryAfter: 3,
      recoverable: true,
    });
    await untilStep(el, 'error');
    // One button: "Verify" became "Try again" (no second one in the alert); it has focus, and holds.
    const retry = buttonByName(el, 'Try again');
    expect(el.shadowRoot!.querySelectorAll('button').length).to.equal(1);
    expect(focused(el) === retry, 'focus on "Try again"').to.equal(true);
    expect(retry.getAttribute('aria-disabled')).to.equal('true');
    expect(retry.disabled, 'never disabled: focus would fall to the page').to.equal(false);
    expect(alertText(el)).to.equal('Too many attempts for now. You can try again in 3 seconds.');
    const ticking = el.shadowRoot!.querySelector('.alert [aria-hidden="true"]')!;
    expect(ticking.textContent).to.equal('You can try again in 0:03.');
    const heard = liveText(el);
    retry.click();
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    await el.updateComplete;
    expect(await calls(backend.id), 'nothing sent during the wait').to.deep.equal(['verify']);
    expect(focused(el) === retry, 'focus stays on "Try again"').to.equal(true);
    clock.tick(1000);
    await el.updateComplete;
    expect(ticking.textContent).to.equal('You can try again in 0:02.');
    expect(liveText(el), 'the alert is not re-read as the clock ticks').to.deep.equal(heard);
    clock.tick(2000);
    await el.updateComplete;
    // The end of the wait is said once, politely; the alert itself is unchanged.
    expect(liveText(el)).to.deep.equal([heard[0], 'You can try again now.', ...heard.slice(2)]);
    expect(el.shadowRoot!.querySelector('.alert [aria-hidden="true"]') === null, 'the countdown is gone').to.equal(
      true,
    );
    expect(retry.getAttribute('aria-disabled')).to.equal('false');
    retry.click();
    await until(async () => (await calls(backend.id)).length === 2, 'Try again starts again');
  });

  it('says to wait after a 429 on the status call', async () => {
    const { el } = await mount('status-429');
    // The element's clock only (its ticker and Date): the time left is what the element says, exactly.
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setInterval', 'clearInterval', 'Date'] });
    const error = oneEvent(el, 'prove-verify-error');
    await confirmCode(el);
    expect((await error).detail).to.deep.include({ code: 'rate-limited', retryAfter: 3 });
    await untilStep(el, 'error');
    expect(alertText(el)).to.equal('Too many attempts for now. You can try again in 3 seconds.');
    const retry = buttonByName(el, 'Try again');
    expect(focused(el) === retry, 'focus on "Try again"').to.equal(true);
    expect(retry.getAttribute('aria-disabled')).to.equal('true');
    const heard = liveText(el);
    retry.click();
    clock.tick(1000);
    await el.updateComplete;
    expect(liveText(el), 'the alert is not re-read as the clock ticks').to.deep.equal(heard);
    expect(text(el)).to.contain('You can try again in 0:02.');
    expect(await calls(el.getAttribute('backend-url')!.split('/')[2]!), 'nothing sent during the wait').to.deep.equal([
      'verify',
      'verify-status',
    ]);
    clock.tick(2000);
    await el.updateComplete;
    expect(retry.getAttribute('aria-disabled')).to.equal('false');
    expect(liveText(el)).to.include('You can try again now.');
  });
});
