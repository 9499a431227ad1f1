import { html } from 'lit';
import type { FlowState } from '../flow/state.js';
import { formValue, type ViewContext } from './context.js';
import { phoneField } from './phone-field.js';

type PhoneChangeState = Extract<FlowState, { name: 'phone-change' }>;

/** Another number for the running flow, asked for by the SDK. */
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
