/**
 * "Use a different number", as the start answer's `changeNumber` allows it: `in-flow` through the
 * SDK's own change-number step; `restart` (and absent, or unknown) through a new backend start with
 * the same names, the old SDK run cancelled without a word. And the number proved: the success
 * event's `phoneNumber`, what a form submits, and the success screen naming it when it is not the
 * number the flow started with. Cancel (or Escape) on the new number's screen goes back to the
 * code screen or link wait it came from, the SDK's step there still waiting.
 */
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
  requestsSent,
  text,
  type,
  until,
  untilStep,
} from '../support/dom.js';

const DETAILS = { firstName: 'Addy', lastName: 'Epinay' };

async function mount(scenario: string, possession: 'mobile' | 'desktop' = 'mobile') {
  const backend = backendFor(scenario);
  const sdk = new FakeSdk();
  const steps: string[] = [];
  const events: string[] = [];
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify
      lang="en"
      backend-url=${backend.url}
      possession-type=${possession}
      resend-after="0"
      .sdk=${sdk}
      @prove-verify-step=${(e: CustomEvent) => steps.push(e.detail.step)}
      @prove-verify-error=${() => events.push('error')}
      @prove-verify-failure=${() => events.push('failure')}
      @prove-verify-cancel=${() => events.push('cancel')}
    ></prove-verify>`,
  );
  return { el, sdk, backend, steps, events };
}

async function verify(el: ProveVerifyElement, possession: 'mobile' | 'desktop' = 'mobile') {
  await fillDetails(el);
  buttonByName(el, 'Verify').click();
  await untilStep(el, possession === 'mobile' ? 'otp-entry' : 'link-waiting');
}

/** From the code screen (or the link's wait), another number, sent with the step's button. */
async function changeTo(el: ProveVerifyElement, phone: string, possession: 'mobile' | 'desktop' = 'mobile') {
  buttonByName(el, possession === 'mobile' ? 'Change number' : 'Use a different number').click();
  await untilStep(el, 'phone-change');
  type(inputByLabel(el, 'Phone number'), phone);
  buttonByName(el, possession === 'mobile' ? 'Send code' : 'Send link').click();
}

/** The code, and the success event that follows. */
async function enterCode(el: ProveVerifyElement) {
  const success = oneEvent(el, 'prove-verify-success');
  type(inputByLabel(el, /code/i), '1234');
  const { detail } = await success;
  await untilStep(el, 'success');
  return detail;
}

const successBody = (el: ProveVerifyElement) =>
  el.shadowRoot!.getElementById('outcome-body')!.textContent.replace(/\s+/g, ' ').trim();

describe('<prove-verify> "Use a different number"', () => {
  for (const [what, scenario] of [
    ['no changeNumber in the start answer (an older backend)', 'ok'],
    ['changeNumber: restart', 'ok.restart'],
    ['a changeNumber the element does not know', 'ok.change-bogus'],
  ] as const) {
    it(`${what}: a new backend start with the new number and the same names, never the SDK's step`, async () => {
      const { el, sdk, backend, steps, events } = await mount(scenario);
      await verify(el);
      await changeTo(el, '201 555 0123');
      await untilStep(el, 'otp-entry');

      const starts = (await requestsSent(backend.id)).filter((r) => r.call === 'verify');
      expect(starts.map((r) => r.body)).to.deep.equal([
        { ...DETAILS, phoneNumber: '+12001004010', possessionType: 'mobile' },
        { ...DETAILS, phoneNumber: '+12015550123', possessionType: 'mobile' },
      ]);
      expect(sdk.runs).to.have.length(2);
      // The first run was never asked to change its number, and was ended: nothing of it reached the page.
      expect(sdk.runAt(0).phoneNumbers).to.deep.equal([null]);
      expect(sdk.runAt(0).cancelled).to.equal(true);
      expect(sdk.runAt(1).authToken).to.equal(`token-${backend.id}-2`);
      expect(sdk.runAt(1).phoneNumbers).to.deep.equal([null]);
      expect(events).to.deep.equal([]);
      expect(steps).to.deep.equal([
        'starting',
        'otp-sending',
        'otp-entry',
        'phone-change',
        'starting',
        'otp-sending',
        'otp-entry',
      ]);
      expect(text(el)).to.contain('Please enter the code we just sent to (201) 555-0123.');
      // A fresh flow: Prove's three sends start again.
      expect(text(el)).to.contain('You can ask for a new code 2 more times.');

      const detail = await enterCode(el);
      expect(detail.phoneNumber).to.equal('+12015550123');
      // The old run's code step was refused (the SDK tells Prove the person left it), and its
      // finish step, which the SDK then runs, was never answered: no status call for it.
      expect(sdk.runAt(0).refusedSteps).to.deep.equal(['code']);
      expect(sdk.runAt(0).codes).to.deep.equal([]);
      expect((await requestsSent(backend.id)).filter((r) => r.call === 'verify-status')).to.have.length(1);
      // The number it started with: nothing to name.
      expect(successBody(el)).to.equal('Thank you, your phone number is confirmed.');
      expect(events).to.deep.equal([]);

      el.reset();
      await untilStep(el, 'form');
      expect(inputByLabel(el, 'Phone number').value).to.equal('(201) 555-0123');
      expect(inputByLabel(el, 'First name').value).to.equal('Addy');
      expect(inputByLabel(el, 'Last name').value).to.equal('Epinay');
    });
  }

  it('restart on desktop: the link goes to the new number through a new start', async () => {
    const { el, sdk, backend, events } = await mount('ok', 'desktop');
    await verify(el, 'desktop');
    await changeTo(el, '201-555-0123', 'desktop');
    await untilStep(el, 'link-waiting');
    const starts = (await requestsSent(backend.id)).filter((r) => r.call === 'verify');
    expect(starts.map((r) => [r.body.phoneNumber, r.body.possessionType])).to.deep.equal([
      ['+12001004010', 'desktop'],
      ['+12015550123', 'desktop'],
    ]);
    expect(sdk.runAt(0).phoneNumbers).to.deep.equal([null]);
    expect(sdk.runAt(0).cancelled).to.equal(true);
    expect(text(el)).to.contain('ending in 0123');
    const success = oneEvent(el, 'prove-verify-success');
    sdk.runAt(1).openLink();
    expect((await success).detail.phoneNumber).to.equal('+12015550123');
    expect(events).to.deep.equal([]);
  });

  it('restart: a number Prove refused is replaced through a new start too', async () => {
    const { el, sdk, backend } = await mount('ok');
    sdk.rejectNumberOnce = true;
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'phone-change');
    type(inputByLabel(el, 'Phone number'), '2015550123');
    buttonByName(el, 'Send code').click();
    await untilStep(el, 'otp-entry');
    const starts = (await requestsSent(backend.id)).filter((r) => r.call === 'verify');
    expect(starts.map((r) => r.body.phoneNumber)).to.deep.equal(['+12001004010', '+12015550123']);
    expect(sdk.runAt(0).phoneNumbers).to.deep.equal([null]);
  });

  for (const scenario of ['ok', 'ok.restart', 'ok.in-flow']) {
    it(`${scenario}: Cancel on the new number's screen goes back to the code, which still works; nothing sent, nothing asked of the SDK`, async () => {
      const { el, sdk, backend, events } = await mount(scenario);
      await verify(el);
      buttonByName(el, 'Change number').click();
      await untilStep(el, 'phone-change');
      type(inputByLabel(el, 'Phone number'), '201 555 0123');
      buttonByName(el, 'Cancel').click();
      await untilStep(el, 'otp-entry');
      expect(focused(el) === inputByLabel(el, /code/i), 'focus on the code field').to.equal(true);
      expect(text(el)).to.contain('Please enter the code we just sent to (200) 100-4010.');
      expect(text(el)).to.contain('You can ask for a new code 2 more times.');
      expect(events).to.deep.equal([]);
      expect(sdk.runAt(0).cancelled).to.equal(false);
      expect(sdk.runAt(0).refusedSteps).to.deep.equal([]);
      expect(sdk.runAt(0).phoneNumbers).to.deep.equal([null]);
      expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal(['verify']);
      expect((await enterCode(el)).phoneNumber).to.equal('+12001004010');
      expect(sdk.runs).to.have.length(1);
    });
  }

  it('in-flow on desktop: Escape on the new number goes back to the link wait, and the number given later goes to the SDK', async () => {
    const { el, sdk, backend, events } = await mount('ok.in-flow', 'desktop');
    await verify(el, 'desktop');
    buttonByName(el, 'Use a different number').click();
    await untilStep(el, 'phone-change');
    await sendKeys({ press: 'Escape' });
    await untilStep(el, 'link-waiting');
    expect(focused(el)?.textContent).to.equal('Check your Phone');
    expect(events).to.deep.equal([]);
    await changeTo(el, '201-555-0123', 'desktop');
    await untilStep(el, 'link-waiting');
    expect(sdk.runs).to.have.length(1);
    expect(sdk.runAt(0).phoneNumbers).to.deep.equal([null, '+12015550123']);
    expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal(['verify']);
  });

  it('a number Prove refused has no screen to go back to: Cancel ends the flow, with one cancel event', async () => {
    const { el, sdk, events } = await mount('ok.in-flow');
    sdk.rejectNumberOnce = true;
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'phone-change');
    buttonByName(el, 'Cancel').click();
    await untilStep(el, 'form');
    expect(events).to.deep.equal(['cancel']);
    expect(sdk.runAt(0).refusedSteps).to.deep.equal(['phone']);
    expect(inputByLabel(el, 'Phone number').value).to.equal('(200) 100-4010');
  });

  it("in-flow: the SDK's own step takes the new number, one backend start, and the success screen names the number proved", async () => {
    // The backend's verdict names the number Prove proved, the one the SDK changed to.
    const { el, sdk, backend, events } = await mount('ok.in-flow.proved-12015550123');
    await verify(el);
    await changeTo(el, '201 555 0123');
    await untilStep(el, 'otp-entry');
    expect(sdk.runs).to.have.length(1);
    expect(sdk.runAt(0).phoneNumbers).to.deep.equal([null, '+12015550123']);
    const detail = await enterCode(el);
    expect(detail.phoneNumber).to.equal('+12015550123');
    expect(detail.result.phoneNumber).to.equal('+12015550123');
    expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal(['verify', 'verify-status']);
    expect(successBody(el)).to.equal(
      'Thank you, your phone number is confirmed. The verified number is (201) 555-0123.',
    );
    const number = el.shadowRoot!.querySelector('#outcome-body .nowrap')!;
    expect(number.textContent).to.equal('(201) 555-0123');
    expect(getComputedStyle(number).whiteSpace).to.equal('nowrap');
    expect(events).to.deep.equal([]);
  });
});

