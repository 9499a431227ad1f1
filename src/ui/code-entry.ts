import { html, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { MAX_SENDS, type FlowState } from '../flow/state.js';
import { timeLeft } from '../i18n/strings.js';
import { nationalFormat } from '../phone.js';
import { formValue, type ViewContext } from './context.js';
import { resendControls } from './resend.js';

type CodeState = Extract<FlowState, { name: 'otp-sending' | 'otp-entry' | 'otp-checking' }>;

/** Mobile: the code from the text message, with its time left, resend, change of number and cancel. */
export function codeEntry(state: CodeState, ctx: ViewContext) {
  const { t, actions, now } = ctx;
  const phone = nationalFormat(state.values.phone);
  const cancel = html`<button type="button" part="button" @click=${() => actions.cancel()}>${t.cancel}</button>`;
  if (state.name === 'otp-sending') {
    return html`<p class="progress" part="status">${t.otpSending(phone)}</p>
      <div class="actions">${cancel}</div>`;
  }
  const checking = state.name === 'otp-checking';
  const expired = state.name === 'otp-entry' && state.expired;
  const error = state.name === 'otp-entry' && state.error ? t.messages[state.error] : undefined;
  const message = state.name === 'otp-entry' && state.message ? t.messages[state.message] : undefined;
  const sendsLeft = MAX_SENDS - state.sends.count;
  // An expired code makes a new one the main action, whatever the resend wait says.
  const main = !expired
    ? html`<button type="submit" part="button submit" class="primary" ?disabled=${checking}>${checking ? t.checkingCode : t.submitCode}</button>`
    : sendsLeft > 0
      ? html`<button type="button" part="button submit" class="primary" data-autofocus @click=${() => actions.resendCode()}>${t.sendNewCode}</button>`
      : html`<button type="button" part="button submit" class="primary" data-autofocus @click=${() => actions.reset()}>${t.startAgain}</button>`;
  return html`
    <form part="form" novalidate aria-busy=${checking ? 'true' : 'false'} @submit=${(e: SubmitEvent) => actions.submitCode(formValue(e, 'code'))}>
      <h2 part="title">${t.otpTitle}</h2>
      <p class="intro" id="code-intro">${t.otpIntro(phone)}</p>
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
            ?readonly=${checking || expired}
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${[message && 'code-notice', 'code-intro', error && 'code-error'].filter(Boolean).join(' ')}
            ?data-autofocus=${!checking && !expired}
          />`,
        )}
        ${error ? html`<p id="code-error" class="field-error" role="alert" part="alert">${error}</p>` : nothing}
        ${expired ? nothing : html`<p class="hint" part="hint">${t.codeTimeLeft(timeLeft(state.sends.expiresAt, now))}</p>`}
      </div>
      ${main}
      <div class="actions">
        ${expired && sendsLeft > 0
          ? nothing
          : resendControls(state.sends, ctx, {
              label: t.resendCode,
              waitLabel: t.resendCodeIn,
              disabled: checking,
              onResend: () => actions.resendCode(),
            })}
        <button type="button" part="button" ?disabled=${checking || sendsLeft === 0} @click=${() => actions.changeNumber()}>${t.changeNumber}</button>
        ${cancel}
      </div>
      <p class="hint" part="hint">${sendsLeft > 0 ? t.codeSendsLeft(sendsLeft) : t.codeNoSendsLeft}</p>
    </form>
  `;
}
