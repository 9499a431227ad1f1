import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { FakeSdk } from '../support/fake-sdk.js';
import {
  backendFor,
  buttonByName,
  fillDetails,
  focused,
  inputByLabel,
  politeText,
  until,
  untilStep,
  watchFetches,
} from '../support/dom.js';

async function mount(possession: 'mobile' | 'desktop' = 'mobile', scenario = 'ok') {
  const sdk = new FakeSdk();
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify backend-url=${backendFor(scenario).url} possession-type=${possession} resend-after="0" .sdk=${sdk}></prove-verify>`,
  );
  await fillDetails(el);
  let cancels = 0;
  el.addEventListener('prove-verify-cancel', () => cancels++);
  return { el, sdk, cancels: () => cancels };
}

/** Focus is on the form's first field, inside the element, not on the page's body. */
function expectFocusOnFirstField(el: ProveVerifyElement) {
  expect(document.activeElement).to.equal(el);
  expect(focused(el)).to.equal(inputByLabel(el, 'First name'));
}

describe('<prove-verify> focus and keyboard', () => {
  it('Cancel on the code screen puts focus on the first field', async () => {
    const { el, cancels } = await mount();
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    expect(focused(el)).to.equal(inputByLabel(el, /code/i));
    buttonByName(el, 'Cancel').focus();
    await sendKeys({ press: 'Enter' });
    await untilStep(el, 'form');
    expectFocusOnFirstField(el);
    expect(cancels()).to.equal(1);
  });

  it('Cancel while the link waits puts focus on the first field', async () => {
    const { el, sdk } = await mount('desktop');
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    buttonByName(el, 'Cancel').click();
    await untilStep(el, 'form');
    expectFocusOnFirstField(el);
    expect(sdk.runAt(0).cancelled).to.equal(true);
  });

  it('"Start again" after a failure puts focus on the first field', async () => {
    const { el } = await mount('mobile', 'nomatch');
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    await sendKeys({ type: '1234' });
    await untilStep(el, 'failure');
    expect(focused(el)?.textContent).to.equal('We couldn’t verify this phone number');
    buttonByName(el, 'Start again').click();
    await untilStep(el, 'form');
    expectFocusOnFirstField(el);
    expect(inputByLabel(el, 'Last name').value).to.equal('Epinay');
  });

  it('Enter in a field starts the flow as Verify does: one start call, then the code screen with focus on the code', async () => {
    const { el } = await mount();
    const starts = watchFetches('/fake-backend/', { held: true });
    try {
      inputByLabel(el, 'Phone number').focus();
      await sendKeys({ press: 'Enter' });
      await untilStep(el, 'starting');
      expect(buttonByName(el, 'Starting…').getAttribute('aria-disabled')).to.equal('true');
      await until(() => starts.sent.length === 1, 'the start call never left');
      starts.release();
      await untilStep(el, 'otp-entry');
      expect(focused(el)).to.equal(inputByLabel(el, /code/i));
      expect(starts.sent, 'one start call').to.have.length(1);
    } finally {
      starts.stop();
    }
  });

  it('while "Starting…" shows, Verify keeps focus (held, not disabled), it is said politely, and a second press sends nothing', async () => {
    const { el } = await mount();
    const starts = watchFetches('/fake-backend/', { held: true });
    try {
      const verify = buttonByName(el, 'Verify');
      verify.focus();
      await sendKeys({ press: 'Enter' });
      await untilStep(el, 'starting');
      await until(() => starts.sent.length === 1, 'the start call never left');
      expect(verify.textContent.trim()).to.equal('Starting…');
      expect(document.activeElement === el && focused(el) === verify, 'focus stays on the pressed button').to.equal(
        true,
      );
      expect(verify.getAttribute('aria-disabled')).to.equal('true');
      expect(verify.disabled).to.equal(false);
      expect(politeText(el)).to.equal('Starting…');
      await sendKeys({ press: 'Enter' });
      verify.click();
      await el.updateComplete;
      expect(starts.sent, 'one start call').to.have.length(1);
      starts.release();
      await untilStep(el, 'otp-entry');
      expect(politeText(el)).to.equal('');
    } finally {
      starts.stop();
    }
  });

  it('while "Starting…" shows, the country selector keeps focus too (held, not disabled) and refuses a change', async () => {
    const { el } = await mount();
    const starts = watchFetches('/fake-backend/', { held: true });
    try {
      const selector = () => el.shadowRoot!.querySelector<HTMLSelectElement>('select[name="country"]');
      await until(selector, 'the country selector never showed');
      const select = selector()!;
      select.focus();
      // A submit the person did not make from Verify: the page's script, or a host form's implicit submission.
      el.shadowRoot!.querySelector('form')!.requestSubmit();
      await untilStep(el, 'starting');
      await until(() => starts.sent.length === 1, 'the start call never left');
      expect(document.activeElement === el && focused(el) === select, 'focus stays on the selector').to.equal(true);
      expect(select.disabled).to.equal(false);
      expect(select.getAttribute('aria-disabled')).to.equal('true');
      select.value = 'CA';
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await el.updateComplete;
      expect(select.value, 'the change is refused').to.equal('US');
      starts.release();
      await untilStep(el, 'otp-entry');
    } finally {
      starts.stop();
    }
  });

  it('progress steps put focus on their heading', async () => {
    const { el, sdk } = await mount();
    const sending = sdk.hold('resend');
    const checking = sdk.hold('code');
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    buttonByName(el, 'Resend code').click();
    await untilStep(el, 'otp-sending');
    expect(focused(el)?.tagName).to.equal('H2');
    expect(focused(el)?.textContent).to.equal('Sending a code');
    sending.release();
    await untilStep(el, 'otp-entry');
    expect(focused(el)).to.equal(inputByLabel(el, /code/i));
    await sendKeys({ type: '1234' });
    await untilStep(el, 'otp-checking');
    expect(focused(el)?.textContent).to.equal('Checking your code');
    expect(document.activeElement).to.equal(el);
    checking.release();
    await untilStep(el, 'success');
  });

  it('Escape cancels a running flow as Cancel does: the waiting step refused, the event fired', async () => {
    const { el, sdk, cancels } = await mount();
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    const cancelled = oneEvent(el, 'prove-verify-cancel');
    await sendKeys({ press: 'Escape' });
    await cancelled;
    await untilStep(el, 'form');
    expect(cancels()).to.equal(1);
    expect(sdk.runAt(0).refusedSteps).to.deep.equal(['code']);
    expect(sdk.runAt(0).cancelled).to.equal(true);
    expectFocusOnFirstField(el);

    // On the link wait too.
    const desktop = await mount('desktop');
    buttonByName(desktop.el, 'Verify').click();
    await untilStep(desktop.el, 'link-waiting');
    expect(focused(desktop.el)?.tagName).to.equal('H2');
    await sendKeys({ press: 'Escape' });
    await untilStep(desktop.el, 'form');
    expect(desktop.cancels()).to.equal(1);
    expect(desktop.sdk.runAt(0).refusedSteps).to.deep.equal(['link']);
  });

  it('Escape does nothing on the form, nor once the flow is over', async () => {
    const { el, cancels } = await mount('mobile', 'nomatch');
    inputByLabel(el, 'Last name').focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.step).to.equal('form');
    expect(focused(el)).to.equal(inputByLabel(el, 'Last name'));
    expect(inputByLabel(el, 'Last name').value).to.equal('Epinay');

    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    await sendKeys({ type: '1234' });
    await untilStep(el, 'failure');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.step).to.equal('failure');
    expect(cancels()).to.equal(0);
  });

  it('leaves focus where the page has it when the page calls reset() or cancel()', async () => {
    const { el } = await mount();
    const outside = document.createElement('button');
    outside.textContent = 'Elsewhere';
    el.after(outside);
    try {
      buttonByName(el, 'Verify').click();
      await untilStep(el, 'otp-entry');
      outside.focus();
      el.cancel();
      await untilStep(el, 'form');
      expect(document.activeElement).to.equal(outside);
    } finally {
      outside.remove();
    }
  });
});
