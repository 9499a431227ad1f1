import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
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
  requestsSent,
  root,
  text,
  type,
} from '../support/dom.js';

async function mount(backendUrl: string, sdk = new FakeSdk()) {
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify backend-url=${backendUrl} .sdk=${sdk}></prove-verify>`,
  );
  return { el, sdk };
}

/** The steps the element announces from now on. */
function stepsOf(el: ProveVerifyElement): string[] {
  const steps: string[] = [];
  el.addEventListener('prove-verify-step', (e) => steps.push((e as CustomEvent<{ step: string }>).detail.step));
  return steps;
}

/** Waits for a field's error message to show. */
async function untilError(el: ProveVerifyElement, id: string) {
  await waitUntil(() => root(el).getElementById(`${id}-error`), `no error under ${id}`, { timeout: 5000 });
  await el.updateComplete;
}

describe('<prove-verify> details form', () => {
  // The rules load when the person reaches the form; here they are in before typing, so what is
  // typed is formatted as a person sees it.
  before(() => loadLazy());

  it('shows labelled name and phone fields with autofill hints and a Verify button', async () => {
    const { el } = await mount('/api');
    expect(inputByLabel(el, 'First name').autocomplete).to.equal('given-name');
    expect(inputByLabel(el, 'Last name').autocomplete).to.equal('family-name');
    const phone = inputByLabel(el, 'Phone number');
    expect(phone.autocomplete).to.equal('tel');
    expect(phone.type).to.equal('tel');
    expect(buttonByName(el, 'Verify').type).to.equal('submit');
    expect(text(el)).to.contain('Verify your phone number');
    await expect(el).to.be.accessible();
  });

  it('prefills from the first-name, last-name and phone attributes, the phone formatted as a typed one', async () => {
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url="/api" first-name="Addy" last-name="Epinay" phone="2001004010"></prove-verify>`,
    );
    expect(inputByLabel(el, 'First name').value).to.equal('Addy');
    expect(inputByLabel(el, 'Last name').value).to.equal('Epinay');
    await waitUntil(
      () => inputByLabel(el, 'Phone number').value === '(200) 100-4010',
      'the prefilled phone was never formatted',
      { timeout: 5000 },
    );
  });

  it("shows the page's carrier-consent text in the consent slot, after the fields and before Verify", async () => {
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url="/api"><p slot="consent">I agree that my carrier may share my details.</p></prove-verify>`,
    );
    const slot = root(el).querySelector<HTMLSlotElement>('slot[name="consent"]')!;
    expect(slot.assignedElements().map((e) => e.textContent)).to.deep.equal([
      'I agree that my carrier may share my details.',
    ]);
    const position = (node: Node) => [...root(el).querySelectorAll('input, slot, button')].indexOf(node as Element);
    expect(position(slot)).to.be.greaterThan(position(inputByLabel(el, 'Phone number')));
    expect(position(slot)).to.be.lessThan(position(buttonByName(el, 'Verify')));
    expect((slot.assignedElements()[0] as HTMLElement).offsetHeight).to.be.greaterThan(0);
    await expect(el).to.be.accessible();
  });

  it('does not steal focus when the page loads', async () => {
    const { el } = await mount('/api');
    expect(focused(el)).to.equal(null);
  });

  it('refuses empty fields with a message next to each and sends nothing', async () => {
    const backend = backendFor();
    const { el } = await mount(backend.url);
    buttonByName(el, 'Verify').click();
    await untilError(el, 'first-name');
    for (const label of ['First name', 'Last name', 'Phone number']) {
      const input = inputByLabel(el, label);
      expect(input.getAttribute('aria-invalid'), label).to.equal('true');
      const error = root(el).getElementById(`${input.id}-error`);
      expect(error?.textContent, label).to.equal('Error: This field is required.');
      expect(input.getAttribute('aria-describedby'), label).to.contain(`${input.id}-error`);
    }
    expect(focused(el)).to.equal(inputByLabel(el, 'First name'));
    expect(await requestsSent(backend.id)).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('starts a field error with an icon and a hidden "Error:", so forced colours still tell it from a hint', async () => {
    const { el } = await mount('/api');
    buttonByName(el, 'Verify').click();
    await untilError(el, 'phone');
    const error = root(el).getElementById('phone-error')!;
    const hint = root(el).getElementById('phone-hint')!;
    const prefix = error.querySelector('.visually-hidden')!;
    expect(prefix.textContent).to.equal('Error:');
    expect(prefix.getBoundingClientRect().width, 'heard, not seen').to.be.at.most(1);
    for (const forced of [false, true]) {
      await executeServerCommand('emulate-forced-colors', { active: forced });
      try {
        expect(matchMedia('(forced-colors: active)').matches).to.equal(forced);
        const icon = getComputedStyle(error, '::before');
        const what = forced ? 'in forced colours' : 'in colour';
        expect(icon.content, what).not.to.equal('none');
        expect(parseFloat(icon.width), what).to.be.greaterThan(8);
        // Drawn in the error's own colour (the text colour, in forced colours): always visible.
        expect(parseFloat(icon.borderTopWidth), what).to.be.greaterThan(0);
        expect(icon.borderTopColor, what).to.equal(getComputedStyle(error).color);
        expect(getComputedStyle(hint, '::before').content, 'a hint has no icon').to.equal('none');
      } finally {
        await executeServerCommand('emulate-forced-colors', { active: false });
      }
    }
    await expect(el).to.be.accessible();
  });

  it('refuses a malformed phone number, keeps what was typed, and clears the error as the person types', async () => {
    const backend = backendFor();
    const { el } = await mount(backend.url);
    type(inputByLabel(el, 'First name'), 'Addy');
    type(inputByLabel(el, 'Last name'), 'Epinay');
    type(inputByLabel(el, 'Phone number'), '200 100');
    const steps = stepsOf(el);
    buttonByName(el, 'Verify').click();
    await untilError(el, 'phone');
    const phone = inputByLabel(el, 'Phone number');
    expect(root(el).getElementById('phone-error')?.textContent).to.equal(
      'Error: This phone number is too short for this country (United States).',
    );
    expect(focused(el)).to.equal(phone);
    expect(inputByLabel(el, 'First name').value).to.equal('Addy');
    expect(phone.value).to.equal('(200) 100');
    expect(steps).to.deep.equal([]);
    expect(await requestsSent(backend.id)).to.deep.equal([]);

    type(phone, '200 100 4010');
    await el.updateComplete;
    expect(phone.value).to.equal('(200) 100-4010');
    expect(root(el).getElementById('phone-error')).to.equal(null);
    expect(phone.getAttribute('aria-invalid')).to.equal('false');
  });

  it('keeps focus where the person types while errors show', async () => {
    const backend = backendFor();
    const { el } = await mount(backend.url);
    buttonByName(el, 'Verify').click();
    await untilError(el, 'first-name');
    expect(focused(el)).to.equal(inputByLabel(el, 'First name'));
    inputByLabel(el, 'Last name').focus();
    await sendKeys({ type: 'Epinay' });
    await el.updateComplete;
    expect(inputByLabel(el, 'Last name').value).to.equal('Epinay');
    expect(inputByLabel(el, 'First name').value).to.equal('');
    expect(focused(el)).to.equal(inputByLabel(el, 'Last name'));
  });

  const refused = [
    {
      what: 'letters in the phone number',
      first: 'Addy',
      last: 'Epinay',
      phone: 'call me maybe',
      field: 'phone',
      message: /valid phone number|too short/,
    },
    {
      what: 'a phone number that is too long',
      first: 'Addy',
      last: 'Epinay',
      phone: '200 100 4010 4010 4010',
      field: 'phone',
      message: /too long/,
    },
    {
      what: 'a name longer than 100 characters',
      first: 'A'.repeat(101),
      last: 'Epinay',
      phone: '2001004010',
      field: 'first-name',
      message: /This is too long\./,
    },
    // U+202E turns what follows around on screen: "Addy\u202Eyanipe" shows as "Addyepinay".
    {
      what: 'a name with a bidi override',
      first: 'Addy\u202Eyanipe',
      last: 'Epinay',
      phone: '2001004010',
      field: 'first-name',
      message: /hidden characters/,
    },
    {
      what: 'a name with a control character',
      first: 'Addy',
      last: 'Epi\u0007nay',
      phone: '2001004010',
      field: 'last-name',
      message: /hidden characters/,
    },
    {
      what: 'a name with a zero-width space',
      first: 'Ad\u200Bdy',
      last: 'Epinay',
      phone: '2001004010',
      field: 'first-name',
      message: /hidden characters/,
    },
    {
      what: 'a name with a soft hyphen',
      first: 'Addy',
      last: 'Epi\u00ADnay',
      phone: '2001004010',
      field: 'last-name',
      message: /hidden characters/,
    },
    {
      what: 'a name with a tag character',
      first: 'Addy\u{E0041}',
      last: 'Epinay',
      phone: '2001004010',
      field: 'first-name',
      message: /hidden characters/,
    },
    {
      what: 'a name with half a surrogate pair',
      first: 'Addy\uD83D',
      last: 'Epinay',
      phone: '2001004010',
      field: 'first-name',
      message: /hidden characters/,
    },
    {
      what: 'a name of spaces only',
      first: 'Addy',
      last: '   ',
      phone: '2001004010',
      field: 'last-name',
      message: /This field is required\./,
    },
  ];
  for (const c of refused) {
    it(`refuses ${c.what} and sends nothing`, async () => {
      const backend = backendFor();
      const { el } = await mount(backend.url);
      await fillDetails(el, c.first, c.last, c.phone);
      const steps = stepsOf(el);
      buttonByName(el, 'Verify').click();
      await untilError(el, c.field);
      expect(root(el).getElementById(`${c.field}-error`)?.textContent).to.match(c.message);
      expect(focused(el)?.id).to.equal(c.field);
      // Validate first: a refused form never announces `starting`.
      expect(steps).to.deep.equal([]);
      expect(await requestsSent(backend.id)).to.deep.equal([]);
    });
  }

  it('accepts a name joined by a zero-width non-joiner (Persian) and sends it as typed, trimmed', async () => {
    const backend = backendFor();
    const { el } = await mount(backend.url);
    await fillDetails(el, ' \u0645\u06cc\u200c\u0631\u0627 ', 'Epinay', '2001004010');
    buttonByName(el, 'Verify').click();
    await waitUntil(async () => (await requestsSent(backend.id)).length > 0, 'no start request', { timeout: 5000 });
    const [start] = await requestsSent(backend.id);
    expect((start!.body as { firstName: string }).firstName).to.equal('\u0645\u06cc\u200c\u0631\u0627');
  });
});
