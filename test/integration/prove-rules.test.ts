/**
 * Prove's rules, end to end in the browser: the element, Prove's real SDK (its own file), the
 * demo backend and the sandbox emulator, which is at least as strict as Prove. Every way the SDK
 * can end is forced through the emulator's fault switches and checked as the person sees it, with
 * what went over the wire.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { proveAuthSdk, type ProveSdk } from '../../src/sdk.js';
import {
  alertText,
  buttonByName,
  describedText,
  fakeClockFrom,
  fillDetails,
  hasButton,
  inputByLabel,
  text,
  until,
  untilStep,
  watchFetches,
} from '../support/dom.js';
import {
  armFault,
  disarmFaults,
  emulator,
  enterCode,
  inbox,
  mountLive,
  nextMessage,
  recordRequests,
  stats,
} from '../support/live.js';

let requests: ReturnType<typeof recordRequests>;

beforeEach(() => {
  requests = recordRequests();
});
afterEach(async () => {
  requests.stop();
  sinon.restore();
  await disarmFaults();
});

const statusCalls = () => requests.seen.filter((r) => r.endsWith('/verify-status')).length;

/**
 * The element's clock only (its ticker and Date); requests and rendering stay real. An interval
 * Prove's SDK set before, and clears meanwhile, is the browser's own: cleared there.
 */
const fakeClock = () =>
  sinon.useFakeTimers({
    now: Date.now(),
    toFake: ['setInterval', 'clearInterval', 'Date'],
    shouldClearNativeTimers: true,
  });

/** Prove's real SDK, counting the times it calls the element's finish step (its last callback of a run). */
function countingFinishes() {
  const counted = { finishes: 0, sdk: undefined as unknown as ProveSdk };
  counted.sdk = {
    isMobileWeb: () => proveAuthSdk.isMobileWeb(),
    run: (authToken, possession, steps) =>
      proveAuthSdk.run(authToken, possession, {
        ...steps,
        finish: (failure) => {
          counted.finishes++;
          return steps.finish(failure);
        },
      }),
  };
  return counted;
}

async function reachCode(el: ProveVerifyElement) {
  await fillDetails(el);
  buttonByName(el, 'Verify').click();
  await untilStep(el, 'otp-entry');
}

async function confirm(el: ProveVerifyElement, code: string) {
  enterCode(el, code);
  await untilStep(el, 'otp-checking');
}

async function reachLinkWait(el: ProveVerifyElement) {
  await fillDetails(el);
  buttonByName(el, 'Verify').click();
  await untilStep(el, 'link-waiting');
  await waitUntil(async () => (await stats()).sockets === 1, 'the SDK never opened its status socket', {
    timeout: 5000,
  });
}

describe("Prove's rules with the real SDK: starting", () => {
  // Only the July 2025 contract's /v3/verify can refuse a person at once; Unify always starts.
  it("a start the backend refuses at once shows the failure and never runs Prove's SDK", async () => {
    await armFault('verify-refused');
    const el = await mountLive('mobile', { backend: 'seed-api' });
    await fillDetails(el);
    const failure = oneEvent(el, 'prove-verify-failure');
    buttonByName(el, 'Verify').click();
    expect((await failure).detail.result).to.deep.include({ success: false, verifyResult: 'failed' });
    await untilStep(el, 'failure');
    expect(text(el)).to.contain('We couldn’t verify this phone number');
    // The SDK was fetched at the first keystroke (so no flow waits for it), but never ran: not one
    // call to Prove's client API.
    expect(requests.seen).to.deep.equal(['POST /live/seed-api/verify']);
  });

  it('a 429 from Prove reaches the page as a wait with its Retry-After, then the flow starts', async () => {
    await armFault('rate-limited', { retryAfter: 3 });
    const el = await mountLive('mobile');
    await fillDetails(el);
    const clock = fakeClock();
    const error = oneEvent(el, 'prove-verify-error');
    buttonByName(el, 'Verify').click();
    expect((await error).detail).to.deep.include({ code: 'rate-limited', status: 429, retryAfter: 3 });
    await untilStep(el, 'error');
    expect(alertText(el)).to.equal('Too many attempts for now. You can try again in 3 seconds.');
    expect(text(el)).to.contain('You can try again in 0:03.');
    expect(buttonByName(el, 'Try again').getAttribute('aria-disabled')).to.equal('true');
    clock.tick(2000);
    await el.updateComplete;
    expect(
      buttonByName(el, 'Try again').getAttribute('aria-disabled'),
      'held a second before the wait is over',
    ).to.equal('true');
    clock.tick(1000);
    await el.updateComplete;
    expect(buttonByName(el, 'Try again').getAttribute('aria-disabled')).to.equal('false');
    // The clock stays where it is (afterEach puts it back): turned back, the wait would hold again.
    buttonByName(el, 'Try again').click();
    await untilStep(el, 'otp-entry');
  });

  it('a number Prove refuses is a phone field error, with the number kept', async () => {
    await armFault('phone-rejected');
    const el = await mountLive('mobile');
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'phone-change');
    expect(text(el)).to.contain('This number can’t receive our text. Check it or use another one.');
    expect(inputByLabel(el, 'Phone number').value).to.equal('(200) 100-4010');
    const before = (await inbox()).length;
    buttonByName(el, 'Send code').click();
    await untilStep(el, 'otp-entry');
    expect((await nextMessage(before)).otp).to.equal('1234');
    expect(text(el)).to.contain('You can ask for a new code 2 more times.');
  });
});

