/**
 * What needs libphonenumber-js's rules: formatting as the person types, the country a number is
 * from, and the checks. Loaded lazily with them (see `loadPhoneRules` in phone.ts), so none of it
 * weighs on the first paint; nothing here guesses at phone rules itself.
 */
import * as rules from 'libphonenumber-js/min';
import type { CountryCode } from 'libphonenumber-js/min';
import type { PhoneCheck } from './phone.js';

// The form's check and the phone's own field need these rules: they load with them.
export { validateForm } from './flow/validate.js';
export { phoneField } from './ui/phone-field.js';

/** `+44` for GB; undefined for a code the rules do not know. */
export function callingCode(country: string): string | undefined {
  return rules.isSupportedCountry(country) ? `+${rules.getCountryCallingCode(country as CountryCode)}` : undefined;
}

/** The countries to choose from: the allowed ones, or every country the rules know. */
export function selectableCountries(allowed: readonly string[]): readonly string[] {
  return allowed.length ? allowed : rules.getCountries();
}

/**
 * The country a number written with `+` belongs to: the one the rules name, else, for a calling
 * code several countries share (+1, +44), the chosen country if it has that code, else the first
 * allowed one that has it, else the code's main country.
 */
function countryOfCallingCode(code: string, chosen: string, allowed: readonly string[]): string | undefined {
  if (rules.isSupportedCountry(chosen) && rules.getCountryCallingCode(chosen as CountryCode) === code) return chosen;
  // Not in the typings, but the metadata's own list for a calling code, main country first.
  const sharing = (new rules.Metadata() as unknown as { getCountryCodesForCallingCode(c: string): string[] | undefined }).getCountryCodesForCallingCode(code) ?? [];
  return sharing.find((c) => allowed.includes(c)) ?? sharing[0];
}

export interface Typed {
  value: string;
  caret: number;
  /** The country the number says it is from (it starts with `+`), if the rules can tell. */
  country?: string;
}

const SIGNIFICANT = /[\d+]/;
const significant = (text: string) => [...text].filter((c) => SIGNIFICANT.test(c)).length;

/** The position in `text` just after its `n`th digit (or `+`). */
function afterSignificant(text: string, n: number): number {
  if (n <= 0) return 0;
  let seen = 0;
  for (let i = 0; i < text.length; i++) if (SIGNIFICANT.test(text[i]!) && ++seen === n) return i + 1;
  return text.length;
}

/**
 * Formats what the person typed with libphonenumber-js's `AsYouType` for `country`, keeping the
 * caret after the same digit it followed. `previous` is the value before this input and
 * `deleting` says a backspace made it: a backspace that only removed a formatting character
 * (`)`, a space) removes the digit before it, else the formatter would put it straight back.
 * Text with letters is left as typed (the check then says it is not a number).
 */
export function formatTyped(
  raw: string,
  caret: number,
  country: string,
  allowed: readonly string[] = [],
  previous = '',
  deleting = false,
): Typed {
  if (/[^\d\s()+\-./]/.test(raw) || !rules.isSupportedCountry(country)) return { value: raw, caret };
  if (deleting && caret > 0 && significant(raw) === significant(previous)) {
    const before = raw.slice(0, caret);
    const cut = before.length - [...before].reverse().findIndex((c) => SIGNIFICANT.test(c)) - 1;
    if (cut < before.length) {
      raw = raw.slice(0, cut) + raw.slice(caret);
      caret = cut;
    }
  }
  const digitsBefore = significant(raw.slice(0, caret));
  const atEnd = caret >= raw.length;
  const typer = new rules.AsYouType(country as CountryCode);
  const value = typer.input(raw);
  const code = typer.getCallingCode();
  const detected = code ? (typer.getCountry() ?? countryOfCallingCode(code, country, allowed)) : undefined;
  return { value, caret: atEnd ? value.length : afterSignificant(value, digitsBefore), country: detected };
}

/**
 * A complete number written with `+` (usually pasted), as its own country writes it, e.g.
 * `+44 7700 900123` → `07700 900123`; undefined if it is not complete yet.
 */
export function asNational(input: string, country: string): string | undefined {
  const parsed = rules.parsePhoneNumberFromString(input.trim(), country as CountryCode);
  return parsed?.isPossible() ? parsed.formatNational() : undefined;
}

/** The number as people write it in its country, e.g. (201) 100-4010. */
export function nationalFormat(input: string, defaultCountry: string = 'US'): string {
  return rules.parsePhoneNumberFromString(input.trim(), defaultCountry as CountryCode)?.formatNational() ?? input.trim();
}

/** The country a number is from, as `checkNumber` reads it (for a message). */
export function countryOfNumber(input: string, country: string, allowed: readonly string[] = []): string | undefined {
  const parsed = rules.isSupportedCountry(country) ? rules.parsePhoneNumberFromString(input.trim(), country as CountryCode) : undefined;
  return parsed && (parsed.country ?? countryOfCallingCode(parsed.countryCallingCode, country, allowed));
}

/**
 * Checks a number for `country` (the one a national number belongs to) and, when `allowed` is not
 * empty, that its country is one of them.
 */
export function checkNumber(input: string, country = 'US', allowed: readonly string[] = []): PhoneCheck {
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, error: 'required' };
  const home = (rules.isSupportedCountry(country) ? country : 'US') as CountryCode;
  const parsed = rules.parsePhoneNumberFromString(trimmed, home);
  const from = parsed && (parsed.country ?? countryOfCallingCode(parsed.countryCallingCode, home, allowed));
  if (parsed && from && allowed.length && !allowed.includes(from)) return { ok: false, error: 'phoneNotAllowed' };
  const length = rules.validatePhoneNumberLength(trimmed, home);
  if (length === 'TOO_SHORT') return { ok: false, error: 'phoneTooShort' };
  if (length === 'TOO_LONG') return { ok: false, error: 'phoneTooLong' };
  // "Possible", not "valid": Prove's sandbox numbers (2001004010) sit in unassigned ranges.
  if (!parsed || !parsed.isPossible()) return { ok: false, error: 'phoneInvalid' };
  return { ok: true, e164: parsed.number };
}