describe('<prove-verify> the number proved', () => {
  it("the success event's phoneNumber is the verdict's, and a verdict naming another number than the one started is named on screen", async () => {
    const { el } = await mount('ok.proved-12001004011');
    await verify(el);
    const detail = await enterCode(el);
    expect(detail.phoneNumber).to.equal('+12001004011');
    expect(successBody(el)).to.equal(
      'Thank you, your phone number is confirmed. The verified number is (200) 100-4011.',
    );
  });

  it('with no phoneNumber in the verdict, the event names the number typed, in E.164, and the screen names none', async () => {
    const { el } = await mount('ok');
    await verify(el);
    const detail = await enterCode(el);
    expect(detail.phoneNumber).to.equal('+12001004010');
    expect(detail.result).not.to.have.property('phoneNumber');
    expect(successBody(el)).to.equal('Thank you, your phone number is confirmed.');
  });

  it('a verdict phoneNumber that is not E.164 is ignored: the number typed stands', async () => {
    const { el } = await mount('ok.proved-bad');
    await verify(el);
    const detail = await enterCode(el);
    expect(detail.phoneNumber).to.equal('+12001004010');
    expect(detail.result).not.to.have.property('phoneNumber');
    expect(successBody(el)).to.equal('Thank you, your phone number is confirmed.');
  });

  it('the same number proved as started: named nowhere but the event', async () => {
    const { el } = await mount('ok.proved');
    await verify(el);
    expect((await enterCode(el)).phoneNumber).to.equal('+12001004010');
    expect(el.shadowRoot!.querySelector('.nowrap')).to.equal(null);
  });

  it('a number of another country is written with its calling code', async () => {
    const { el } = await mount('ok.proved-447968900002');
    await verify(el);
    await enterCode(el);
    // Its numbering plans load once the number is known.
    await until(
      () => el.shadowRoot!.querySelector('#outcome-body .nowrap')!.textContent === '+44 7968 900002',
      () => successBody(el),
    );
  });

  it('names the number in Spanish and French too, kept on one line', async () => {
    const { el } = await mount('ok.proved-12001004011');
    await verify(el);
    await enterCode(el);
    el.setAttribute('lang', 'es');
    await until(() => successBody(el).startsWith('Gracias'), 'Spanish never came');
    expect(successBody(el)).to.equal(
      'Gracias, su número de teléfono está confirmado. El número verificado es el (200) 100-4011.',
    );
    el.setAttribute('lang', 'fr');
    await until(() => successBody(el).startsWith('Merci'), 'French never came');
    expect(successBody(el)).to.equal(
      'Merci, votre numéro de téléphone est confirmé. Le numéro vérifié est le (200) 100-4011.',
    );
    expect(el.shadowRoot!.querySelector('#outcome-body .nowrap')!.textContent).to.equal('(200) 100-4011');
  });

  it('in a form, submits the number proved', async () => {
    const backend = backendFor('ok.proved-12001004011');
    const form = await fixture<HTMLFormElement>(html`
      <form>
        <prove-verify name="phone" backend-url=${backend.url} possession-type="mobile" .sdk=${new FakeSdk()}></prove-verify>
      </form>
    `);
    const el = form.querySelector<ProveVerifyElement>('prove-verify')!;
    await el.updateComplete;
    await verify(el);
    await enterCode(el);
    expect(new FormData(form).get('phone')).to.equal('+12001004011');
  });
});
