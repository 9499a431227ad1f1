/**
 * libphonenumber-js's metadata, one calling code at a time: the plans of a code load when a person
 * picks one of its countries or types a number with it (`metadataFor`), from ./metadata/<code>.js
 * through the loaders of ./metadata/index.js (both generated from libphonenumber-js's
 * metadata.min.json by scripts/phone-metadata.mjs). Which code a country or a `+` number has comes
 * from the index, which is always here.
 */
import { Metadata, parseIncompletePhoneNumber, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
import { CALLING_CODES, METADATA_VERSION } from './calling-codes.js';
import loadPlans from './metadata/index.js';

/**
 * The plans loaded so far, as one metadata object that libphonenumber-js/core reads as the whole
 * world's (it keeps no copy, so a plan added here counts from the next call). A code is listed
 * only once all its countries' plans are in, as libphonenumber-js looks through them all.
 */
export const metadata: MetadataJson = {
  version: METADATA_VERSION,
  country_calling_codes: {},
  countries: {},
  nonGeographic: {},
};

const CODE_OF_COUNTRY = new Map(
  Object.entries(CALLING_CODES).flatMap(([code, countries]) => countries.map((c) => [c, code] as const)),
);

/** `44` for GB; undefined for a country libphonenumber-js does not know. */
export const callingCodeOf = (country: string): string | undefined => CODE_OF_COUNTRY.get(country);

/** Every country libphonenumber-js knows. */
export const knownCountries = (): string[] => [...CODE_OF_COUNTRY.keys()];

/** The countries sharing a calling code, the main one first. */
export const countriesOfCallingCode = (code: string): readonly string[] => CALLING_CODES[code] ?? [];

const loaded = new Set<string>();
const loading = new Map<string, Promise<void>>();

function load(code: string): Promise<void> {
  let pending = loading.get(code);
  if (!pending) {
    pending = loadPlans(code).then(
      ({ default: plans }) => {
        for (const [country, plan] of Object.entries(plans)) {
          if (country === '001') metadata.nonGeographic[code] = plan;
          else metadata.countries[country as CountryCode] = plan;
        }
        if (CALLING_CODES[code]!.length)
          metadata.country_calling_codes[code] = [...CALLING_CODES[code]!] as CountryCode[];
        loaded.add(code);
      },
      (error: unknown) => {
        // A failed load may be tried again.
        loading.delete(code);
        throw error;
      },
    );
    loading.set(code, pending);
  }
  return pending;
}

/**
 * The calling code a number names: after its `+`, or after the international call prefix of
 * `country` (011 in the US, 00 in most of Europe; from that country's loaded plan). Calling codes
 * are a prefix code (none starts another), so the first one the digits start with is it, as
 * libphonenumber-js reads them. Only tells what to load: the rules then read the number.
 */
function namedCallingCode(input: string, country: string): string | undefined {
  let digits = parseIncompletePhoneNumber(input);
  if (digits.startsWith('+')) digits = digits.slice(1);
  else {
    const plans = new Metadata(metadata);
    plans.selectNumberingPlan(country as CountryCode);
    const prefix = new RegExp(`^(?:${plans.numberingPlan!.IDDPrefix()})`).exec(digits);
    if (!prefix) return undefined;
    digits = digits.slice(prefix[0].length);
  }
  for (let length = 1; length <= Math.min(3, digits.length); length++) {
    const code = digits.slice(0, length);
    if (CALLING_CODES[code]) return code;
  }
  return undefined;
}

/**
 * Loads what reading `input` in `country` needs: the country's plans, then those of the calling
 * code the number names, if another. Undefined when all of it is in (then the rules can read the
 * number at once); a country libphonenumber-js does not know needs nothing.
 */
export function metadataFor(input: string, country: string): Promise<void> | undefined {
  const home = callingCodeOf(country);
  if (!home) return undefined;
  if (!loaded.has(home)) return load(home).then(() => metadataFor(input, country));
  const named = namedCallingCode(input, country);
  return named && !loaded.has(named) ? load(named) : undefined;
}
