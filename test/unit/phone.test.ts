import { expect } from '@open-wc/testing';
import { emptyValues } from '../../src/flow/state.js';
import { checkForm } from '../../src/flow/validate.js';
import { effectiveCountry } from '../../src/phone-country.js';
import {
  asNational,
  callingCode,
  checkLoading,
  checkNumber,
  formatTyped,
  metadataFor,
  nationalFormat,
  selectableCountries,
} from '../../src/phone-rules.js';

/** The numbering plans this page fetched, by calling code (src/phone/metadata/<code>.js). */
const plansFetched = () =>
  performance
    .getEntriesByType('resource')
    .map((entry) => /\/phone\/metadata\/(\d+)\.js/.exec(entry.name)?.[1])
    .filter(Boolean)
    .sort();

// First in this file: no numbering plan is in yet.
describe('phone numbering plans, loaded per calling code as numbers need them', () => {
  it('knows every country and its calling code before any plan loads', () => {
    expect(callingCode('GB')).to.equal('+44');
    expect(callingCode('CA')).to.equal('+1');
    expect(selectableCountries([]).length).to.be.greaterThan(200);
    expect(plansFetched()).to.deep.equal([]);
  });

  it("leaves a number as typed until its country's plans are in, then formats it", async () => {
    const waiting = formatTyped('2015550123', 10, 'US');
    expect(waiting).to.include({ value: '2015550123', caret: 10 });
    expect(waiting.loading).to.be.instanceOf(Promise);
    await waiting.loading;
    expect(formatTyped('2015550123', 10, 'US')).to.include({ value: '(201) 555-0123', caret: 14 });
    expect(plansFetched()).to.deep.equal(['1']);
  });

  it('loads the plans of the calling code a number names, after + or the international prefix', async () => {
    const plus = formatTyped('+447700900123', 13, 'US');
    expect(plus.value).to.equal('+447700900123');
    expect(plus.country).to.equal(undefined);
    await plus.loading;
    expect(formatTyped('+447700900123', 13, 'US')).to.include({ value: '+44 7700 900123', country: 'GB' });
    // 011 is how the US dials abroad: +33 is named without a +.
    const idd = formatTyped('011 33 612345678', 16, 'US');
    expect(idd.loading).to.be.instanceOf(Promise);
    await idd.loading;
    expect(formatTyped('011 33 612345678', 16, 'US').country).to.equal('FR');
    expect(plansFetched()).to.deep.equal(['1', '33', '44']);
  });

  it("checks the form once its number's plans are in, at once when they already are", async () => {
    const config = { defaultCountry: 'US', countries: [] };
    const values = { ...emptyValues(), firstName: 'Addy', lastName: 'Epinay', phone: '+7 912 345-67-89' };
    // Without its plans a number never reads as valid.
    expect(checkNumber(values.phone, 'US')).to.deep.equal({ ok: false, error: 'phoneInvalid' });
    const waiting = checkForm(values, config);
    expect(waiting).to.be.instanceOf(Promise);
    expect(await waiting).to.deep.equal({ ok: true, phoneNumber: '+79123456789', country: 'US' });
    expect(checkForm(values, config)).to.deep.equal({ ok: true, phoneNumber: '+79123456789', country: 'US' });
    // Calling codes shared by several countries load whole: the main country holds their formats.
    expect(formatTyped('+77012345678', 12, 'US')).to.include({ value: '+7 701 234 5678', country: 'KZ' });
  });
});

describe('phone numbers (libphonenumber-js)', () => {
  before(() => Promise.all(['US', 'GB', 'FR'].map((country) => metadataFor('', country) ?? Promise.resolve())));

  it('formats as typed with AsYouType for the selected country', () => {
    expect(formatTyped('2015550123', 10, 'US').value).to.equal('(201) 555-0123');
    expect(formatTyped('07700900123', 11, 'GB').value).to.equal('07700 900123');
    expect(formatTyped('0612345678', 10, 'FR').value).to.equal('06 12 34 56 78');
  });

  it('keeps the caret after the digit it followed when formatting inserts characters', () => {
    // "(201) 555-0123" with a 9 typed after the 2: the caret was after the 9 (raw position 2).
    const typed = formatTyped('(2901) 555-0123', 3, 'US');
    expect(typed.value.slice(0, typed.caret).replace(/\D/g, '')).to.equal('29');
    // At the end, it stays at the end.
    const end = formatTyped('2015', 4, 'US');
    expect(end).to.include({ value: '(201) 5', caret: 7 });
  });

  it('removes the digit before a formatting character a backspace removed', () => {
    // "(201) 5" → backspace after ")" leaves "(201 5": the 1 goes.
    const typed = formatTyped('(201 5', 4, 'US', [], '(201) 5', true);
    expect(typed.value.replace(/\D/g, '')).to.equal('205');
  });

  it('leaves text with letters as typed', () => {
    expect(formatTyped('call me', 7, 'US').value).to.equal('call me');
  });

  it('tells the country of a number written with +', () => {
    expect(formatTyped('+447700900123', 13, 'US').country).to.equal('GB');
    expect(formatTyped('+14165550123', 12, 'US').country).to.equal('CA');
    // +1 shared by many: a sandbox number in an unassigned range stays with the selected +1 country.
    expect(formatTyped('+12001004010', 12, 'CA').country).to.equal('CA');
    expect(formatTyped('2001004010', 10, 'US').country).to.equal(undefined);
  });

  it('gives calling codes and national formats', () => {
    expect(callingCode('GB')).to.equal('+44');
    expect(callingCode('ZZ')).to.equal(undefined);
    expect(asNational('+44 7700 900123', 'GB')).to.equal('07700 900123');
    expect(nationalFormat('2001004010', 'US')).to.equal('(200) 100-4010');
  });

  it('sends E.164, read in the selected country', async () => {
    expect(await checkLoading('(200) 100-4010', 'US')).to.deep.equal({ ok: true, e164: '+12001004010' });
    expect(await checkLoading('07700 900123', 'GB')).to.deep.equal({ ok: true, e164: '+447700900123' });
    expect(await checkLoading('+44 7700 900123', 'US')).to.deep.equal({ ok: true, e164: '+447700900123' });
  });

  it('refuses a number from a country not allowed, too short, too long, or empty', async () => {
    expect(await checkLoading('+44 7700 900123', 'US', ['US', 'CA'])).to.deep.equal({
      ok: false,
      error: 'phoneNotAllowed',
    });
    expect(await checkLoading('2001004010', 'US', ['US', 'CA'])).to.deep.equal({ ok: true, e164: '+12001004010' });
    expect(await checkLoading('200 100', 'US')).to.deep.equal({ ok: false, error: 'phoneTooShort' });
    expect(await checkLoading('200 100 4010 4010 4010', 'US')).to.deep.equal({ ok: false, error: 'phoneTooLong' });
    expect(await checkLoading('  ', 'US')).to.deep.equal({ ok: false, error: 'required' });
  });

  it('reads a national number in the chosen country, never one outside the allowed ones', () => {
    expect(effectiveCountry(undefined, 'US', [])).to.equal('US');
    expect(effectiveCountry('GB', 'US', [])).to.equal('GB');
    expect(effectiveCountry(undefined, 'US', ['CA', 'GB'])).to.equal('CA');
  });
});
