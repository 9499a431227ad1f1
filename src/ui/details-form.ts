import { html, nothing } from 'lit';
import type { StateShowing } from '../flow/steps.js';
import type { FormActions, ViewContext } from './context.js';
import { errorAlert } from './error-alert.js';
import { field } from './field.js';
import { lazyLoaded } from '../flow/lazy-loader.js';

const FIELDS: { name: 'firstName' | 'lastName' | 'phone'; id: string; autocomplete: string }[] = [
  { name: 'firstName', id: 'first-name', autocomplete: 'given-name' },
  { name: 'lastName', id: 'last-name', autocomplete: 'family-name' },
  { name: 'phone', id: 'phone', autocomplete: 'tel' },
];

/**
 * The first screen: name and phone. Also shown, with an alert, when starting failed. The `consent`
 * slot under the fields holds the carrier-consent text some integrators must show.
 */
export function detailsForm(state: StateShowing<'form'>, ctx: ViewContext<FormActions>) {
  const { t, actions, now } = ctx;
  const errors = state.name === 'form' ? state.errors : {};
  const focus = FIELDS.find((f) => errors[f.name])?.name ?? (state.name === 'form' ? state.focus : undefined);
  const busy = state.name === 'starting';
  const held = state.name === 'error' && state.retryAt !== undefined && now < state.retryAt;
  // After a failure the form's one button says "Try again" and takes focus; a set-up mistake,
  // which trying again cannot mend, leaves it "Verify". While starting or held, it keeps focus
  // (aria-disabled, never disabled) and a press does nothing: the flow refuses the submit.
  const retry = state.name === 'error' && state.code !== 'config' && state.code !== 'integration';
  const phoneView = lazyLoaded();
  return html`
    <form part="form" novalidate aria-busy=${busy ? 'true' : 'false'} @submit=${(e: SubmitEvent) => {
      e.preventDefault();
      actions.submit();
    }}>
      <h2 part="title">${t.title}</h2>
      <p class="intro">${t.intro}</p>
      ${state.name === 'error' ? errorAlert(state, ctx) : nothing}
      ${FIELDS.map((f) =>
        f.name === 'phone' && phoneView
          ? phoneView.phoneField(
              { values: state.values, error: errors.phone, disabled: busy, autofocus: focus === 'phone' },
              ctx,
            )
          : field({
              ...f,
              label: t[f.name],
              value: state.values[f.name],
              // Until the phone's own field loads: a plain LTR input. Its hint names no country:
              // the first Intl.DisplayNames of a page costs 15 ms or more, too much for first paint.
              ...(f.name === 'phone' && { type: 'tel', inputmode: 'tel', dir: 'ltr', hint: t.phoneHint }),
              error: errors[f.name] && t.messages[errors[f.name]!],
              errorPrefix: t.errorPrefix,
              disabled: busy,
              autofocus: f.name === focus,
              onInput: (value) => actions.edit(f.name, value),
            }),
      )}
      <slot name="consent"></slot>
      <button
        type="submit"
        part="button submit"
        class="primary"
        aria-disabled=${busy || held}
        ?data-autofocus=${retry}
        @click=${(e: MouseEvent) => {
          // Verify starts the flow itself (clicked, or by Enter in a field, which clicks it): the browser's
          // own submission of a form in a shadow root (its autofill reads the form first) holds the start
          // call back by 2–3 ms. The form's submit handler serves `requestSubmit()`.
          e.preventDefault();
          actions.submit();
        }}
      >
        ${busy ? t.submitting : retry ? t.tryAgain : t.submit}
      </button>
    </form>
  `;
}
