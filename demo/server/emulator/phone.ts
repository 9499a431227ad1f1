import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * E.164 for anything libphonenumber calls "possible" (US by default). "Valid" would be too
 * strict: the sandbox number 2001004010 sits in a range no carrier has, so it is only possible.
 */
export function normalizePhone(input: string): string | undefined {
  const trimmed = input.trim();
  if (trimmed === '' || trimmed.length > 32) return undefined;
  const parsed = parsePhoneNumberFromString(trimmed, 'US');
  if (!parsed || !parsed.isPossible()) return undefined;
  return parsed.number;
}
