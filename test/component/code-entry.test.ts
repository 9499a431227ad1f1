import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import sinon from 'sinon';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { FakeSdk } from '../support/fake-sdk.js';
import { nth } from '../support/nth.js';
import {
  backendFor,
  describedText,
  buttonByName,
  fillDetails,
  focused,
  inputByLabel,
  text,
  type,
  untilStep,
} from '../support/dom.js';

async function codeScreen(attrs: { otpLength?: number } = {}) {
  const sdk = new FakeSdk();
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify backend-url=${backendFor().url} possession-type="mobile" resend-after="0" otp-length=${attrs.otpLength ?? 4}
      lang="en" .sdk=${sdk}></prove-verify>`,
  );
  await fillDetails(el);
  buttonByName(el, 'Verify').click();
  await untilStep(el, 'otp-entry');
  return { el, sdk, input: inputByLabel(el, /code/i) };
}

/** The texts that describe the code input to a screen reader, in order. */
function description(el: ProveVerifyElement, input: HTMLInputElement): string[] {
  return input
    .getAttribute('aria-describedby')!
    .split(' ')
    .map((id) => el.shadowRoot!.getElementById(id)!.textContent.trim());
}

/** Pastes `text` into the focused input as a browser does: a paste event carrying the clipboard. */
function paste(input: HTMLInputElement, text: string): void {
  const clipboardData = new DataTransfer();
  clipboardData.setData('text/plain', text);
  input.focus();
  const event = new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true, composed: true });
  // A paste the page does not take is inserted by the browser; a synthetic event inserts nothing.
  if (input.dispatchEvent(event)) type(input, input.value + text);
}

describe('<prove-verify> code entry', () => {
  afterEach(() => sinon.restore());

  it("states the code's length under one one-time-code input that takes that many digits", async () => {
    const { el, input } = await codeScreen();
    // Prove's required copy, exact.
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Enter verification code');
    expect(text(el)).to.contain('Please enter the code we just sent to (200) 100-4010.');
    expect(text(el)).to.contain('Enter the 4-digit code.');
    expect(description(el, input)).to.deep.equal([
      'Please enter the code we just sent to (200) 100-4010.',
      'Enter the 4-digit code.',
    ]);
    expect(el.shadowRoot!.querySelectorAll('input')).to.have.length(1);
    expect(input.autocomplete).to.equal('one-time-code');
    expect(input.inputMode).to.equal('numeric');
    expect(input.maxLength).to.equal(4);
    expect(focused(el)).to.equal(input);

    const six = await codeScreen({ otpLength: 6 });
    expect(text(six.el)).to.contain('Enter the 6-digit code.');
    expect(six.input.maxLength).to.equal(6);

    const spanish = await codeScreen({ otpLength: 5 });
    spanish.el.lang = 'es';
    await waitUntil(
      () => text(spanish.el).includes('Ingrese el código de 5 dígitos.'),
      'the length is not stated in Spanish',
      { timeout: 5000 },
    );
    expect(inputByLabel(spanish.el, 'Código de verificación').maxLength).to.equal(5);

    const outOfRange = await codeScreen({ otpLength: 9 });
    expect(text(outOfRange.el)).to.contain('Enter the 4-digit code.');
    expect(outOfRange.input.maxLength).to.equal(4);
  });

  it('submits the code by itself at the last digit, and sends it to the SDK once', async () => {
    const { el, sdk } = await codeScreen();
    await sendKeys({ type: '123' });
    // A code is submitted in the keystroke's own input event, and the step leaves otp-entry with it.
    expect(el.step).to.equal('otp-entry');
    const success = oneEvent(el, 'prove-verify-success');
    await sendKeys({ type: '4' });
    await success;
    await untilStep(el, 'success');
    // Every code the SDK got, in order: no part of it went before the whole.
    expect(sdk.runAt(0).codes).to.deep.equal(['1234']);
  });

  it('ignores a second submit of the same code (Enter, the button, a double click)', async () => {
    const { el, sdk, input } = await codeScreen();
    const checking = sdk.hold('code');
    type(input, '1234');
    // The button is still on screen for a moment: pressing it, or Enter, sends nothing more.
    buttonByName(el, 'Confirm code').click();
    input.form!.requestSubmit();
    buttonByName(el, 'Confirm code').click();
    checking.release();
    await untilStep(el, 'success');
    expect(sdk.runAt(0).codes).to.deep.equal(['1234']);
  });

  it('waits for every digit of a longer code', async () => {
    const { el, sdk } = await codeScreen({ otpLength: 6 });
    await sendKeys({ type: '1234' });
    expect(el.step).to.equal('otp-entry');
    await sendKeys({ type: '56' });
    await waitUntil(() => sdk.runAt(0).codes.length === 1, 'the code never went', { timeout: 5000 });
    // Every code the SDK got, in order: four digits never went on their own.
    expect(sdk.runAt(0).codes).to.deep.equal(['123456']);
  });

  it('keeps only the code from a pasted text message, and submits it', async () => {
    const { el, sdk, input } = await codeScreen();
    const checking = sdk.hold('code');
    paste(input, 'Your code is 1234. It expires in 10 minutes.');
    await untilStep(el, 'otp-checking');
    expect(text(el)).to.contain('Checking the code 1234…');
    checking.release();
    await untilStep(el, 'success');
    expect(sdk.runAt(0).codes).to.deep.equal(['1234']);
  });

  it('keeps digits only, at most otp-length of them, and does not submit part of a code', async () => {
    const { el, sdk, input } = await codeScreen();
    await sendKeys({ type: 'a1 b2' });
    expect(input.value).to.equal('12');
    paste(input, '3');
    expect(input.value).to.equal('123');
    expect(el.step, 'nothing submitted').to.equal('otp-entry');
    // Enter with a part of the code says what is missing, and bothers no one.
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(describedText(el, input)).to.include('Error: Enter every digit of the code.');
    expect(el.step).to.equal('otp-entry');
    // Then the whole code: the first and only one the SDK gets.
    await sendKeys({ type: '4' });
    await untilStep(el, 'success');
    expect(sdk.runAt(0).codes).to.deep.equal(['1234']);
  });

  it('warns before the last try (two codes refused): the field is described by it, through a resend too', async () => {
    const { el, sdk } = await codeScreen();
    await sendKeys({ type: '0000' });
    await waitUntil(
      () => sdk.runAt(0).codes.length === 1 && el.step === 'otp-entry',
      'the first code was never refused',
    );
    await el.updateComplete;
    expect(text(el), 'two tries left: no warning yet').not.to.contain('Last try');
    await sendKeys({ type: '1111' });
    await waitUntil(
      () => sdk.runAt(0).codes.length === 2 && el.step === 'otp-entry',
      'the second code was never refused',
    );
    await el.updateComplete;
    const input = inputByLabel(el, /code/i);
    expect(focused(el) === input, 'focus on the emptied field').to.equal(true);
    expect(describedText(el, input).slice(-2)).to.deep.equal([
      'Error: That code didn’t work. Check the text message and try again.',
      'Last try: a wrong code now ends this verification.',
    ]);
    // Prove counts the tries of the whole flow: a new code does not bring them back.
    buttonByName(el, 'Resend code').click();
    await untilStep(el, 'otp-sending');
    await untilStep(el, 'otp-entry');
    expect(describedText(el, inputByLabel(el, /code/i))).to.include(
      'Last try: a wrong code now ends this verification.',
    );
    await sendKeys({ type: '1234' });
    await untilStep(el, 'success');
  });

  it('"Didn’t get the text?" opens help: check the number, wait, then the screen’s own Resend and Change number', async () => {
    const { el } = await codeScreen();
    const help = el.shadowRoot!.querySelector('details')!;
    const summary = help.querySelector('summary')!;
    expect(summary.textContent).to.equal('Didn’t get the text?');
    expect(help.open).to.equal(false);
    summary.focus();
    await sendKeys({ press: 'Enter' });
    expect(help.open).to.equal(true);
    expect([...help.querySelectorAll('li')].map((li) => li.textContent.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'Check that (200) 100-4010 is your mobile number.',
      'Texts can take a minute or two to arrive.',
      'Still nothing? Use “Resend code” for a new code, or “Change number” to use another number.',
    ]);
    // What it names is on the screen, just before the help in keyboard order.
    const back = async () => {
      await sendKeys({ down: 'Shift' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ up: 'Shift' });
      return focused(el)?.textContent?.trim();
    };
    expect([await back(), await back(), await back()]).to.deep.equal(['Cancel', 'Change number', 'Resend code']);
  });

  describe('WebOTP', () => {
    /** A browser with WebOTP whose `navigator.credentials.get` is a stub that answers as told. */
    function webOtp(answer: (signal: AbortSignal) => Promise<unknown>) {
      if (!('OTPCredential' in window)) {
        (window as unknown as Record<string, unknown>).OTPCredential = class {};
        afterCleanup.push(() => delete (window as unknown as Record<string, unknown>).OTPCredential);
      }
      return sinon
        .stub(navigator.credentials, 'get')
        .callsFake((options?: CredentialRequestOptions) => answer(options!.signal!) as Promise<Credential | null>);
    }
    const afterCleanup: (() => void)[] = [];
    afterEach(() => afterCleanup.splice(0).forEach((undo) => undo()));

    /** As the browser does: the request waits for a text, and rejects once aborted. */
    const waitingForText = (signal: AbortSignal) =>
      new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );

    it('asks the browser for the texted code on the code screen, fills it in and submits it', async () => {
      let arrive!: (code: string) => void;
      const get = webOtp(() => new Promise((resolve) => (arrive = (code) => resolve({ type: 'otp', id: '', code }))));
      const { el, sdk } = await codeScreen();
      expect(get.callCount).to.equal(1);
      const options = get.firstCall.args[0] as CredentialRequestOptions & { otp: { transport: string[] } };
      expect(options.otp).to.deep.equal({ transport: ['sms'] });
      expect(options.signal).to.be.instanceOf(AbortSignal);
      const checking = sdk.hold('code');
      arrive('1234');
      await untilStep(el, 'otp-checking');
      expect(text(el)).to.contain('Checking the code 1234…');
      checking.release();
      await untilStep(el, 'success');
      expect(sdk.runAt(0).codes).to.deep.equal(['1234']);
    });

    it('aborts the request when the code is typed, on resend, on Cancel, and when the element leaves', async () => {
      const signals: AbortSignal[] = [];
      webOtp((signal) => {
        signals.push(signal);
        return waitingForText(signal);
      });
      // Typed: the request is no longer needed.
      const typed = await codeScreen();
      expect(signals).to.have.length(1);
      await sendKeys({ type: '1234' });
      expect(nth(signals, 0, 'WebOTP request').aborted).to.equal(true);
      await untilStep(typed.el, 'success');
      expect(typed.sdk.runAt(0).codes).to.deep.equal(['1234']);

      // A new code: the old request goes, a new one waits for the new text.
      const resent = await codeScreen();
      expect(signals).to.have.length(2);
      buttonByName(resent.el, 'Resend code').click();
      await untilStep(resent.el, 'otp-sending');
      expect(nth(signals, 1, 'WebOTP request').aborted).to.equal(true);
      await untilStep(resent.el, 'otp-entry');
      expect(signals).to.have.length(3);
      expect(nth(signals, 2, 'WebOTP request').aborted).to.equal(false);

      // Cancel.
      buttonByName(resent.el, 'Cancel').click();
      await untilStep(resent.el, 'form');
      expect(nth(signals, 2, 'WebOTP request').aborted).to.equal(true);

      // The element leaves the page.
      const removed = await codeScreen();
      expect(signals).to.have.length(4);
      removed.el.remove();
      await Promise.resolve(); // a removal counts once the task's microtasks run (a move does not)
      expect(nth(signals, 3, 'WebOTP request').aborted).to.equal(true);
    });

    it('asks nothing where the browser has no WebOTP', async () => {
      const get = sinon.spy(navigator.credentials, 'get');
      const hadOtp = 'OTPCredential' in window;
      const saved = (window as unknown as Record<string, unknown>).OTPCredential;
      delete (window as unknown as Record<string, unknown>).OTPCredential;
      try {
        await codeScreen();
        expect(get.callCount).to.equal(0);
      } finally {
        if (hadOtp) (window as unknown as Record<string, unknown>).OTPCredential = saved;
      }
    });
  });
});
