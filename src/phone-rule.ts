/**
 * The one phone rule, shared by the element, the backend (`prove-verify-server`) and the Prove
 * emulator, as `name-rule.ts` is for names: a number as a person types it, read in `country` when
 * it has no `+`, is accepted in E.164 when libphonenumber-js calls it possible (its length fits
 * the numbering plan), not only when valid. Prove's sandbox number 2001004010 has area code 200,
 * which no carrier has: it is possible, never valid, and the sandbox must take it.
 *
 * It reads the numbering plans it is given, so the element can pass the few it has loaded and a
 * server the whole set.
 */
import { parsePhoneNumberFromString, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';

/** Longer input is no phone number however it is spelt; it is refused before it is parsed. */
export const PHONE_INPUT_MAX = 40;

export function possibleE164(input: string, country: CountryCode, metadata: MetadataJson): string | undefined {
  if (input.length > PHONE_INPUT_MAX) return undefined;
  const parsed = parsePhoneNumberFromString(input.trim(), country, metadata);
  return parsed?.isPossible() ? parsed.number : undefined;
}
