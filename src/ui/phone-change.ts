import { html } from 'lit';
import type { FlowState } from '../flow/state.js';
import { formValue, type ViewContext } from './context.js';
import { phoneField } from './phone-field.js';

type PhoneChangeState = Extract<FlowState, { name: 'phone-change' }>;

/**
 * Another number for the running flow, asked for by the person or by the SDK (Prove refused one).
 * Cancel (and Escape) goes back to the code screen or link wait the person came from, with the
 * code or link still valid; when Prove refused the number there is nothing to go back to, and it
 * ends the flow.
 */
export function phoneChange(state: PhoneChangeState, ctx: ViewContext) {
  const { t, actions } = ctx;
  return html`
    <form part="form" novalidate @submit=${(e: SubmitEvent) => actions.submitPhone(formValue(e, 'phone'))}>
      <h2 part="title">${t.phoneChangeTitle}</h2>
      ${phoneField({ values: state.values, error: state.error, autofocus: true }, ctx)}
      <button type="submit" part="button submit" class="primary">
        ${state.possession === 'mobile' ? t.sendCode : t.sendLink}
      </button>
      <div class="actions"><button type="button" part="button" @click=${() => actions.cancel()}>${t.cancel}</button></div>
    </form>
  `;
}
