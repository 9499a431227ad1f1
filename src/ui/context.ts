import type { FieldName } from '../flow/state.js';
import type { Strings } from '../i18n/strings.js';
import type { Settings } from '../settings.js';

/** What a person can do on the form: the flow's controller does it, from the first paint on. */
export interface FormActions {
  edit(field: FieldName, value: string): void;
  submit(): void;
}

/** What a person can do on the steps of a running flow: the flow's runner does it, once loaded. */
export interface Actions extends FormActions {
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

/** What the views show of the element's settings, and the language of its words. */
interface ViewConfig extends Pick<Settings, 'defaultCountry' | 'countries' | 'otpLength'> {
  /** The language tag of the strings in use, e.g. `fr` (for `Intl` formats). */
  lang: string;
}

/** What a view renders with; the form's view gets the form's actions only (`FormActions`). */
export interface ViewContext<A extends FormActions = Actions> {
  t: Strings;
  actions: A;
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
