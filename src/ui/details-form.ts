import { html, nothing } from 'lit';
import type { FieldName, FlowState } from '../flow/state.js';
import { field } from './field.js';
import type { ViewContext } from './context.js';

type DetailsState = Extract<FlowState, { name: 'form' | 'starting' | 'error' }>;

const FIELDS: { name: FieldName; id: string; autocomplete: string; type?: 'tel' }[] = [
  { name: 'firstName', id: 'first-name', autocomplete: 'given-name' },
  { name: 'lastName', id: 'last-name', autocomplete: 'family-name' },
  { name: 'phone', id: 'phone', autocomplete: 'tel', type: 'tel' },
];

/** The first screen: name and phone. Also shown, with an alert, when starting failed. */
export function detailsForm(state: DetailsState, { t, actions }: ViewContext) {
  const errors = state.name === 'form' ? state.errors : {};
  const firstInvalid = FIELDS.find((f) => errors[f.name])?.name;
  const busy = state.name === 'starting';
  return html`
    <form part="form" novalidate aria-busy=${busy ? 'true' : 'false'} @submit=${(e: SubmitEvent) => {
      e.preventDefault();
      actions.submit();
    }}>
      <h2 part="title">${t.title}</h2>
      <p class="intro">${t.intro}</p>
      ${state.name === 'error'
        ? html`<div class="alert" role="alert" part="alert">
            <p>${t.errors[state.code]}</p>
            ${state.code === 'config'
              ? nothing
              : html`<button type="button" part="button" data-autofocus @click=${() => actions.retry()}>${t.tryAgain}</button>`}
          </div>`
        : nothing}
      ${FIELDS.map((f) =>
        field({
          ...f,
          label: t[f.name],
          value: state.values[f.name],
          inputmode: f.type === 'tel' ? 'tel' : undefined,
          hint: f.name === 'phone' ? t.phoneHint : undefined,
          error: errors[f.name] ? t.messages[errors[f.name]!] : undefined,
          disabled: busy,
          autofocus: f.name === firstInvalid,
          onInput: (value) => actions.edit(f.name, value),
        }),
      )}
      <button type="submit" part="button submit" class="primary" ?disabled=${busy}>
        ${busy ? t.submitting : t.submit}
      </button>
    </form>
  `;
}
