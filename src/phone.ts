/**
 * Phone numbers on libphonenumber-js, loaded only when the person starts on the form (its metadata
 * is the `phone-rules` chunk), so it never weighs on the first paint. Until it is in, a number is
 * plain text: nothing here guesses at phone rules itself.
 */
import type { CountryCode } from 'libphonenumber-js/min';
import type { MessageKey } from './flow/state.js';

export type PhoneCheck = { ok: true; e164: string } | { ok: false; error: MessageKey };

// Only these are taken from the module, so the chunk keeps only what they need.
const importRules = () =>
  import('libphonenumber-js/min').then(
    ({ AsYouType, Metadata, getCountries, getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, validatePhoneNumberLength }) => ({
      AsYouType,
      Metadata,
      getCountries,
      getCountryCallingCode,
      isSupportedCountry,
      parsePhoneNumberFromString,
      validatePhoneNumberLength,
    }),
  );

type Rules = Awaited<ReturnType<typeof importRules>>;

let rules: Promise<Rules> | undefined;
/** The rules once loaded, for formatting while rendering and typing. */
let loaded: Rules | undefined;

/** Starts loading the rules (once) so they are there by the time the person submits. */
export function loadPhoneRules(): Promise<Rules> {
  rules ??= importRules().then(
    (module) => (loaded = module),
    (error: unknown) => {
      rules = undefined;
      throw error;
    },
  );
  return rules;
}

/** Whether the rules are in (the input formats, the selector lists every country). */
export const phoneRulesLoaded = (): boolean => loaded !== undefined;

/**
 * The country a national number belongs to: the one chosen, else `default-country`; never one
 * outside `allowed` (the first allowed then).
 */
export function effectiveCountry(chosen: string | undefined, defaultCountry: string, allowed: readonly string[]): string {
  const country = chosen || defaultCountry || 'US';
  return allowed.length && !allowed.includes(country) ? allowed[0]! : country;
}

/** `+44` for GB; undefined until the rules are in, or for a code they do not know. */
export function callingCode(country: string): string | undefined {
  return loaded?.isSupportedCountry(country) ? `+${loaded.getCountryCallingCode(country as CountryCode)}` : undefined;
}

/** The countries to choose from: the allowed ones, or every country the rules know (none until loaded). */
export function selectableCountries(allowed: readonly string[]): readonly string[] {
  return allowed.length ? allowed : (loaded?.getCountries() ?? []);
}

/**
 * The country a number written with `+` belongs to: the one the rules name, else, for a calling
 * code several countries share (+1, +44), the chosen country if it has that code, else the first
 * allowed one that has it, else the code's main country.
 */
function countryOfCallingCode(r: Rules, code: string, chosen: string, allowed: readonly string[]): string | undefined {
  if (r.isSupportedCountry(chosen) && r.getCountryCallingCode(chosen as CountryCode) === code) return chosen;
  // Not in the typings, but the metadata's own list for a calling code, main country first.
  const sharing = (new r.Metadata() as unknown as { getCountryCodesForCallingCode(c: string): string[] | undefined }).getCountryCodesForCallingCode(code) ?? [];
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
 * Text with letters is left as typed (the check then says it is not a number). Before the rules
 * are loaded the value is returned as typed.
 */
export function formatTyped(
  raw: string,
  caret: number,
  country: string,
  allowed: readonly string[] = [],
  previous = '',
  deleting = false,
): Typed {
  const r = loaded;
  if (!r || /[^\d\s()+\-./]/.test(raw) || !r.isSupportedCountry(country)) return { value: raw, caret };
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
  const typer = new r.AsYouType(country as CountryCode);
  const value = typer.input(raw);
  const code = typer.getCallingCode();
  const detected = code ? (typer.getCountry() ?? countryOfCallingCode(r, code, country, allowed)) : undefined;
  return { value, caret: atEnd ? value.length : afterSignificant(value, digitsBefore), country: detected };
}

/**
 * A complete number written with `+` (usually pasted), as its own country writes it, e.g.
 * `+44 7700 900123` → `07700 900123`; undefined if it is not complete yet.
 */
export function asNational(input: string, country: string): string | undefined {
  const parsed = loaded?.parsePhoneNumberFromString(input.trim(), country as CountryCode);
  return parsed?.isPossible() ? parsed.formatNational() : undefined;
}

/** The number as people write it in its country, e.g. (201) 100-4010; as typed until the rules are in. */
export function nationalFormat(input: string, defaultCountry: string = 'US'): string {
  return loaded?.parsePhoneNumberFromString(input.trim(), defaultCountry as CountryCode)?.formatNational() ?? input.trim();
}

/**
 * Checks a number for `country` (the one a national number belongs to) and, when `allowed` is not
 * empty, that its country is one of them.
 */
export async function checkPhone(input: string, country = 'US', allowed: readonly string[] = []): Promise<PhoneCheck> {
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, error: 'required' };
  const r = await loadPhoneRules();
  const home = (r.isSupportedCountry(country) ? country : 'US') as CountryCode;
  const parsed = r.parsePhoneNumberFromString(trimmed, home);
  const from = parsed && (parsed.country ?? countryOfCallingCode(r, parsed.countryCallingCode, home, allowed));
  if (parsed && from && allowed.length && !allowed.includes(from)) return { ok: false, error: 'phoneNotAllowed' };
  const length = r.validatePhoneNumberLength(trimmed, home);
  if (length === 'TOO_SHORT') return { ok: false, error: 'phoneTooShort' };
  if (length === 'TOO_LONG') return { ok: false, error: 'phoneTooLong' };
  // "Possible", not "valid": Prove's sandbox numbers (2001004010) sit in unassigned ranges.
  if (!parsed || !parsed.isPossible()) return { ok: false, error: 'phoneInvalid' };
  return { ok: true, e164: parsed.number };
}

/** The country a number is from, as `checkPhone` reads it (for a message); undefined until the rules are in. */
export function countryOfNumber(input: string, country: string, allowed: readonly string[] = []): string | undefined {
  const r = loaded;
  const parsed = r?.isSupportedCountry(country) ? r.parsePhoneNumberFromString(input.trim(), country as CountryCode) : undefined;
  return parsed && r && (parsed.country ?? countryOfCallingCode(r, parsed.countryCallingCode, country, allowed));
}

/** The last four digits, which is all of the number the waiting screen shows. */
export function lastFour(phone: string): string {
  return phone.replace(/\D/g, '').slice(-4);
}
