/**
 * What the person sees when the backend cannot answer for a moment: prove-verify-server answers
 * `503 store_unavailable` with `Retry-After: 5` while its Redis is down (test/release/server/
 * server-redis-outage.test.ts has the real outage). A message saying so and how long to wait,
 * "Try again" held until then, and nothing lost: the code the person confirmed stays confirmed
 * (only the status call is asked again), and the form keeps what was typed. The backend is real
 * HTTP (test/support/fake-backend.mjs): its first call of the kind answers 503, the next ones as usual.
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
  inputByLabel,
  requestsSent,
  root,
  text,
  type,
  until,
  untilHeading,
  untilStep,
} from '../support/dom.js';

async function mount(scenario: string) {
  const backend = backendFor(scenario);
  const sdk = new FakeSdk();
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify backend-url=${backend.url} possession-type="mobile" .sdk=${sdk}></prove-verify>`,
  );
  await fillDetails(el);
  return { el, sdk, backend };
}

const calls = async (id: string) => (await requestsSent(id)).map((r) => r.call);

function expectFormKept(el: ProveVerifyElement) {
  expect(inputByLabel(el, 'First name').value).to.equal('Addy');
  expect(inputByLabel(el, 'Last name').value).to.equal('Epinay');
  expect(inputByLabel(el, 'Phone number').value).to.equal('(200) 100-4010');
}

describe('<prove-verify> when the backend answers 503 with Retry-After (its store is down)', () => {
  afterEach(() => sinon.restore());

  it('while waiting for the verdict: says the server cannot answer and how long to wait, then "Try again" gets the verdict, the code not asked again', async () => {
    const { el, sdk, backend } = await mount('status-unavailable');
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    // The element's clock only (its ticker and Date): the time left is what the element says, exactly.
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setInterval', 'clearInterval', 'Date'] });
    const error = oneEvent(el, 'prove-verify-error');
    type(inputByLabel(el, /code/i), '1234');
    buttonByName(el, 'Confirm code').click();
    expect((await error).detail).to.deep.include({
      code: 'unavailable',
      status: 503,
      retryAfter: 5,
      recoverable: true,
    });
    await untilStep(el, 'error');
    // Said once, in words; the ticking m:ss is for the eyes only.
    expect(alertText(el)).to.equal('The server can’t answer right now. You can try again in 5 seconds.');
    expect(text(el)).to.contain('You can try again in 0:05.');
    expect(buttonByName(el, 'Try again').getAttribute('aria-disabled')).to.equal('true');
    clock.tick(2000);
    await el.updateComplete;
    expect(alertText(el)).to.equal('The server can’t answer right now. You can try again in 5 seconds.');
    expect(text(el)).to.contain('You can try again in 0:03.');
    clock.tick(3000);
    await el.updateComplete;
    expect(buttonByName(el, 'Try again').getAttribute('aria-disabled')).to.equal('false');
    const success = oneEvent(el, 'prove-verify-success');
    buttonByName(el, 'Try again').click();
    expect((await success).detail.result).to.deep.include({ success: true });
    await untilStep(el, 'success');
    expect(await calls(backend.id)).to.deep.equal(['verify', 'verify-status', 'verify-status']);
    expect(sdk.runs, 'the phone step is not run again').to.have.length(1);
  });

  it('"Start again" from there goes back to the form with what was typed', async () => {
    const { el } = await mount('status-unavailable');
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    type(inputByLabel(el, /code/i), '1234');
    buttonByName(el, 'Confirm code').click();
    await untilStep(el, 'error');
    buttonByName(el, 'Start again').click();
    await untilStep(el, 'form');
    expectFormKept(el);
  });

  it('on the start call: the form keeps what was typed, Verify is held for the wait, then starts', async () => {
    const { el, backend } = await mount('verify-unavailable');
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setInterval', 'clearInterval', 'Date'] });
    const error = oneEvent(el, 'prove-verify-error');
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    expect((await error).detail).to.deep.include({ code: 'unavailable', status: 503, retryAfter: 5 });
    await untilStep(el, 'error');
    expect(alertText(el)).to.equal('The server can’t answer right now. You can try again in 5 seconds.');
    expectFormKept(el);
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    await el.updateComplete;
    expect(await calls(backend.id), 'held until Retry-After').to.deep.equal(['verify']);
    clock.tick(5000);
    await el.updateComplete;
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    await untilStep(el, 'otp-entry');
    await until(async () => (await calls(backend.id)).length === 2, 'Verify starts again');
  });

  for (const [lang, heading, said] of [
    [
      'es',
      'Verifique su número de teléfono',
      'El servidor no puede responder ahora mismo. Puede volver a intentarlo en 5 segundos.',
    ],
    [
      'fr',
      'Vérifiez votre numéro de téléphone',
      'Le serveur ne peut pas répondre pour le moment. Vous pourrez réessayer dans 5 secondes.',
    ],
  ] as const) {
    it(`says it in ${lang}`, async () => {
      const backend = backendFor('status-unavailable');
      const el = await fixture<ProveVerifyElement>(
        html`<prove-verify lang=${lang} backend-url=${backend.url} possession-type="mobile" .sdk=${new FakeSdk()}></prove-verify>`,
      );
      // The language loads on its own: the form is there before it, in English.
      await untilHeading(el, heading);
      const [first, last, phone] = [...root(el).querySelectorAll<HTMLInputElement>('form input:not([type="hidden"])')];
      type(first!, 'Addy');
      type(last!, 'Epinay');
      type(phone!, '(200) 100-4010');
      sinon.useFakeTimers({ now: Date.now(), toFake: ['setInterval', 'clearInterval', 'Date'] });
      const error = oneEvent(el, 'prove-verify-error');
      root(el).querySelector('form')!.requestSubmit();
      await until(() => root(el).querySelector('input[autocomplete="one-time-code"]'), 'the code step');
      const code = root(el).querySelector<HTMLInputElement>('input[autocomplete="one-time-code"]')!;
      type(code, '1234');
      code.form!.requestSubmit();
      expect((await error).detail).to.deep.include({ code: 'unavailable' });
      await untilStep(el, 'error');
      expect(alertText(el)).to.equal(said);
    });
  }
});
