/**
 * The element in a page's own `<form>` (form-associated, ElementInternals): with a `name` it
 * submits the verified number in E.164 once a flow has succeeded and nothing before; `required`
 * holds the form back until then; it resets with the form.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { loadLazy } from '../../src/flow/lazy-loader.js';
import { FakeSdk } from '../support/fake-sdk.js';
import {
  backendFor,
  buttonByName,
  fillDetails,
  focused,
  inputByLabel,
  root,
  type,
  untilStep,
  watchFetches,
} from '../support/dom.js';

async function formWith(attrs: { required?: boolean; firstName?: string } = {}) {
  const sdk = new FakeSdk();
  const form = await fixture<HTMLFormElement>(html`
    <form>
      <input name="email" value="addy@example.com" />
      <prove-verify
        name="phone"
        backend-url=${backendFor().url}
        possession-type="mobile"
        first-name=${attrs.firstName ?? ''}
        ?required=${attrs.required ?? false}
        .sdk=${sdk}
      ></prove-verify>
    </form>
  `);
  const el = form.querySelector<ProveVerifyElement>('prove-verify')!;
  await el.updateComplete;
  return { form, el };
}

/** Which element it is, as a failure message can show it. */
const nameOf = (node: Element | null) =>
  node && `${node.localName}${node.id ? `#${node.id}` : ''} ${node.textContent.trim()}`.trim();

/** A whole mobile flow to its success. */
async function verify(el: ProveVerifyElement) {
  await fillDetails(el);
  buttonByName(el, 'Verify').click();
  await untilStep(el, 'otp-entry');
  type(inputByLabel(el, /code/i), '1234');
  await untilStep(el, 'success');
}

describe('<prove-verify> in a form', () => {
  before(() => loadLazy());

  it('submits nothing under its name until verified, then the verified number in E.164', async () => {
    const { form, el } = await formWith();
    expect([...new FormData(form).keys()]).to.deep.equal(['email']);
    await verify(el);
    expect(new FormData(form).get('phone')).to.equal('+12001004010');
  });

  it('takes its name as a property too, as a form control does: the form submits under the name set', async () => {
    const { form, el } = await formWith();
    expect(el.name).to.equal('phone');
    el.name = 'mobile';
    await el.updateComplete;
    expect(el.getAttribute('name')).to.equal('mobile');
    await verify(el);
    expect([...new FormData(form).entries()]).to.deep.equal([
      ['email', 'addy@example.com'],
      ['mobile', '+12001004010'],
    ]);
  });

  it('with required, holds the form back (with a message) until the number is verified', async () => {
    const { form, el } = await formWith({ required: true });
    let submitted = 0;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submitted++;
    });
    expect(form.checkValidity()).to.equal(false);
    expect(el.validity.valueMissing).to.equal(true);
    expect(el.validationMessage).to.equal('Verify your phone number first.');
    expect(el.matches(':invalid')).to.equal(true);
    form.requestSubmit();
    expect(submitted).to.equal(0);

    await verify(el);
    expect(el.matches(':invalid')).to.equal(false);
    expect(form.checkValidity()).to.equal(true);
    form.requestSubmit();
    expect(submitted).to.equal(1);
  });

  it('with required, the page’s own submit button focuses the element, on the form and on later steps, and sends nothing', async () => {
    const { form, el } = await formWith({ required: true });
    const send = document.createElement('button');
    send.textContent = 'Sign up';
    form.append(send);
    let submitted = 0;
    let invalid = 0;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submitted++;
    });
    el.addEventListener('invalid', () => invalid++);
    /** The person presses the page's button: the browser refuses the submit and focuses the element's anchor. */
    const pressSend = (expected: Element) => {
      send.focus();
      send.click();
      expect(submitted).to.equal(0);
      expect(nameOf(document.activeElement)).to.equal('prove-verify');
      expect(nameOf(focused(el))).to.equal(nameOf(expected));
    };

    // The form: its first field (no field has an error yet).
    pressSend(inputByLabel(el, 'First name'));
    expect(invalid).to.equal(1);
    expect(el.validationMessage).to.equal('Verify your phone number first.');

    // The code screen: the code input.
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    pressSend(inputByLabel(el, /code/i));

    // A step with no control, the verdict being fetched: its heading.
    const status = watchFetches('/verify-status', { held: true });
    try {
      type(inputByLabel(el, /code/i), '1234');
      await untilStep(el, 'verifying');
      pressSend(root(el).querySelector('h2')!);
      expect(invalid).to.equal(3);
    } finally {
      status.release();
      status.stop();
    }
    await untilStep(el, 'success');
    send.click();
    expect(submitted).to.equal(1);
  });

  it('says why in the language shown', async () => {
    const { el } = await formWith({ required: true });
    el.setAttribute('lang', 'es');
    await waitUntil(
      () => el.validationMessage === 'Primero verifique su número de teléfono.',
      `still "${el.validationMessage}"`,
      { timeout: 5000 },
    );
    expect(el.checkValidity()).to.equal(false);
    expect(el.form === el.closest('form')).to.equal(true);
  });

  it('resets with the form: back to its fields as the attributes set them, and nothing submitted', async () => {
    const { form, el } = await formWith({ firstName: 'Addy' });
    await verify(el);
    expect(new FormData(form).get('phone')).to.equal('+12001004010');
    form.reset();
    await untilStep(el, 'form');
    expect(inputByLabel(el, 'First name').value).to.equal('Addy');
    expect(inputByLabel(el, 'Last name').value).to.equal('');
    expect(inputByLabel(el, 'Phone number').value).to.equal('');
    expect(new FormData(form).has('phone')).to.equal(false);
  });
});
