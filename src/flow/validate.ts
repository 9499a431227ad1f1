import { checkPhone, checkPhoneNow, effectiveCountry, type PhoneCheck } from '../phone.js';
import type { FieldErrors, FormValues } from './state.js';

export const NAME_MAX_LENGTH = 100;

/** Checks the name fields; the phone is checked by `checkPhone`, which loads its metadata lazily. */
export function validateNames(values: FormValues): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of ['firstName', 'lastName'] as const) {
    const value = values[field].trim();
    if (!value) errors[field] = 'required';
    else if (value.length > NAME_MAX_LENGTH) errors[field] = 'tooLong';
  }
  return errors;
}

export type FormCheck =
  /** `phoneNumber` in E.164; `country` the one a national number was read in. */
  | { ok: true; phoneNumber: string; country: string }
  | { ok: false; errors: FieldErrors };

/**
 * The whole form, before a flow starts: names, then the phone for its country and the allowed
 * ones. At once when the phone rules are in (or the phone is empty), else once they are loaded;
 * the promise rejects only when they cannot be.
 */
export function validateForm(values: FormValues, countries: { defaultCountry: string; countries: string[] }): FormCheck | Promise<FormCheck> {
  const country = effectiveCountry(values.country, countries.defaultCountry, countries.countries);
  const result = (phone: PhoneCheck): FormCheck => {
    const errors = validateNames(values);
    if (!phone.ok) errors.phone = phone.error;
    return phone.ok && Object.keys(errors).length === 0 ? { ok: true, phoneNumber: phone.e164, country } : { ok: false, errors };
  };
  const now = checkPhoneNow(values.phone, country, countries.countries);
  return now ? result(now) : checkPhone(values.phone, country, countries.countries).then(result);
}
