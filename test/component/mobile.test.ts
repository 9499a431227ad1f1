import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { FakeSdk } from '../support/fake-sdk.js';
import { nth } from '../support/nth.js';
import {
  backendFor,
  buttonByName,
  describedText,
  fillDetails,
  focused,
  inputByLabel,
  requestsSent,
  text,
  type,
  untilStep,
} from '../support/dom.js';

async function mountMobile(scenario = 'ok', resendAfter = 0) {
  const backend = backendFor(scenario);
  const sdk = new FakeSdk();
  const steps: string[] = [];
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify backend-url=${backend.url} possession-type="mobile" resend-after=${resendAfter} .sdk=${sdk}
      @prove-verify-step=${(e: CustomEvent) => steps.push(e.detail.step)}></prove-verify>`,
  );
  await fillDetails(el, '  Addy ', 'Epinay', '(200) 100-4010');
  return { el, sdk, backend, steps };
}

async function reachCodeEntry(el: ProveVerifyElement) {
  buttonByName(el, 'Verify').click();
  await untilStep(el, 'otp-entry');
  return inputByLabel(el, /code/i);
}

describe('<prove-verify> mobile flow (code by text message)', () => {
  it('starts the flow with the typed details, asks for the code, and shows success', async () => {
    const { el, sdk, backend, steps } = await mountMobile();
    const codeInput = await reachCodeEntry(el);

    const sent = await requestsSent(backend.id);
    expect(sent).to.have.length(1);
    const verify = nth(sent, 0, 'request');
    expect(verify.call).to.equal('verify');
    expect(verify.method).to.equal('POST');
    expect(verify.contentType).to.contain('application/json');
    expect(verify.body).to.deep.equal({
      firstName: 'Addy',
      lastName: 'Epinay',
      phoneNumber: '+12001004010',
      possessionType: 'mobile',
    });
    expect(sdk.runAt(0).authToken).to.equal(`token-${backend.id}`);
    expect(sdk.runAt(0).possession).to.equal('mobile');
    expect(sdk.runAt(0).phoneNumbers).to.deep.equal([null]);

    expect(text(el)).to.contain('Please enter the code we just sent to (200) 100-4010.');
    expect(codeInput.inputMode).to.equal('numeric');
    expect(codeInput.autocomplete).to.equal('one-time-code');
    // A screen reader reading the focused field also hears where the code went.
    const description = codeInput
      .getAttribute('aria-describedby')!
      .split(' ')
      .map((id) => el.shadowRoot!.getElementById(id)?.textContent);
    expect(description).to.deep.equal([
      'Please enter the code we just sent to (200) 100-4010.',
      'Enter the 4-digit code.',
    ]);
    expect(focused(el)).to.equal(codeInput);
    await expect(el).to.be.accessible();

    const success = oneEvent(el, 'prove-verify-success');
    // The code goes by itself at its last digit.
    await sendKeys({ type: '1234' });
    const { detail } = await success;
    expect(detail.result).to.deep.include({ success: true, possessionResult: 'success', verifyResult: 'success' });
    await untilStep(el, 'success');
    expect(text(el)).to.contain('Phone number verified');
    expect(focused(el)?.textContent).to.equal('Phone number verified');
    expect(sdk.runAt(0).codes).to.deep.equal(['1234']);
    expect((await requestsSent(backend.id)).map((r) => [r.call, r.body])).to.deep.equal([
      ['verify', verify.body],
      ['verify-status', {}],
    ]);
    expect(steps).to.deep.equal(['starting', 'otp-sending', 'otp-entry', 'otp-checking', 'verifying', 'success']);
  });

  it('says a refused code once, through the field it focuses again (no alert besides), and clears the input', async () => {
    const { el, sdk } = await mountMobile();
    await reachCodeEntry(el);
    await sendKeys({ type: '9999' });
    await waitUntil(() => sdk.runAt(0).codes.length === 1 && el.step === 'otp-entry', 'the code was never refused', {
      timeout: 5000,
    });
    await el.updateComplete;
    const codeInput = inputByLabel(el, /code/i);
    expect(describedText(el, codeInput)).to.include(
      'Error: That code didn’t work. Check the text message and try again.',
    );
    expect(
      el.shadowRoot!.querySelector('[role="alert"]') === null,
      'not an alert too: it would be heard twice',
    ).to.equal(true);
    expect(codeInput.value).to.equal('');
    expect(codeInput.getAttribute('aria-invalid')).to.equal('true');
    expect(focused(el)).to.equal(codeInput);

    await sendKeys({ type: '1234' });
    await untilStep(el, 'success');
    expect(sdk.runAt(0).codes).to.deep.equal(['9999', '1234']);
  });

  it('says progress through the focused heading and its text, never again in the live region, which stays in place', async () => {
    const { el, sdk } = await mountMobile();
    const sending = sdk.hold('resend');
    const checking = sdk.hold('code');
    const region = el.shadowRoot!.querySelector('[role="status"]')!;
    expect(region.textContent.trim()).to.equal('');
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    buttonByName(el, 'Resend code').click();
    await untilStep(el, 'otp-sending');
    const heading = focused(el)!;
    expect(heading.textContent).to.equal('Sending a code');
    expect(describedText(el, heading)).to.deep.equal(['Sending a code to (200) 100-4010…']);
    expect(region.textContent.trim()).to.equal('');
    sending.release();
    await untilStep(el, 'otp-entry');
    // Said once, through the focused field's description, not twice.
    expect(region.textContent.trim()).to.equal('');
    const described = inputByLabel(el, /code/i).getAttribute('aria-describedby')!.split(' ');
    expect(described.map((id) => el.shadowRoot!.getElementById(id)?.textContent)).to.deep.equal([
      'We sent a new code.',
      'Please enter the code we just sent to (200) 100-4010.',
      'Enter the 4-digit code.',
    ]);
    await sendKeys({ type: '1234' });
    await untilStep(el, 'otp-checking');
    expect(focused(el)?.textContent).to.equal('Checking your code');
    expect(describedText(el, focused(el)!)).to.deep.equal(['Checking the code 1234…']);
    expect(region.textContent.trim()).to.equal('');
    checking.release();
    await untilStep(el, 'success');
    expect(el.shadowRoot!.querySelectorAll('[role="status"]')).to.have.length(1);
    expect(el.shadowRoot!.querySelector('[role="status"]')).to.equal(region);
  });

  it('shows the code being checked under a heading that takes focus, with the spinner', async () => {
    const { el, sdk } = await mountMobile();
    const checking = sdk.hold('code');
    await reachCodeEntry(el);
    await sendKeys({ type: '1234' });
    await untilStep(el, 'otp-checking');
    expect(focused(el)?.textContent).to.equal('Checking your code');
    expect(text(el)).to.contain('Checking the code 1234…');
    expect(el.shadowRoot!.querySelector('[part~="spinner"]')).not.to.equal(null);
    checking.release();
    await untilStep(el, 'success');
  });

  it('asks for the code again when it is submitted empty, without bothering the SDK', async () => {
    const { el, sdk } = await mountMobile();
    await reachCodeEntry(el);
    buttonByName(el, 'Confirm code').click();
    await el.updateComplete;
    const input = inputByLabel(el, /code/i);
    expect(focused(el) === input, 'focus on the code field, read anew with its error').to.equal(true);
    expect(describedText(el, input)).to.include('Error: Enter the code from the text message.');
    expect(sdk.runAt(0).codes).to.deep.equal([]);
    expect(el.step).to.equal('otp-entry');
  });

  it('resends the code and says so', async () => {
    const { el, sdk } = await mountMobile();
    await reachCodeEntry(el);
    buttonByName(el, 'Resend code').click();
    await untilStep(el, 'otp-sending');
    await untilStep(el, 'otp-entry');
    expect(text(el)).to.contain('We sent a new code.');
    expect(sdk.runAt(0).resends).to.equal(1);
    expect(focused(el)).to.equal(inputByLabel(el, /code/i));
  });

  it('changes the number (an in-flow backend): asks for a new one, gives it to the SDK and waits for that code', async () => {
    const { el, sdk } = await mountMobile('ok.in-flow');
    await reachCodeEntry(el);
    buttonByName(el, 'Change number').click();
    await untilStep(el, 'phone-change');
    const phone = inputByLabel(el, 'Phone number');
    expect(focused(el)).to.equal(phone);
    type(phone, '12');
    buttonByName(el, 'Send code').click();
    await waitUntil(() => text(el).includes('This phone number is too short.'), 'the short number was never refused', {
      timeout: 5000,
    });
    expect(el.step).to.equal('phone-change');
    type(phone, '201 555 0123');
    buttonByName(el, 'Send code').click();
    await untilStep(el, 'otp-entry');
    expect(sdk.runAt(0).phoneNumbers).to.deep.equal([null, '+12015550123']);
    expect(text(el)).to.contain('sent to (201) 555-0123.');
  });

  it('asks for another number when Prove refuses the one given (an in-flow backend)', async () => {
    const { el, sdk } = await mountMobile('ok.in-flow');
    sdk.rejectNumberOnce = true;
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'phone-change');
    expect(text(el)).to.contain('This number can’t receive our text.');
    type(inputByLabel(el, 'Phone number'), '2015550123');
    buttonByName(el, 'Send code').click();
    await untilStep(el, 'otp-entry');
    expect(sdk.runAt(0).phoneNumbers).to.deep.equal([null, '+12015550123']);
  });

  it('gives the SDK the typed number when Prove was not given it, without asking again', async () => {
    const { el, sdk } = await mountMobile();
    sdk.numberNeeded = true;
    await reachCodeEntry(el);
    expect(sdk.runAt(0).phoneNumbers).to.deep.equal(['+12001004010']);
    expect(text(el)).to.contain('sent to (200) 100-4010.');
  });

  it('uses the SDK to choose mobile when possession-type is auto', async () => {
    const backend = backendFor();
    const sdk = new FakeSdk();
    sdk.mobile = true;
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url=${backend.url} .sdk=${sdk}></prove-verify>`,
    );
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    expect(nth(await requestsSent(backend.id), 0, 'request').body.possessionType).to.equal('mobile');
  });
});
