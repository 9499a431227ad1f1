/**
 * Prove's lifetimes and send limits as the person sees them: the code's and the link's time left,
 * what happens at zero, the resend wait, the three sends, and Cancel on the code screen. The
 * once-a-second clock and `Date` are faked (sinon); requests and rendering run for real.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import type { ProveVerifyErrorDetail } from '../../src/events.js';
import { FakeSdk } from '../support/fake-sdk.js';
import { nth } from '../support/nth.js';
import {
  backendFor,
  buttonByName,
  fillDetails,
  focused,
  hasButton,
  inputByLabel,
  liveText,
  politeText,
  requestsSent,
  text,
  type,
  until,
  untilStep,
} from '../support/dom.js';

let clock: sinon.SinonFakeTimers | undefined;

/** Fakes the element's clock only (its ticker and `Date`), so fetches and rendering stay real. */
function fakeClock() {
  clock = sinon.useFakeTimers({
    now: Date.now(),
    toFake: ['setInterval', 'clearInterval', 'Date'],
    shouldClearNativeTimers: true,
  });
  return clock;
}

afterEach(() => {
  clock?.restore();
  clock = undefined;
});

async function mount(possession: 'mobile' | 'desktop', attrs: { resendAfter?: number; scenario?: string } = {}) {
  const backend = backendFor(attrs.scenario);
  const sdk = new FakeSdk();
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify backend-url=${backend.url} possession-type=${possession} final-target-url="https://example.com/done"
      resend-after=${attrs.resendAfter ?? 30} .sdk=${sdk}></prove-verify>`,
  );
  await fillDetails(el);
  return { el, sdk, backend };
}

/** Moves the faked clock and lets the element render what changed. */
async function advance(el: ProveVerifyElement, seconds: number) {
  clock!.tick(seconds * 1000);
  await el.updateComplete;
}

describe('<prove-verify> lifetimes and sends', () => {
  it("counts the code's two minutes down, never aloud; at zero it says so politely, leaves focus in the code, and sends a new one at once", async () => {
    const { el, sdk } = await mount('mobile');
    fakeClock();
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    const input = inputByLabel(el, /code/i);
    expect(text(el)).to.contain('The code expires in 2:00.');
    // The resend wait is a line of its own, in no live region; no button carries the countdown.
    expect(hasButton(el, 'Resend code'), 'Resend waits 30 s').to.equal(false);
    expect(el.shadowRoot!.querySelector('.resend-wait')!.textContent).to.equal('A new code can be sent in 0:30.');
    expect(
      el.shadowRoot!.querySelector('.resend-wait')!.closest('[role], [aria-live]') === null,
      'the wait is in no live region',
    ).to.equal(true);
    const heard = liveText(el);
    await advance(el, 1);
    expect(text(el)).to.contain('The code expires in 1:59.');
    expect(text(el)).to.contain('A new code can be sent in 0:29.');
    expect(liveText(el), 'nothing announced as the clock ticks').to.deep.equal(heard);
    await advance(el, 74);
    expect(text(el)).to.contain('The code expires in 0:45.');
    expect(text(el)).not.to.contain('A new code can be sent');
    expect(buttonByName(el, 'Resend code').getAttribute('aria-disabled')).to.equal('false');
    expect(liveText(el)).to.deep.equal(heard);

    // The person is typing when the code runs out: focus stays in the field, the expiry is said politely.
    type(input, '12');
    await advance(el, 45);
    expect(politeText(el)).to.equal('This code has expired. Send a new code to continue.');
    expect(focused(el) === input, 'focus stays where the person is').to.equal(true);
    expect(input.readOnly).to.equal(true);
    expect(el.shadowRoot!.getElementById('code-error')!.textContent).to.contain(
      'This code has expired. Send a new code to continue.',
    );
    expect(
      el.shadowRoot!.querySelector('[role="alert"]') === null,
      'said once, politely, not as an alert too',
    ).to.equal(true);
    expect(text(el)).not.to.contain('The code expires in');
    expect(hasButton(el, 'Confirm code')).to.equal(false);
    const main = buttonByName(el, 'Send a new code');
    expect(main.getAttribute('part')).to.contain('submit');
    main.click();
    await untilStep(el, 'otp-entry');
    expect(sdk.runAt(0).resends).to.equal(1);
    expect(text(el)).to.contain('We sent a new code.');
    expect(text(el)).to.contain('The code expires in 2:00.');
  });

  it('a code running out while Resend has focus puts focus on "Send a new code", not the page', async () => {
    const { el } = await mount('mobile', { resendAfter: 0 });
    fakeClock();
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    buttonByName(el, 'Resend code').focus();
    await advance(el, 120);
    expect(document.activeElement === el, 'focus stays in the element').to.equal(true);
    expect(
      focused(el) === buttonByName(el, 'Send a new code'),
      `focus on "Send a new code", not ${focused(el)?.outerHTML}`,
    ).to.equal(true);
  });

  it('lets an expired code be replaced at once, whatever the resend wait says', async () => {
    const { el, sdk } = await mount('mobile', { resendAfter: 600 });
    fakeClock();
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    await advance(el, 120);
    // The resend wait (10 minutes) still runs, and does not hold back a new code.
    buttonByName(el, 'Send a new code').click();
    await untilStep(el, 'otp-entry');
    expect(sdk.runAt(0).resends).to.equal(1);
  });

  it('reads a code Prove refused as expired, never as wrong, when Prove says so or its time is over', async () => {
    const { el, sdk } = await mount('mobile');
    sdk.codesExpire = true;
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    type(inputByLabel(el, /code/i), '1234');
    buttonByName(el, 'Confirm code').click();
    await untilStep(el, 'otp-checking');
    await untilStep(el, 'otp-entry');
    // Prove's answer to the person's code: focus goes to "Send a new code", which the reason describes.
    const main = buttonByName(el, 'Send a new code');
    expect(focused(el) === main, 'focus on "Send a new code"').to.equal(true);
    expect(main.getAttribute('aria-describedby')).to.equal('code-error');
    expect(el.shadowRoot!.getElementById('code-error')!.textContent).to.contain(
      'This code has expired. Send a new code to continue.',
    );
    expect(politeText(el), 'heard through focus, not twice').to.equal('');
    expect(text(el)).not.to.contain('didn’t work');

    // A plain "wrong code" answer that comes after the lifetime is an expired code too.
    const late = await mount('mobile');
    const checking = late.sdk.hold('code');
    buttonByName(late.el, 'Verify').click();
    await untilStep(late.el, 'otp-entry');
    type(inputByLabel(late.el, /code/i), '0000');
    buttonByName(late.el, 'Confirm code').click();
    await untilStep(late.el, 'otp-checking');
    fakeClock().tick(121_000);
    // Prove's answer, "wrong", comes after the lifetime: the code screen is back with it.
    checking.release();
    await untilStep(late.el, 'otp-entry');
    expect(late.el.shadowRoot!.getElementById('code-error')!.textContent).to.contain(
      'This code has expired. Send a new code to continue.',
    );
    expect(focused(late.el) === buttonByName(late.el, 'Send a new code'), 'focus on "Send a new code"').to.equal(true);
  });

  it('counts the three sends, says how many are left, and then offers only "Start again"', async () => {
    const { el, sdk } = await mount('mobile', { resendAfter: 0 });
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    expect(text(el)).to.contain('You can ask for a new code 2 more times.');
    buttonByName(el, 'Resend code').click();
    await untilStep(el, 'otp-sending');
    await untilStep(el, 'otp-entry');
    expect(text(el)).to.contain('You can ask for a new code once more.');
    buttonByName(el, 'Resend code').click();
    await untilStep(el, 'otp-sending');
    await untilStep(el, 'otp-entry');
    expect(text(el)).to.contain('No more codes can be sent in this verification. Start again to get a new one.');
    expect(hasButton(el, 'Resend code')).to.equal(false);
    expect(hasButton(el, 'Change number')).to.equal(false);
    // One way out: "Start again", where Cancel was.
    expect(hasButton(el, 'Cancel')).to.equal(false);
    expect(sdk.runAt(0).resends).to.equal(2);

    buttonByName(el, 'Start again').click();
    await untilStep(el, 'form');
    expect(sdk.runAt(0).refusedSteps).to.deep.equal(['code']);
    expect(inputByLabel(el, 'Last name').value).to.equal('Epinay');
  });

  it('counts the three links, says how many are left, and then offers only "Start again"', async () => {
    const { el, sdk } = await mount('desktop', { resendAfter: 0 });
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    expect(text(el)).to.contain('You can ask for a new link 2 more times.');
    for (const left of ['You can ask for a new link once more.', 'No more links can be sent in this verification.']) {
      buttonByName(el, 'Resend link').click();
      await untilStep(el, 'link-sending');
      await untilStep(el, 'link-waiting');
      expect(text(el)).to.contain(left);
    }
    expect(hasButton(el, 'Resend link')).to.equal(false);
    expect(hasButton(el, 'Use a different number')).to.equal(false);
    // One way out: "Start again", where Cancel was.
    expect(hasButton(el, 'Cancel')).to.equal(false);
    expect(sdk.runAt(0).resends).to.equal(2);

    buttonByName(el, 'Start again').click();
    await untilStep(el, 'form');
    expect(inputByLabel(el, 'Last name').value).to.equal('Epinay');
  });

  it('Cancel on the code screen refuses the waiting step; the SDK finish that follows asks and fires nothing', async () => {
    const { el, sdk, backend } = await mount('mobile');
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    const results: string[] = [];
    el.addEventListener('prove-verify-success', () => results.push('success'));
    el.addEventListener('prove-verify-failure', () => results.push('failure'));
    const cancelled = oneEvent(el, 'prove-verify-cancel');
    buttonByName(el, 'Cancel').click();
    await cancelled;
    await untilStep(el, 'form');
    await until(() => sdk.runAt(0).finishes === 1, 'the SDK never ran its finish step');
    expect(sdk.runAt(0).refusedSteps).to.deep.equal(['code']);
    expect(inputByLabel(el, 'Phone number').value).to.equal('(200) 100-4010');
    // A status call from that finish would leave before the next flow's start, which is answered.
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal(['verify', 'verify']);
    expect(results).to.deep.equal([]);
  });

  it("counts the link's three minutes down; at zero the wait stops and a new link or number is offered", async () => {
    const { el, sdk, backend } = await mount('desktop');
    fakeClock();
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    expect(text(el)).to.contain('The link expires in 3:00.');
    expect(el.shadowRoot!.querySelector('[part~="spinner"]')).not.to.equal(null);
    await advance(el, 179);
    expect(text(el)).to.contain('The link expires in 0:01.');
    const errors: ProveVerifyErrorDetail[] = [];
    el.addEventListener('prove-verify-error', (e) => errors.push(e.detail));
    await advance(el, 1);
    await untilStep(el, 'expired');
    expect(errors).to.deep.equal([
      { code: 'expired', message: 'The Instant Link expired before it was opened.', recoverable: true },
    ]);
    expect(el.shadowRoot!.querySelector('[part~="spinner"]')).to.equal(null);
    expect(sdk.runAt(0).cancelled, 'the SDK run (and its socket) is closed').to.equal(true);
    expect(focused(el)?.textContent).to.equal('The link expired');
    expect(text(el)).to.contain('Send a new link');

    buttonByName(el, 'Send a new link').click();
    await untilStep(el, 'link-waiting');
    expect(sdk.runs).to.have.length(2);
    const sent = await requestsSent(backend.id);
    expect(sent.map((r) => r.call)).to.deep.equal(['verify', 'verify']);
    expect(nth(sent, 1, 'request').body).to.deep.equal(nth(sent, 0, 'request').body);
  });

  it('"Use a different number" after the link expired goes to the phone field, keeping the rest', async () => {
    const { el } = await mount('desktop');
    fakeClock();
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    await advance(el, 180);
    await untilStep(el, 'expired');
    buttonByName(el, 'Use a different number').click();
    await untilStep(el, 'form');
    expect(focused(el) === inputByLabel(el, 'Phone number'), 'focus on the phone field').to.equal(true);
    expect(inputByLabel(el, 'First name').value).to.equal('Addy');
  });

  it('waits resend-after seconds before the link can be sent again, and counts its sends', async () => {
    const { el, sdk } = await mount('desktop', { resendAfter: 10 });
    fakeClock();
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    expect(el.shadowRoot!.querySelector('.resend-wait')!.textContent).to.equal('A new link can be sent in 0:10.');
    expect(hasButton(el, 'Resend link')).to.equal(false);
    expect(text(el)).to.contain('You can ask for a new link 2 more times.');
    const heard = liveText(el);
    await advance(el, 1);
    expect(text(el)).to.contain('A new link can be sent in 0:09.');
    expect(text(el)).to.contain('The link expires in 2:59.');
    expect(liveText(el), 'nothing announced as the clock ticks').to.deep.equal(heard);
    await advance(el, 9);
    expect(text(el)).not.to.contain('A new link can be sent');
    buttonByName(el, 'Resend link').click();
    await untilStep(el, 'link-sending');
    await untilStep(el, 'link-waiting');
    expect(sdk.runAt(0).resends).to.equal(1);
    expect(text(el)).to.contain('You can ask for a new link once more.');
  });
});
