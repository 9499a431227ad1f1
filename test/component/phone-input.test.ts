/**
 * The phone number as a person meets it: the country selector, formatting as they type with the
 * caret kept, +CC switching the country, messages naming the country, LTR in RTL pages, and a
 * form checked before anything starts.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { FakeSdk } from '../support/fake-sdk.js';
import {
  backendFor,
  buttonByName,
  fillDetails,
  inputByLabel,
  requestsSent,
  root,
  type,
  until,
  untilStep,
} from '../support/dom.js';

const selector = (el: ProveVerifyElement) => root(el).querySelector<HTMLSelectElement>('select[aria-label]');
const phoneInput = (el: ProveVerifyElement) => inputByLabel(el, /^(Phone number|Numéro de téléphone)$/);
const hint = (el: ProveVerifyElement) => root(el).getElementById('phone-hint')?.textContent?.trim();
const phoneError = (el: ProveVerifyElement) => root(el).getElementById('phone-error')?.textContent?.trim();

/** The person reaches the phone field: the rules and the selector load, the field renders again. */
async function reachPhone(el: ProveVerifyElement) {
  phoneInput(el).focus();
  await waitUntil(() => hint(el)?.includes('+'), 'the phone rules never loaded', { timeout: 5000 });
  await el.updateComplete;
}

function stepsOf(el: ProveVerifyElement): string[] {
  const steps: string[] = [];
  el.addEventListener('prove-verify-step', (e) => steps.push((e as CustomEvent<{ step: string }>).detail.step));
  return steps;
}

/** A paste, as the browser reports it: the value changes, then an input event of type insertFromPaste. */
function paste(input: HTMLInputElement, value: string) {
  input.focus();
  input.value = value;
  input.setSelectionRange(value.length, value.length);
  input.dispatchEvent(
    new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertFromPaste', data: value }),
  );
}

