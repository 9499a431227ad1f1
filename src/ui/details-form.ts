import { html, nothing } from 'lit';
import type { FieldName, FlowState } from '../flow/state.js';
import type { ViewContext } from './context.js';
import { errorAlert } from './error-alert.js';
import { field } from './field.js';
import { loadRulesOnFocus, phoneField } from './phone-field.js';

type DetailsState = Extract<FlowState, { name: 'form' | 'starting' | 'error' }>;

const NAMES: { name: 'firstName' | 'lastName'; id: string; autocomplete: string }[] = [
  { name: 'firstName', id: 'first-name', autocomplete: 'given-name' },
  { name: 'lastName', id: 'last-name', autocomplete: 'family-name' },
];

/** The fields in the order focus visits them for their errors. */
const ORDER: FieldName[] = ['firstName', 'lastName', 'phone'];

/**
 * The first screen: name and phone. Also shown, with an alert, when starting failed. The `consent`
 * slot under the fields holds the carrier-consent text some integrators must show.
 */
export function detailsForm(state: DetailsState, ctx: ViewContext) {
  const { t, actions, now } = ctx;
  const errors = state.name === 'form' ? state.errors : {};
  const focus = ORDER.find((f) => errors[f]) ?? (state.name === 'form' ? state.focus : undefined);
  const busy = state.name === 'starting';
  const held = state.name === 'error' && state.retryAt !== undefined && now < state.retryAt;
  return html`
    <form part="form" novalidate aria-busy=${busy ? 'true' : 'false'} @focusin=${loadRulesOnFocus} @submit=${(e: SubmitEvent) => {
      e.preventDefault();
      actions.submit();
    }}>
      <h2 part="title">${t.title}</h2>
      <p class="intro">${t.intro}</p>
      ${state.name === 'error' ? errorAlert(state, ctx) : nothing}
      ${NAMES.map((f) =>
        field({
          ...f,
          label: t[f.name],
          value: state.values[f.name],
          error: errors[f.name] ? t.messages[errors[f.name]!] : undefined,
          disabled: busy,
          autofocus: f.name === focus,
          onInput: (value) => actions.edit(f.name, value),
        }),
      )}
      ${phoneField({ values: state.values, error: errors.phone, disabled: busy, autofocus: focus === 'phone' }, ctx)}
      <slot name="consent"></slot>
      <button type="submit" part="button submit" class="primary" ?disabled=${busy || held}>
        ${busy ? t.submitting : t.submit}
      </button>
    </form>
  `;
}