describe("Prove's rules with the real SDK: codes", () => {
  it('with allowOTPRetry off, one wrong code ends possession: the failure says so, with "Start again"', async () => {
    const el = await mountLive('mobile', { backend: 'noretry-api' });
    await reachCode(el);
    const failure = oneEvent(el, 'prove-verify-failure');
    await confirm(el, '0000');
    expect((await failure).detail.result).to.deep.include({ success: false, possessionResult: 'failed' });
    await untilStep(el, 'failure');
    expect(text(el)).to.contain('That code didn’t work, and no more tries are allowed. Start again to get a new code.');
    expect(hasButton(el, 'Start again')).to.equal(true);
  });

  it('a code past its lifetime reads "expired", and "Send a new code" brings one that works', async () => {
    const el = await mountLive('mobile', { resendAfter: 600 });
    await reachCode(el);
    await armFault('otp-expired');
    await confirm(el, '1234');
    await untilStep(el, 'otp-entry');
    expect(describedText(el, buttonByName(el, 'Send a new code'))).to.deep.equal([
      'Error: This code has expired. Send a new code to continue.',
    ]);
    expect(text(el)).not.to.contain('didn’t work');
    const before = (await inbox()).length;
    buttonByName(el, 'Send a new code').click();
    await untilStep(el, 'otp-sending');
    await untilStep(el, 'otp-entry');
    await nextMessage(before);
    await confirm(el, '1234');
    await untilStep(el, 'success');
  });

  it('three sends, then only "Start again", which tells Prove the person left the step', async () => {
    const el = await mountLive('mobile');
    const before = (await inbox()).length;
    await reachCode(el);
    for (const left of ['once more', 'No more codes']) {
      buttonByName(el, 'Resend code').click();
      await untilStep(el, 'otp-sending');
      await untilStep(el, 'otp-entry');
      expect(text(el)).to.contain(left);
    }
    expect((await inbox()).length - before).to.equal(3);
    expect(hasButton(el, 'Resend code')).to.equal(false);
    buttonByName(el, 'Start again').click();
    await untilStep(el, 'form');
    await waitUntil(
      () => requests.seen.includes('POST /v1/client/mobile/otp/error'),
      'the SDK never reported the step',
      { timeout: 5000 },
    );
    expect(statusCalls()).to.equal(0);
  });

  it('Prove refusing a send (sends used up) ends in a failure that says so', async () => {
    const el = await mountLive('mobile');
    await reachCode(el);
    await armFault('sends-exhausted');
    buttonByName(el, 'Resend code').click();
    await untilStep(el, 'failure');
    expect(text(el)).to.contain('No more codes or links can be sent in this verification.');
  });

  it('Cancel on the code screen reports the step to Prove; the finish that follows asks and fires nothing', async () => {
    const el = await mountLive('mobile');
    const sdk = countingFinishes();
    el.sdk = sdk.sdk;
    await reachCode(el);
    const results: string[] = [];
    el.addEventListener('prove-verify-success', () => results.push('success'));
    el.addEventListener('prove-verify-failure', () => results.push('failure'));
    buttonByName(el, 'Cancel').click();
    await untilStep(el, 'form');
    await waitUntil(
      () => requests.seen.includes('POST /v1/client/mobile/otp/error'),
      'the SDK never reported the cancel',
      { timeout: 5000 },
    );
    // Prove answers the report with "done" and the SDK calls the finish step; a status call from it
    // would leave in that same call.
    await until(() => sdk.finishes === 1, 'the SDK never called the finish step');
    expect(statusCalls()).to.equal(0);
    expect(results).to.deep.equal([]);
    expect(inputByLabel(el, 'First name').value).to.equal('Addy');
  });
});

