import { hasForbiddenNameCharacter } from '../name-rule.js';
import { effectiveCountry } from '../phone-country.js';
import { checkNumber, metadataFor } from '../phone-rules.js';
import type { FieldErrors, FormValues } from './state.js';

const NAME_MAX_LENGTH = 100;

/** Checks the name fields: present, not too long, and nothing hidden that could reorder or fake them. */
function validateNames(values: FormValues): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of ['firstName', 'lastName'] as const) {
    const value = values[field].trim();
    if (!value) errors[field] = 'required';
    else if (value.length > NAME_MAX_LENGTH) errors[field] = 'tooLong';
    else if (hasForbiddenNameCharacter(value)) errors[field] = 'nameHiddenCharacters';
  }
  return errors;
}

export type FormCheck =
  /** `phoneNumber` in E.164; `country` the one a national number was read in. */
  { ok: true; phoneNumber: string; country: string } | { ok: false; errors: FieldErrors };

/**
 * The whole form, before a flow starts: names, then the phone for its country and the allowed
 * ones. It needs the phone rules, so it loads with them in the lazy entry (lazy.ts), off the first
 * paint.
 */
export function validateForm(
  values: FormValues,
  countries: { defaultCountry: string; countries: string[] },
): FormCheck {
  const country = effectiveCountry(values.country, countries.defaultCountry, countries.countries);
  const phone = checkNumber(values.phone, country, countries.countries);
  const errors = validateNames(values);
  if (!phone.ok) errors.phone = phone.error;
  return phone.ok && Object.keys(errors).length === 0
    ? { ok: true, phoneNumber: phone.e164, country }
    : { ok: false, errors };
}

/**
 * The form's check, at once when the numbering plans its number needs are in, so a submit shows
 * `starting` in the same click; else once they are.
 */
export function checkForm(...[values, config]: Parameters<typeof validateForm>): FormCheck | Promise<FormCheck> {
  const loading = metadataFor(values.phone, effectiveCountry(values.country, config.defaultCountry, config.countries));
  return loading ? loading.then(() => validateForm(values, config)) : validateForm(values, config);
}
