import { expect } from '@open-wc/testing';
import { checkPhone, effectiveCountry, nationalFormat, loadPhoneRules } from '../../src/phone.js';
import { asNational, callingCode, formatTyped } from '../../src/phone-rules.js';

describe('phone numbers (libphonenumber-js)', () => {
  before(() => loadPhoneRules());

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
    expect(await checkPhone('(200) 100-4010', 'US')).to.deep.equal({ ok: true, e164: '+12001004010' });
    expect(await checkPhone('07700 900123', 'GB')).to.deep.equal({ ok: true, e164: '+447700900123' });
    expect(await checkPhone('+44 7700 900123', 'US')).to.deep.equal({ ok: true, e164: '+447700900123' });
  });

  it('refuses a number from a country not allowed, too short, too long, or empty', async () => {
    expect(await checkPhone('+44 7700 900123', 'US', ['US', 'CA'])).to.deep.equal({ ok: false, error: 'phoneNotAllowed' });
    expect(await checkPhone('2001004010', 'US', ['US', 'CA'])).to.deep.equal({ ok: true, e164: '+12001004010' });
    expect(await checkPhone('200 100', 'US')).to.deep.equal({ ok: false, error: 'phoneTooShort' });
    expect(await checkPhone('200 100 4010 4010 4010', 'US')).to.deep.equal({ ok: false, error: 'phoneTooLong' });
    expect(await checkPhone('  ', 'US')).to.deep.equal({ ok: false, error: 'required' });
  });

  it('reads a national number in the chosen country, never one outside the allowed ones', () => {
    expect(effectiveCountry(undefined, 'US', [])).to.equal('US');
    expect(effectiveCountry('GB', 'US', [])).to.equal('GB');
    expect(effectiveCountry(undefined, 'US', ['CA', 'GB'])).to.equal('CA');
  });
});
