import { html, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { FlowState } from '../flow/state.js';
import { format } from '../i18n/en.js';
import { lastFour } from '../phone.js';
import { formValue, type ViewContext } from './context.js';

type CodeState = Extract<FlowState, { name: 'otp-sending' | 'otp-entry' | 'otp-checking' }>;

/** Mobile: the code from the text message, with resend and change of number. */
export function codeEntry(state: CodeState, { t, actions }: ViewContext) {
  const last4 = lastFour(state.values.phone);
  if (state.name === 'otp-sending') {
    return html`<p class="progress" part="status">${format(t.otpSending, { last4 })}</p>
      <div class="actions"><button type="button" part="button" @click=${() => actions.cancel()}>${t.cancel}</button></div>`;
  }
  const checking = state.name === 'otp-checking';
  const error = state.name === 'otp-entry' && state.error ? t.messages[state.error] : undefined;
  const message = state.name === 'otp-entry' && state.message ? t.messages[state.message] : undefined;
  return html`
    <form part="form" novalidate aria-busy=${checking ? 'true' : 'false'} @submit=${(e: SubmitEvent) => actions.submitCode(formValue(e, 'code'))}>
      <h2 part="title">${t.otpTitle}</h2>
      <p class="intro" id="code-intro">${format(t.otpIntro, { last4 })}</p>
      ${message ? html`<p class="notice" id="code-notice" part="status">${message}</p>` : nothing}
      <div class="field" part="field">
        <label for="code" part="label">${t.codeLabel}</label>
        ${keyed(
          state.prompt,
          // A new input each time the SDK asks, so a refused code is cleared; the code being checked stays.
          html`<input
            id="code"
            name="code"
            part="input code-input"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9]*"
            maxlength="12"
            ?readonly=${checking}
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${[message && 'code-notice', 'code-intro', error && 'code-error'].filter(Boolean).join(' ')}
            ?data-autofocus=${!checking}
          />`,
        )}
        ${error ? html`<p id="code-error" class="field-error" role="alert" part="alert">${error}</p>` : nothing}
      </div>
      <button type="submit" part="button submit" class="primary" ?disabled=${checking}>
        ${checking ? t.checkingCode : t.submitCode}
      </button>
      <div class="actions">
        <button type="button" part="button" ?disabled=${checking} @click=${() => actions.resendCode()}>${t.resendCode}</button>
        <button type="button" part="button" ?disabled=${checking} @click=${() => actions.changeNumber()}>${t.changeNumber}</button>
      </div>
    </form>
  `;
}
