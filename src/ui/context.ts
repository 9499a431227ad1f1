import type { FieldName } from '../flow/state.js';
import type { Strings } from '../i18n/strings.js';

/** What a person can do; the element hands the flow controller in as this. */
interface Actions {
  edit(field: FieldName, value: string): void;
  submit(): void;
  submitCode(code: string): void;
  resendCode(): void;
  changeNumber(): void;
  submitPhone(phone: string): void;
  resendLink(): void;
  startWithNewNumber(): void;
  cancel(): void;
  retry(): void;
  reset(): void;
}

/** What the element's attributes say about how to show things. */
interface ViewConfig {
  /** The language tag of the strings in use, e.g. `fr` (for `Intl` formats). */
  lang: string;
  /** ISO 3166 code, upper case (`default-country`). */
  defaultCountry: string;
  /** Allowed countries, upper case; empty: any (`countries`). */
  countries: string[];
  /** Digits in a texted code, 4 to 6 (`otp-length`). */
  otpLength: number;
}

export interface ViewContext {
  t: Strings;
  actions: Actions;
  /** The time the view is rendered at, for the time left until a deadline. */
  now: number;
  config: ViewConfig;
}

/** Keeps the form from navigating and reads one named control of it. */
export function formValue(event: SubmitEvent, name: string): string {
  event.preventDefault();
  const control = (event.currentTarget as HTMLFormElement).elements.namedItem(name);
  return control instanceof HTMLInputElement ? control.value : '';
}