describe('<prove-verify> phone number', () => {
  // First in the file: the phone rules are not loaded yet in this page.
  it('paints a plain phone input first, its hint naming no country (no Intl.DisplayNames before the person acts)', async () => {
    const intl = Intl as { DisplayNames: typeof Intl.DisplayNames };
    const DisplayNames = intl.DisplayNames;
    let built = 0;
    intl.DisplayNames = class extends DisplayNames {
      constructor(...args: ConstructorParameters<typeof DisplayNames>) {
        super(...args);
        built++;
      }
    };
    try {
      const el = await fixture<ProveVerifyElement>(
        html`<prove-verify backend-url="/api" default-country="GB"></prove-verify>`,
      );
      expect(selector(el)).to.equal(null);
      expect(hint(el)).to.equal('Mobile number');
      expect(built).to.equal(0);
      await reachPhone(el);
      expect(hint(el)).to.equal('Mobile number, United Kingdom (+44)');
    } finally {
      intl.DisplayNames = DisplayNames;
    }
  });

  it('shows no country selector when one country is allowed, and says which in the hint', async () => {
    const el = await fixture<ProveVerifyElement>(html`<prove-verify backend-url="/api" countries="GB"></prove-verify>`);
    await reachPhone(el);
    expect(selector(el)).to.equal(null);
    expect(hint(el)).to.equal('Mobile number, United Kingdom (+44)');
    await expect(el).to.be.accessible();
  });

  it('shows a named country selector with flags and calling codes when several are allowed', async () => {
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url="/api" countries="US,CA,GB"></prove-verify>`,
    );
    await reachPhone(el);
    const select = selector(el)!;
    expect(select.getAttribute('aria-label')).to.equal('Country');
    expect([...select.options].map((o) => o.textContent.trim())).to.deep.equal([
      '🇺🇸 United States +1',
      '🇨🇦 Canada +1',
      '🇬🇧 United Kingdom +44',
    ]);
    expect(select.value).to.equal('US');
    expect(root(el).querySelector('.country-face')!.textContent.trim()).to.equal('🇺🇸 +1');
    await expect(el).to.be.accessible();
  });

  it('lists every country, by name, when countries is not set', async () => {
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url="/api" default-country="FR"></prove-verify>`,
    );
    await reachPhone(el);
    const select = selector(el)!;
    expect(select.options.length).to.be.greaterThan(200);
    expect(select.value).to.equal('FR');
  });

  it('names the countries in French with lang="fr"', async () => {
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify lang="fr" backend-url="/api" countries="US,GB,FR"></prove-verify>`,
    );
    await waitUntil(
      () => root(el).querySelector('label[for="phone"]')?.textContent === 'Numéro de téléphone',
      'French never came',
      { timeout: 5000 },
    );
    await reachPhone(el);
    const names = [...selector(el)!.options].map((o) => o.textContent.trim());
    expect(names).to.deep.equal(['🇺🇸 États-Unis +1', '🇬🇧 Royaume-Uni +44', '🇫🇷 France +33']);
    expect(selector(el)!.getAttribute('aria-label')).to.equal('Pays');
    expect(hint(el)).to.equal('Numéro de mobile, États-Unis (+1)');
  });

  it('switches to the United Kingdom when "+44 7700 900123" is pasted, and shows it as the UK writes it', async () => {
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url="/api" countries="US,CA,GB"></prove-verify>`,
    );
    await reachPhone(el);
    paste(phoneInput(el), '+44 7700 900123');
    await waitUntil(() => selector(el)!.value === 'GB', 'the United Kingdom was never selected', { timeout: 5000 });
    await el.updateComplete;
    expect(root(el).querySelector('.country-face')!.textContent.trim()).to.equal('🇬🇧 +44');
    expect(phoneInput(el).value).to.equal('07700 900123');
    expect(hint(el)).to.equal('Mobile number, United Kingdom (+44)');
  });

  it('formats as the person types, and keeps the caret where they type in the middle', async () => {
    const el = await fixture<ProveVerifyElement>(html`<prove-verify backend-url="/api"></prove-verify>`);
    await reachPhone(el);
    const input = phoneInput(el);
    await sendKeys({ type: '20155' });
    await el.updateComplete;
    expect(input.value).to.equal('(201) 55');
    // Between the 2 and the 0: "(2|01) 55". A 9 there moves every digit, and the formatting with them.
    input.setSelectionRange(2, 2);
    await sendKeys({ type: '9' });
    await el.updateComplete;
    expect(input.value).to.equal('(290) 155');
    expect(input.selectionStart).to.equal(3);
    await sendKeys({ type: '8' });
    await el.updateComplete;
    expect(input.value).to.equal('(298) 015-5');
    expect(input.selectionStart).to.equal(4);
    // A backspace over ")" removes the digit before it rather than nothing.
    input.setSelectionRange(5, 5);
    await sendKeys({ press: 'Backspace' });
    await el.updateComplete;
    expect(input.value.replace(/\D/g, '')).to.equal('290155');
  });

  // +49 and +61 are used by no other test here, so their numbering plans are not in yet.
  it("keeps a number as typed while its calling code's rules load, then formats it and selects its country", async () => {
    const el = await fixture<ProveVerifyElement>(html`<prove-verify backend-url="/api"></prove-verify>`);
    await reachPhone(el);
    type(phoneInput(el), '+49301234567');
    await el.updateComplete;
    expect(phoneInput(el).value).to.equal('+49301234567');
    expect(selector(el)!.value).to.equal('US');
    await waitUntil(() => selector(el)!.value === 'DE', 'Germany was never selected', { timeout: 5000 });
    await el.updateComplete;
    expect(phoneInput(el).value).to.equal('+49 30 1234567');
    expect(root(el).querySelector('.country-face')!.textContent.trim()).to.equal('🇩🇪 +49');
  });

  it('formats what was typed for a country chosen from the list once its rules are in', async () => {
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url="/api" countries="US,AU"></prove-verify>`,
    );
    await reachPhone(el);
    type(phoneInput(el), '0412345678');
    await el.updateComplete;
    expect(phoneInput(el).value).to.equal('0412345678');
    const select = selector(el)!;
    select.value = 'AU';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await waitUntil(() => phoneInput(el).value === '0412 345 678', 'the number was never formatted for Australia', {
      timeout: 5000,
    });
    expect(hint(el)).to.equal('Mobile number, Australia (+61)');
  });

  it('keeps the number left to right inside a right-to-left page', async () => {
    const wrapper = await fixture(
      html`<div dir="rtl"><prove-verify backend-url="/api" countries="US,GB"></prove-verify></div>`,
    );
    const el = wrapper.querySelector('prove-verify') as ProveVerifyElement;
    await reachPhone(el);
    expect(getComputedStyle(root(el).querySelector('label')!).direction).to.equal('rtl');
    expect(phoneInput(el).dir).to.equal('ltr');
    expect(getComputedStyle(phoneInput(el)).direction).to.equal('ltr');
    // The calling code stays left of the number.
    expect(selector(el)!.getBoundingClientRect().left).to.be.lessThan(phoneInput(el).getBoundingClientRect().left);
  });

  it('says a number from a country not allowed cannot be used, and starts nothing', async () => {
    const backend = backendFor();
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url=${backend.url} countries="US,CA" .sdk=${new FakeSdk()}></prove-verify>`,
    );
    await reachPhone(el);
    await fillDetails(el, 'Addy', 'Epinay', '+44 7700 900123');
    await waitUntil(() => phoneError(el), 'the number was never refused', { timeout: 5000 });
    expect(phoneError(el)).to.equal('Error: Numbers from this country can’t be used here (United Kingdom).');
    expect(selector(el)!.value).to.equal('US');
    const steps = stepsOf(el);
    buttonByName(el, 'Verify').click();
    await waitUntil(
      () => phoneInput(el).getAttribute('aria-invalid') === 'true' && root(el).activeElement === phoneInput(el),
      'the phone was not refused',
      {
        timeout: 5000,
      },
    );
    expect(phoneError(el)).to.equal('Error: Numbers from this country can’t be used here (United Kingdom).');
    expect(steps).to.deep.equal([]);
    expect(await requestsSent(backend.id)).to.deep.equal([]);
  });

  it('fires no starting step for an invalid phone submitted straight away (prefilled, never focused)', async () => {
    const backend = backendFor();
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url=${backend.url} first-name="Addy" last-name="Epinay" phone="200" .sdk=${new FakeSdk()}></prove-verify>`,
    );
    const steps = stepsOf(el);
    buttonByName(el, 'Verify').click();
    await waitUntil(() => phoneError(el), 'no phone error', { timeout: 5000 });
    expect(phoneError(el)).to.match(/too short/);
    expect(steps).to.deep.equal([]);
    expect(el.step).to.equal('form');
  });

  it('starts one flow for two quick clicks while the form is checked, and sends E.164', async () => {
    const backend = backendFor();
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url=${backend.url} possession-type="mobile" countries="US,GB" .sdk=${new FakeSdk()}></prove-verify>`,
    );
    await reachPhone(el);
    await fillDetails(el, 'Addy', 'Epinay', '');
    paste(phoneInput(el), '+44 7700 900123');
    const steps = stepsOf(el);
    buttonByName(el, 'Verify').click();
    buttonByName(el, 'Verify').click();
    // Both clicks wait on the same check; the flow they started asking for its code is past both.
    await untilStep(el, 'otp-entry');
    expect(steps.filter((s) => s === 'starting')).to.have.length(1);
    const sent = (await requestsSent(backend.id)).filter((r) => r.call === 'verify');
    expect(sent).to.have.length(1);
    expect(sent[0]!.body.phoneNumber).to.equal('+447700900123');
  });

  it('formats a prefilled number as a typed one once the phone field loads, and sends the same number', async () => {
    const backend = backendFor();
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url=${backend.url} possession-type="mobile" first-name="Addy" last-name="Epinay" phone="2015550123" .sdk=${new FakeSdk()}></prove-verify>`,
    );
    await reachPhone(el);
    await until(
      () => phoneInput(el).value === '(201) 555-0123',
      () => `the prefilled number stayed "${phoneInput(el).value}"`,
    );
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    const [start] = (await requestsSent(backend.id)).filter((r) => r.call === 'verify');
    expect(start!.body.phoneNumber).to.equal('+12015550123');
  });

  it("formats a prefilled number once its country's numbering plans are in", async () => {
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url="/api" default-country="JP" phone="0312345678"></prove-verify>`,
    );
    await reachPhone(el);
    await until(
      () => phoneInput(el).value === '03-1234-5678',
      () => `the prefilled number stayed "${phoneInput(el).value}"`,
    );
  });

  it('shows a prefilled number formatted, left to right, from the first paint once the rules are in', async () => {
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url="/api" phone="2001004010"></prove-verify>`,
    );
    await until(
      () => phoneInput(el).value === '(200) 100-4010',
      () => `the prefilled number stayed "${phoneInput(el).value}"`,
    );
    expect(phoneInput(el).dir).to.equal('ltr');
  });
});
