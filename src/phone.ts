/**
 * Phone numbers. What needs libphonenumber-js (formatting, checks) is in phone-rules.ts, loaded
 * only when the person starts on the form, with the numbering plans of each calling code as a
 * number needs them, so none of it weighs on the first paint. Until they are in, a number is plain
 * text.
 */
import type { MessageKey } from './flow/state.js';
import type * as PhoneRules from './phone-rules.js';

export type PhoneCheck = { ok: true; e164: string } | { ok: false; error: MessageKey };

type Rules = typeof PhoneRules;

let rules: Promise<Rules> | undefined;
/** The rules once loaded, for formatting while rendering. */
let loaded: Rules | undefined;

/** Starts loading the rules (once) so they are there by the time the person submits. */
export function loadPhoneRules(): Promise<Rules> {
  rules ??= import('./phone-rules.js').then(
    (module) => (loaded = module),
    (error: unknown) => {
      rules = undefined;
      throw error;
    },
  );
  return rules;
}

/**
 * The country a national number belongs to: the one chosen, else `default-country`; never one
 * outside `allowed` (the first allowed then).
 */
export function effectiveCountry(chosen: string | undefined, defaultCountry: string, allowed: readonly string[]): string {
  const country = chosen || defaultCountry || 'US';
  return allowed.length && !allowed.includes(country) ? allowed[0]! : country;
}

/**
 * Checks a number for `country` (the one a national number belongs to) and, when `allowed` is not
 * empty, that its country is one of them; loads the rules and the number's plans if need be.
 */
export function checkPhone(input: string, country = 'US', allowed: readonly string[] = []): Promise<PhoneCheck> {
  return loadPhoneRules().then((r) => r.checkLoading(input, country, allowed));
}

/** The rules if they are in (so a submit can be checked at once, and start in the same click). */
export const phoneRules = (): Rules | undefined => loaded;

/** The number as people write it in its country, e.g. (201) 100-4010; as typed until the rules are in. */
export function nationalFormat(input: string, country = 'US'): string {
  return loaded?.nationalFormat(input, country) ?? input.trim();
}

/** The number of a flow as its country writes it, read in the country the form chose. */
export function shownNumber(values: { phone: string; country?: string }, config: { defaultCountry: string; countries: readonly string[] }): string {
  return nationalFormat(values.phone, effectiveCountry(values.country, config.defaultCountry, config.countries));
}

/** The last four digits, which is all of the number the waiting screen shows. */
export function lastFour(phone: string): string {
  return phone.replace(/\D/g, '').slice(-4);
}
