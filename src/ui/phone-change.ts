import { html } from 'lit';
import type { FlowState } from '../flow/state.js';
import { formValue, type ViewContext } from './context.js';
import { field } from './field.js';

type PhoneChangeState = Extract<FlowState, { name: 'phone-change' }>;

/** Another number for the running flow, asked for by the SDK. */
export function phoneChange(state: PhoneChangeState, { t, actions }: ViewContext) {
  return html`
    <form part="form" novalidate @submit=${(e: SubmitEvent) => actions.submitPhone(formValue(e, 'phone'))}>
      <h2 part="title">${t.phoneChangeTitle}</h2>
      ${field({
        id: 'phone',
        name: 'phone',
        label: t.phone,
        value: state.values.phone,
        autocomplete: 'tel',
        type: 'tel',
        inputmode: 'tel',
        hint: t.phoneHint,
        error: state.error ? t.messages[state.error] : undefined,
        autofocus: true,
        onInput: (value) => actions.edit('phone', value),
      })}
      <button type="submit" part="button submit" class="primary">
        ${state.possession === 'mobile' ? t.sendCode : t.sendLink}
      </button>
      <div class="actions"><button type="button" part="button" @click=${() => actions.cancel()}>${t.cancel}</button></div>
    </form>
  `;
}
