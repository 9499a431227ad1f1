/**
 * Phone number checks on libphonenumber-js, loaded only when a number is checked so its metadata
 * never weighs on the first paint.
 */
import type { CountryCode } from 'libphonenumber-js/min';
import type { MessageKey } from './flow/state.js';

export type PhoneCheck = { ok: true; e164: string } | { ok: false; error: MessageKey };

// Only the two functions are taken from the module, so the bundle keeps only what they need.
const importRules = () =>
  import('libphonenumber-js/min').then(({ parsePhoneNumberFromString, validatePhoneNumberLength }) => ({
    parsePhoneNumberFromString,
    validatePhoneNumberLength,
  }));

let rules: ReturnType<typeof importRules> | undefined;
/** The rules once loaded, for formatting while rendering (a number was checked before it shows). */
let loaded: Awaited<ReturnType<typeof importRules>> | undefined;

/** Starts loading the rules (once) so they are there by the time the person submits. */
export function loadPhoneRules() {
  rules ??= importRules().then(
    (module) => (loaded = module),
    (error: unknown) => {
      rules = undefined;
      throw error;
    },
  );
  return rules;
}

/** The number as people write it in its country, e.g. (201) 100-4010; as typed until the rules are in. */
export function nationalFormat(input: string, defaultCountry: CountryCode = 'US'): string {
  return loaded?.parsePhoneNumberFromString(input.trim(), defaultCountry)?.formatNational() ?? input.trim();
}

export async function checkPhone(input: string, defaultCountry: CountryCode = 'US'): Promise<PhoneCheck> {
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, error: 'required' };
  const { parsePhoneNumberFromString, validatePhoneNumberLength } = await loadPhoneRules();
  const length = validatePhoneNumberLength(trimmed, defaultCountry);
  if (length === 'TOO_SHORT') return { ok: false, error: 'phoneTooShort' };
  if (length === 'TOO_LONG') return { ok: false, error: 'phoneTooLong' };
  // "Possible", not "valid": Prove's sandbox numbers (2001004010) sit in unassigned ranges.
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry);
  if (!parsed || !parsed.isPossible()) return { ok: false, error: 'phoneInvalid' };
  return { ok: true, e164: parsed.number };
}

/** The last four digits, which is all of the number the waiting screen shows. */
export function lastFour(phone: string): string {
  return phone.replace(/\D/g, '').slice(-4);
}
