import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
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
  inputByLabel,
  requestsSent,
  until,
  untilStep,
  watchFetches,
} from '../support/dom.js';

async function mount(backendUrl: string, attrs: { timeout?: number; possession?: string } = {}) {
  const sdk = new FakeSdk();
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify backend-url=${backendUrl} possession-type=${attrs.possession ?? 'mobile'} timeout=${attrs.timeout ?? 15000} .sdk=${sdk}></prove-verify>`,
  );
  await fillDetails(el);
  return { el, sdk };
}

async function submitAndFail(el: ProveVerifyElement) {
  const error = oneEvent(el, 'prove-verify-error');
  buttonByName(el, 'Verify').click();
  const { detail } = await error;
  await untilStep(el, 'error');
  return detail;
}

function expectFormKept(el: ProveVerifyElement) {
  expect(inputByLabel(el, 'First name').value).to.equal('Addy');
  expect(inputByLabel(el, 'Last name').value).to.equal('Epinay');
  expect(inputByLabel(el, 'Phone number').value).to.equal('(200) 100-4010');
}

describe('<prove-verify> when things go wrong', () => {
  it('says the server failed, keeps the form, and "Try again" sends the request again', async () => {
    const backend = backendFor('verify-500');
    const { el } = await mount(backend.url);
    const detail = await submitAndFail(el);
    expect(detail).to.deep.include({ code: 'http', status: 500, recoverable: true });
    expect(alertText(el)).to.contain('Something went wrong on our side. Try again.');
    expectFormKept(el);
    expect(focused(el)).to.equal(buttonByName(el, 'Try again'));
    await expect(el).to.be.accessible();
    buttonByName(el, 'Try again').click();
    await untilStep(el, 'starting');
    await untilStep(el, 'error');
    expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal(['verify', 'verify']);
  });

  it('lets the person edit a field on the error screen without focus jumping to "Try again"', async () => {
    const backend = backendFor('verify-500');
    const { el } = await mount(backend.url);
    await submitAndFail(el);
    const phone = inputByLabel(el, 'Phone number');
    phone.focus();
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ type: '1' });
    await el.updateComplete;
    expect(phone.value).to.equal('(200) 100-4011');
    expect(focused(el)).to.equal(phone);
    expect((await requestsSent(backend.id)).length).to.equal(1);
  });

  it('says the answer could not be read when it is not JSON', async () => {
    const { el } = await mount(backendFor('verify-notjson').url);
    expect(await submitAndFail(el)).to.deep.include({ code: 'malformed', recoverable: true });
    expect(alertText(el)).to.contain('could not read');
    expectFormKept(el);
  });

  it('says the answer could not be read when it has no authToken', async () => {
    const { el } = await mount(backendFor('verify-noauth').url);
    expect(await submitAndFail(el)).to.deep.include({ code: 'malformed' });
  });

  it('gives up after `timeout` milliseconds with a timeout message', async () => {
    // The backend holds the answer for 3 s: longer than the element waits.
    const backend = backendFor('verify-slow');
    const { el } = await mount(backend.url, { timeout: 1500 });
    const start = watchFetches('/verify');
    // The element's timers are fake from here: the timeout is the clock moving, not a wait.
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const error = oneEvent(el, 'prove-verify-error');
      buttonByName(el, 'Verify').click();
      await until(() => start.sent.length === 1, 'the start request never left');
      const { signal } = start.sent[0]!;
      clock.tick(1499);
      expect(signal?.aborted, 'still waiting 1 ms before the timeout').to.equal(false);
      clock.tick(1);
      expect(signal?.aborted, 'given up at the timeout').to.equal(true);
      expect((await error).detail).to.deep.include({ code: 'timeout', recoverable: true });
    } finally {
      clock.restore();
      start.stop();
    }
    await untilStep(el, 'error');
    expect(alertText(el)).to.contain('took too long');
    expectFormKept(el);
    // Given up for real, not merely ignored: the backend saw the connection close before it answered.
    await until(async () => (await requestsSent(backend.id))[0]?.aborted, 'the backend never saw the request given up');
  });

  it('says the server cannot be reached when the network fails', async () => {
    // Another origin, which cannot be reached at all: no CORS refusal, whatever the origin.
    const { el } = await mount('http://127.0.0.1:9/api');
    expect(await submitAndFail(el)).to.deep.include({ code: 'network', recoverable: true });
    expect(alertText(el)).to.contain('couldn’t reach the server');
    expectFormKept(el);
  });

  it("says a backend that refuses this page's origin (CORS) is a set-up mistake, naming it once in the console", async () => {
    // The same fake backend under the page's other loopback name: there, but with no CORS answers.
    const backend = backendFor();
    const other = `http://${location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1'}:${location.port}`;
    const errors = sinon.stub(console, 'error');
    try {
      const { el } = await mount(`${other}${backend.url}`);
      expect(await submitAndFail(el)).to.deep.include({ code: 'integration', recoverable: false });
      expect(alertText(el)).to.contain('not set up correctly');
      expect(alertText(el)).not.to.contain('connection');
      expect(buttonByName(el, 'Verify').type, 'no "Try again": trying again cannot mend it').to.equal('submit');
      expectFormKept(el);
      const named = errors
        .getCalls()
        .map((c) => String(c.args[0]))
        .filter((line) => line.startsWith('<prove-verify>'));
      expect(named).to.have.length(1);
      expect(named[0]).to.contain(`the backend at ${other} refused this page's origin (CORS)`);
      expect(named[0]).to.contain(`Access-Control-Allow-Origin: ${location.origin}`);
      // A second refusal says the same on screen, and nothing new in the console.
      await submitAndFail(el);
      expect(errors.getCalls().filter((c) => String(c.args[0]).startsWith('<prove-verify>'))).to.have.length(1);
    } finally {
      errors.restore();
    }
  });

  it('reports a missing backend-url as a set-up error with no retry', async () => {
    const sdk = new FakeSdk();
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify possession-type="mobile" .sdk=${sdk}></prove-verify>`,
    );
    await fillDetails(el);
    expect(await submitAndFail(el)).to.deep.include({ code: 'config', recoverable: false });
    expect(alertText(el)).to.contain('backend-url');
    expect(sdk.runs).to.have.length(0);
  });

  it('turns an unknown SDK failure into an alert with "Try again", with no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: PromiseRejectionEvent) => unhandled.push(e.reason);
    window.addEventListener('unhandledrejection', onUnhandled);
    try {
      const { el, sdk } = await mount(backendFor().url);
      buttonByName(el, 'Verify').click();
      await untilStep(el, 'otp-entry');
      const error = oneEvent(el, 'prove-verify-error');
      sdk.runAt(0).fail('Something no one expected');
      expect((await error).detail).to.deep.include({ code: 'sdk', recoverable: true });
      await untilStep(el, 'error');
      expect(alertText(el)).to.contain('stopped unexpectedly');
      expectFormKept(el);
      expect(sdk.runAt(0).cancelled).to.equal(true);
      // A rejection left unhandled is reported in a task of its own, queued as the failure ran:
      // long before "Try again" has had its answer from the backend and the SDK asks for a code.
      buttonByName(el, 'Try again').click();
      await untilStep(el, 'otp-entry');
      expect(sdk.runs).to.have.length(2);
      expect(unhandled).to.deep.equal([]);
    } finally {
      window.removeEventListener('unhandledrejection', onUnhandled);
    }
  });

  it('retries only the status call when it fails after the code was accepted', async () => {
    const backend = backendFor('status-flaky');
    const { el, sdk } = await mount(backend.url);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    const codeForm = inputByLabel(el, /code/i);
    codeForm.value = '1234';
    buttonByName(el, 'Confirm code').click();
    await untilStep(el, 'error');
    expect(alertText(el)).to.contain('Something went wrong');
    expect(focused(el)).to.equal(buttonByName(el, 'Try again'));
    buttonByName(el, 'Try again').click();
    await untilStep(el, 'success');
    expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal([
      'verify',
      'verify-status',
      'verify-status',
    ]);
    expect(sdk.runs).to.have.length(1);
  });

  it('shows an expired screen when the backend session is gone', async () => {
    const { el, sdk } = await mount(backendFor('status-expired').url);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    inputByLabel(el, /code/i).value = '1234';
    buttonByName(el, 'Confirm code').click();
    await untilStep(el, 'expired');
    expect(el.shadowRoot!.textContent).to.contain('This verification expired');
    buttonByName(el, 'Start again').click();
    await untilStep(el, 'form');
    expectFormKept(el);
    expect(sdk.runs).to.have.length(1);
  });

  it('sends one request for a double click, and nothing for a submit while a flow runs', async () => {
    const backend = backendFor();
    const { el } = await mount(backend.url);
    const button = buttonByName(el, 'Verify');
    button.click();
    button.click();
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    await untilStep(el, 'otp-entry');
    expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal(['verify']);
  });
});
