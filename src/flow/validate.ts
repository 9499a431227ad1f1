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
