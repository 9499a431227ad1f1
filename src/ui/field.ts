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
  disabled?: boolean;
  autofocus?: boolean;
  onInput?: (value: string) => void;
}

/** A labelled input with its hint and error tied to it by aria-describedby. */
export function field(o: FieldOptions) {
  const hintId = o.hint ? `${o.id}-hint` : undefined;
  const errorId = o.error ? `${o.id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return html`
    <div class="field" part="field">
      <label for=${o.id} part="label">${o.label}</label>
      <input
        id=${o.id}
        name=${o.name}
        part="input"
        type=${o.type ?? 'text'}
        inputmode=${ifDefined(o.inputmode)}
        autocomplete=${o.autocomplete}
        .value=${live(o.value)}
        ?readonly=${o.disabled}
        aria-invalid=${o.error ? 'true' : 'false'}
        aria-describedby=${ifDefined(describedBy)}
        ?data-autofocus=${o.autofocus}
        @input=${(e: InputEvent) => o.onInput?.((e.target as HTMLInputElement).value)}
      />
      ${hintId ? html`<p id=${hintId} class="hint" part="hint">${o.hint}</p>` : nothing}
      ${errorId ? html`<p id=${errorId} class="field-error" part="field-error">${o.error}</p>` : nothing}
    </div>
  `;
}
