import type { FieldName } from '../flow/state.js';
import type { Strings } from '../i18n/strings.js';

/** What a person can do; the element hands the flow controller in as this. */
export interface Actions {
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

export interface ViewContext {
  t: Strings;
  actions: Actions;
  /** The time the view is rendered at, for the time left until a deadline. */
  now: number;
}

/** Keeps the form from navigating and reads one named control of it. */
export function formValue(event: SubmitEvent, name: string): string {
  event.preventDefault();
  const control = (event.currentTarget as HTMLFormElement).elements.namedItem(name);
  return control instanceof HTMLInputElement ? control.value : '';
}