describe("Prove's rules with the real SDK: every way the SDK can end", () => {
  it('an expired authToken (401 from Prove) shows the expired step', async () => {
    const el = await mountLive('mobile');
    await reachCode(el);
    await armFault('token-expired');
    const error = oneEvent(el, 'prove-verify-error');
    await confirm(el, '1234');
    expect((await error).detail).to.deep.include({ code: 'expired', recoverable: true });
    await untilStep(el, 'expired');
    expect(text(el)).to.contain('This verification expired');
    expect(text(el)).not.to.contain('stopped unexpectedly');
  });

  for (const fault of ['server-error', 'empty-answer', 'unreadable-answer']) {
    it(`${fault}: Prove's service failed, "try again" starts a new flow that works`, async () => {
      const el = await mountLive('mobile');
      await reachCode(el);
      await armFault(fault);
      const error = oneEvent(el, 'prove-verify-error');
      await confirm(el, '1234');
      expect((await error).detail).to.deep.include({ code: 'prove-unavailable', recoverable: true });
      await untilStep(el, 'error');
      expect(alertText(el)).to.contain('The verification service is not available right now.');
      expect(statusCalls()).to.equal(0);
      buttonByName(el, 'Try again').click();
      await untilStep(el, 'otp-entry');
      await confirm(el, '1234');
      await untilStep(el, 'success');
    });
  }

  it('the network failing: "check your connection", and one console hint naming the connect-src origins', async () => {
    const warn = sinon.stub(console, 'warn');
    const el = await mountLive('mobile');
    await reachCode(el);
    await armFault('network-drop');
    const error = oneEvent(el, 'prove-verify-error');
    await confirm(el, '1234');
    expect((await error).detail).to.deep.include({ code: 'network', recoverable: true });
    await untilStep(el, 'error');
    expect(alertText(el)).to.contain('Check your connection and try again.');
    const origin = await emulator();
    expect(warn.callCount).to.equal(1);
    expect(String(warn.firstCall.args[0])).to.contain(
      `connect-src must allow ${origin} and ${origin.replace('http', 'ws')}`,
    );
  });

  it('Prove answering 429 to the SDK: says to wait', async () => {
    const el = await mountLive('mobile');
    await reachCode(el);
    await armFault('rate-limited', { retryAfter: 5 });
    const error = oneEvent(el, 'prove-verify-error');
    await confirm(el, '1234');
    expect((await error).detail).to.deep.include({ code: 'rate-limited' });
    await untilStep(el, 'error');
    expect(alertText(el)).to.contain('Too many attempts for now. You can try again in');
  });

  it('a step Prove names that the SDK does not know: a set-up error, not recoverable, details in the console', async () => {
    const consoleError = sinon.stub(console, 'error');
    await armFault('unknown-step');
    const el = await mountLive('desktop');
    await fillDetails(el);
    const error = oneEvent(el, 'prove-verify-error');
    buttonByName(el, 'Verify').click();
    expect((await error).detail).to.deep.include({ code: 'integration', recoverable: false });
    await untilStep(el, 'error');
    expect(hasButton(el, 'Try again')).to.equal(false);
    expect(consoleError.calledWithMatch(sinon.match(/Unexpected next step/))).to.equal(true);
  });
});

describe("Prove's rules with the real SDK: the Instant Link", () => {
  it('counts down the link; at zero the wait stops, the socket closes, and "Send a new link" sends one', async () => {
    // Seconds, not Prove's 3 minutes: the SDK pings its socket every 30 s on the same clock and gives
    // up on a ping still unanswered at the next; a jump past 30 s would end the wait that way.
    const el = await mountLive('desktop', { linkLifetime: 2 });
    const clock = fakeClock();
    await reachLinkWait(el);
    expect(text(el)).to.contain('The link expires in 0:02.');
    clock.tick(1000);
    await el.updateComplete;
    expect(text(el)).to.contain('The link expires in 0:01.');
    clock.tick(1000);
    await untilStep(el, 'expired');
    clock.restore();
    expect(text(el)).to.contain('The link expired');
    expect(el.shadowRoot!.querySelector('[part~="spinner"]')).to.equal(null);
    await waitUntil(async () => (await stats()).sockets === 0, 'the status socket stayed open', { timeout: 5000 });
    const before = (await inbox()).length;
    buttonByName(el, 'Send a new link').click();
    await untilStep(el, 'link-waiting');
    const message = await nextMessage(before);
    await fetch(message.link!, { mode: 'no-cors' });
    await untilStep(el, 'success');
  });

  it('the link expiring at Prove (its socket says so) shows the expired link', async () => {
    const el = await mountLive('desktop');
    await reachLinkWait(el);
    await armFault('link-expired');
    await untilStep(el, 'expired');
    expect(text(el)).to.contain('The link expired');
    expect(hasButton(el, 'Use a different number')).to.equal(true);
  });

  it('the status socket lost: the backend is asked once, and with no possession the wait was interrupted', async () => {
    const el = await mountLive('desktop');
    await reachLinkWait(el);
    await armFault('socket-lost');
    await untilStep(el, 'expired');
    expect(text(el)).to.contain('The wait was interrupted');
    expect(statusCalls()).to.equal(1);
  });
});

describe("Prove's rules with the real SDK: the result", () => {
  it('asks again while the backend answers 202 (Prove pending), then shows the result', async () => {
    const el = await mountLive('mobile');
    await reachCode(el);
    await armFault('status-pending');
    const status = watchFetches('/verify-status');
    const clock = fakeClockFrom(el, 'verifying');
    try {
      await confirm(el, '1234');
      // The 202 read, the element waits a second (the one timer there is) before asking again.
      await until(() => status.read === 1, 'the 202 was never read');
      const before = clock().now;
      clock().next();
      expect(clock().now - before).to.equal(1000);
      await untilStep(el, 'success');
    } finally {
      status.stop();
    }
    expect(statusCalls()).to.equal(2);
  });
});
