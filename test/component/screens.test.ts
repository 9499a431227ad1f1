/** Finished screens: one steady panel through a flow, progress with a heading and spinner, results with icon and words, actions at 320 px. */
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { FakeSdk } from '../support/fake-sdk.js';
import { backendFor, buttonByName, fillDetails, focused, inputByLabel, untilStep, watchFetches } from '../support/dom.js';

async function mount(scenario = 'ok', possession = 'mobile', width = '') {
  const sdk = new FakeSdk();
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify style=${width} backend-url=${backendFor(scenario).url} possession-type=${possession} resend-after="0" .sdk=${sdk}></prove-verify>`,
  );
  await fillDetails(el);
  return { el, sdk };
}

async function toCodeEntry(el: ProveVerifyElement) {
  buttonByName(el, 'Verify').click();
  await untilStep(el, 'otp-entry');
}

async function submitCode(el: ProveVerifyElement, code = '1234') {
  inputByLabel(el, /code/i).value = code;
  el.shadowRoot!.querySelector('form')!.requestSubmit();
}

const heading = (el: ProveVerifyElement) => el.shadowRoot!.querySelector('h2')?.textContent?.trim();
const lineHeight = (el: ProveVerifyElement) => parseFloat(getComputedStyle(el).fontSize) * 1.5;

describe('<prove-verify> finished screens', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
    await emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('keeps one steady panel height through form, sending, code entry, checking, checking the result and the result', async () => {
    const { el, sdk } = await mount();
    // Each step that waits on Prove or the backend stays until it is measured.
    const sending = sdk.hold('resend');
    const checking = sdk.hold('code');
    const status = watchFetches('/verify-status', { held: true });
    try {
      const heights: Record<string, number> = { form: el.getBoundingClientRect().height };
      await toCodeEntry(el);
      heights['otp-entry'] = el.getBoundingClientRect().height;
      buttonByName(el, 'Resend code').click();
      await untilStep(el, 'otp-sending');
      heights['otp-sending'] = el.getBoundingClientRect().height;
      sending.release();
      await untilStep(el, 'otp-entry');
      submitCode(el);
      await untilStep(el, 'otp-checking');
      heights['otp-checking'] = el.getBoundingClientRect().height;
      checking.release();
      await untilStep(el, 'verifying');
      heights.verifying = el.getBoundingClientRect().height;
      status.release();
      await untilStep(el, 'success');
      heights.success = el.getBoundingClientRect().height;
      const values = Object.values(heights);
      const spread = Math.max(...values) - Math.min(...values);
      console.log(`panel heights: ${JSON.stringify(heights)}`);
      // "Within a few lines": at most two lines of text between the tallest and the shortest step.
      expect(spread, JSON.stringify(heights)).to.be.at.most(2 * lineHeight(el));
    } finally {
      status.stop();
    }
  });

  it('gives progress steps a heading, the spinner and what is happening; the heading takes focus', async () => {
    const { el } = await mount();
    // The result stays on its way until the step has been looked at.
    const status = watchFetches('/verify-status', { held: true });
    try {
      await toCodeEntry(el);
      submitCode(el);
      await untilStep(el, 'verifying');
      const root = el.shadowRoot!;
      expect(heading(el)).to.equal('Checking the result');
      expect(root.querySelector('[part~="spinner"]')).not.to.equal(null);
      expect(root.querySelector('[part~="spinner"]')!.getAttribute('aria-hidden')).to.equal('true');
      expect(root.querySelector('[part~="status"]')!.textContent).to.equal('This only takes a moment.');
      expect(focused(el)).to.equal(root.querySelector('h2'));
      await expect(el).to.be.accessible();
      status.release();
      await untilStep(el, 'success');
    } finally {
      status.stop();
    }
  });

  it('stops the spinner when the person asks for reduced motion', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    const { el } = await mount('ok', 'desktop');
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    expect(getComputedStyle(el.shadowRoot!.querySelector('[part~="spinner"]')!).animationName).to.equal('none');
  });

  for (const [scenario, step, words, colour] of [
    ['ok', 'success', 'Phone number verified', '--prove-verify-success'],
    ['nomatch', 'failure', "We couldn't verify this phone number", '--prove-verify-danger'],
  ] as const) {
    it(`shows ${step} with an icon in its colour and words that say the same`, async () => {
      const { el } = await mount(scenario);
      el.style.setProperty(colour, 'rgb(1, 2, 3)');
      await toCodeEntry(el);
      submitCode(el);
      await untilStep(el, step);
      const icon = el.shadowRoot!.querySelector(`[part~="${step}"] svg`)!;
      expect(icon.getAttribute('aria-hidden')).to.equal('true');
      expect(icon.getBoundingClientRect().width).to.be.greaterThan(24);
      expect(getComputedStyle(icon).color).to.equal('rgb(1, 2, 3)');
      expect(heading(el)).to.equal(words);
      await expect(el).to.be.accessible();
    });
  }

  it('gives the status-call error a heading, the reason, "Try again" filled and "Start again" as text', async () => {
    const { el } = await mount('status-500');
    await toCodeEntry(el);
    submitCode(el);
    await untilStep(el, 'error');
    expect(heading(el)).to.equal("We couldn't get the result");
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('Something went wrong on our side.');
    const retry = buttonByName(el, 'Try again');
    const again = buttonByName(el, 'Start again');
    expect(focused(el)).to.equal(retry);
    expect(getComputedStyle(retry).backgroundColor).to.not.equal('rgba(0, 0, 0, 0)');
    expect(getComputedStyle(again).backgroundColor, 'a text button').to.equal('rgba(0, 0, 0, 0)');
    await expect(el).to.be.accessible();
  });

  it('shows secondary actions as text buttons beside the filled main one', async () => {
    const { el } = await mount();
    await toCodeEntry(el);
    const main = buttonByName(el, 'Confirm code');
    expect(getComputedStyle(main).backgroundColor).to.not.equal('rgba(0, 0, 0, 0)');
    for (const name of [/Resend code/, 'Change number', 'Cancel']) {
      const button = buttonByName(el, name);
      expect(getComputedStyle(button).backgroundColor, String(name)).to.equal('rgba(0, 0, 0, 0)');
      expect(getComputedStyle(button).borderTopColor, String(name)).to.equal('rgba(0, 0, 0, 0)');
    }
  });

  for (const possession of ['mobile', 'desktop']) {
    it(`stacks the ${possession} actions full width at 320 px, none overflowing`, async () => {
      await setViewport({ width: 320, height: 640 });
      const { el } = await mount('ok', possession);
      buttonByName(el, 'Verify').click();
      await untilStep(el, possession === 'mobile' ? 'otp-entry' : 'link-waiting');
      const host = el.getBoundingClientRect();
      expect(host.right).to.be.at.most(320);
      const buttons = [...el.shadowRoot!.querySelectorAll('.actions > button')].map((b) => b.getBoundingClientRect());
      expect(buttons).to.have.length(3);
      for (const b of buttons) {
        expect(b.left).to.be.at.least(host.left - 0.5);
        expect(b.right).to.be.at.most(host.right + 0.5);
        expect(b.width, 'full width').to.be.closeTo(host.width, 1);
      }
      // One per row, each under the last.
      buttons.slice(1).forEach((b, i) => expect(b.top).to.be.at.least(buttons[i].bottom));
      expect(el.scrollWidth).to.be.at.most(el.clientWidth);
    });
  }

  it('keeps the actions on one row when it is wide enough', async () => {
    await setViewport({ width: 1280, height: 800 });
    const { el } = await mount();
    await toCodeEntry(el);
    const tops = [...el.shadowRoot!.querySelectorAll('.actions > button')].map((b) => Math.round(b.getBoundingClientRect().top));
    expect(new Set(tops).size).to.equal(1);
  });
});
