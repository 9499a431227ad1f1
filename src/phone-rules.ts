/**
 * What needs libphonenumber-js's rules: formatting as the person types, the country a number is
 * from, and the checks. Pure phone logic: it imports no view, flow or language, so it loads with
 * whatever needs it (the lazy entry, flow/lazy.ts, in the element; a server's check in Node) and
 * none of it weighs on the first paint. Nothing here guesses at phone rules itself. The rules read
 * the numbering plans loaded so far (phone/loaded-metadata.ts): `metadataFor` loads those a number
 * needs, and until they are in, a number is left as typed.
 */
import {
  AsYouType,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/core';
import {
  callingCodeOf,
  countriesOfCallingCode,
  knownCountries,
  metadata,
  metadataFor as loadMetadataFor,
} from './phone/loaded-metadata.js';
import { effectiveCountry } from './phone-country.js';
import { possibleE164 } from './phone-rule.js';

/** What is wrong with a number: each is a key of the string table's messages. */
type PhoneError = 'required' | 'phoneInvalid' | 'phoneTooShort' | 'phoneTooLong' | 'phoneNotAllowed';

export type PhoneCheck = { ok: true; e164: string } | { ok: false; error: PhoneError };

/** The country a national number is read in: the one given if libphonenumber-js knows it, else the US. */
const homeOf = (country: string) => (callingCodeOf(country) ? country : 'US') as CountryCode;

/**
 * Loads the numbering plans reading `input` in `country` needs (see phone/loaded-metadata.ts);
 * undefined when they are in, and the functions below can read it at once.
 */
export const metadataFor = (input: string, country: string): Promise<void> | undefined =>
  loadMetadataFor(input, homeOf(country));

/** `+44` for GB; undefined for a code the rules do not know. */
export function callingCode(country: string): string | undefined {
  const code = callingCodeOf(country);
  return code && `+${code}`;
}

/** The countries to choose from: the allowed ones, or every country the rules know. */
export function selectableCountries(allowed: readonly string[]): readonly string[] {
  return allowed.length ? allowed : knownCountries();
}

/**
 * The country a number written with `+` belongs to: the one the rules name, else, for a calling
 * code several countries share (+1, +44), the chosen country if it has that code, else the first
 * allowed one that has it, else the code's main country.
 */
function countryOfCallingCode(code: string, chosen: string, allowed: readonly string[]): string | undefined {
  if (callingCodeOf(chosen) === code) return chosen;
  const sharing = countriesOfCallingCode(code);
  return sharing.find((c) => allowed.includes(c)) ?? sharing[0];
}

export interface Typed {
  value: string;
  caret: number;
  /** The country the number says it is from (it starts with `+`), if the rules can tell. */
  country?: string;
  /** The numbering plans this number waits for: it is left as typed until they are in. */
  loading?: Promise<void>;
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
 * Text with letters is left as typed (the check then says it is not a number), and so is a number
 * whose numbering plans are still loading (`loading`).
 */
export function formatTyped(
  raw: string,
  caret: number,
  country: string,
  allowed: readonly string[] = [],
  previous = '',
  deleting = false,
): Typed {
  if (/[^\d\s()+\-./]/.test(raw) || !callingCodeOf(country)) return { value: raw, caret };
  const loading = metadataFor(raw, country);
  if (loading) return { value: raw, caret, loading };
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
  const typer = new AsYouType(country as CountryCode, metadata);
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
  const parsed = parsePhoneNumberFromString(input.trim(), country as CountryCode, metadata);
  return parsed?.isPossible() ? parsed.formatNational() : undefined;
}

/** The number as people write it in its country, e.g. (201) 100-4010; as typed until its plans are in. */
export function nationalFormat(input: string, defaultCountry: string = 'US'): string {
  return parsePhoneNumberFromString(input.trim(), homeOf(defaultCountry), metadata)?.formatNational() ?? input.trim();
}

/**
 * A number in E.164 as the element writes numbers: nationally when it has `country`'s calling
 * code (`(201) 100-4011`), else internationally (`+44 7968 900002`); as given until its plans are in.
 */
export function shownE164(e164: string, country: string): string {
  const parsed = parsePhoneNumberFromString(e164, metadata);
  if (!parsed) return e164;
  return parsed.countryCallingCode === callingCodeOf(homeOf(country))
    ? parsed.formatNational()
    : parsed.formatInternational();
}

/** The country a number is from, as `checkNumber` reads it (for a message); undefined until its plans are in. */
export function countryOfNumber(input: string, country: string, allowed: readonly string[] = []): string | undefined {
  const parsed = callingCodeOf(country)
    ? parsePhoneNumberFromString(input.trim(), country as CountryCode, metadata)
    : undefined;
  return parsed && (parsed.country ?? countryOfCallingCode(parsed.countryCallingCode, country, allowed));
}

/**
 * Checks a number for `country` (the one a national number belongs to) and, when `allowed` is not
 * empty, that its country is one of them. With the plans it needs (`metadataFor`; `checkForm` and
 * `checkLoading` wait for them): without them, a number reads as not valid, never as valid.
 */
export function checkNumber(input: string, country = 'US', allowed: readonly string[] = []): PhoneCheck {
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, error: 'required' };
  const home = homeOf(country);
  const parsed = parsePhoneNumberFromString(trimmed, home, metadata);
  const from = parsed && (parsed.country ?? countryOfCallingCode(parsed.countryCallingCode, home, allowed));
  if (parsed && from && allowed.length && !allowed.includes(from)) return { ok: false, error: 'phoneNotAllowed' };
  const length = validatePhoneNumberLength(trimmed, home, metadata);
  if (length === 'TOO_SHORT') return { ok: false, error: 'phoneTooShort' };
  if (length === 'TOO_LONG') return { ok: false, error: 'phoneTooLong' };
  const e164 = possibleE164(trimmed, home, metadata);
  return e164 ? { ok: true, e164 } : { ok: false, error: 'phoneInvalid' };
}

/** `checkNumber` once the plans the number needs are in. */
export async function checkLoading(
  input: string,
  country = 'US',
  allowed: readonly string[] = [],
): Promise<PhoneCheck> {
  await metadataFor(input.trim(), country);
  return checkNumber(input, country, allowed);
}

/** The number of a flow as its country writes it, read in the country the form chose. */
export function shownNumber(
  values: { phone: string; country?: string },
  config: { defaultCountry: string; countries: readonly string[] },
): string {
  return nationalFormat(values.phone, effectiveCountry(values.country, config.defaultCountry, config.countries));
}

/** The last four digits, which is all of the number the waiting screen shows. */
export function lastFour(phone: string): string {
  return phone.replace(/\D/g, '').slice(-4);
}
