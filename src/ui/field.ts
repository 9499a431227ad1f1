import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';

export interface FieldOptions {
  id: string;
  name: string;
  label: string;
  value: string;
  autocomplete: string;
  type?: 'text' | 'tel';
  inputmode?: 'text' | 'tel' | 'numeric';
  hint?: string;
  error?: string;
  /** Read before the error, visually hidden (`errorPrefix`: "Error:"). */
  errorPrefix?: string;
  disabled?: boolean;
  autofocus?: boolean;
  /** `ltr` keeps a phone number left to right inside a right-to-left page. */
  dir?: 'ltr';
  /**
   * A control shown on the input's line, before it (the phone's country selector). A field with
   * `dir` always has that line, so the input stays the same element when the control comes.
   */
  before?: unknown;
  /** The new value, and the event (for its caret and `inputType`). */
  onInput?: (value: string, event: InputEvent) => void;
}

/** The `aria-describedby` of a control: the ids of what describes it, in reading order. */
export const describedBy = (...ids: (string | false | undefined)[]): string | undefined =>
  ids.filter(Boolean).join(' ') || undefined;

/** A labelled input with its hint and error tied to it by aria-describedby. */
export function field(o: FieldOptions) {
  const hintId = o.hint ? `${o.id}-hint` : undefined;
  const errorId = o.error ? `${o.id}-error` : undefined;
  const description = describedBy(hintId, errorId);
  return html`
    <div class="field" part="field">
      <label for=${o.id} part="label">${o.label}</label>
      ${o.before || o.dir ? html`<div class="field-row" dir=${ifDefined(o.dir)}>${o.before}${input(o, description)}</div>` : input(o, description)}
      ${hintId ? html`<p id=${hintId} class="hint" part="hint">${o.hint}</p>` : nothing}
      ${errorId ? html`<p id=${errorId} class="field-error" part="field-error"><span class="visually-hidden">${o.errorPrefix}</span> ${o.error}</p>` : nothing}
    </div>
  `;
}

function input(o: FieldOptions, description: string | undefined) {
  return html`<input
        id=${o.id}
        name=${o.name}
        part="input"
        type=${o.type ?? 'text'}
        dir=${ifDefined(o.dir)}
        inputmode=${ifDefined(o.inputmode)}
        autocomplete=${o.autocomplete}
        .value=${live(o.value)}
        ?readonly=${o.disabled}
        aria-invalid=${o.error ? 'true' : 'false'}
        aria-describedby=${ifDefined(description)}
        ?data-autofocus=${o.autofocus}
        @input=${(e: InputEvent) => o.onInput?.((e.target as HTMLInputElement).value, e)}
      />`;
}
