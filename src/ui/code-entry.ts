import { html, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { sendOffer } from '../flow/sends.js';
import type { FlowState } from '../flow/state.js';
import { codeFrom } from '../flow/web-otp.js';
import { timeLeft } from '../i18n/strings.js';
import { shownNumber } from '../phone-rules.js';
import { formValue, type ViewContext } from './context.js';
import { describedBy } from './field.js';
import { withNumber } from './phone-text.js';
import { progress } from './progress.js';
import { resendButton, resendWait } from './resend.js';

type CodeState = Extract<FlowState, { name: 'otp-sending' | 'otp-entry' | 'otp-checking' }>;

/**
 * Mobile: the code from the text message, with its time left, resend, change of number and cancel.
 * One real input (`autocomplete="one-time-code"`, so iOS and Android offer the texted code) holds
 * the whole code; it takes digits only, at most `otp-length`, and submits itself at the last one.
 * What the person must hear of the code (a refusal, the last try) describes the input, which takes
 * focus with each new prompt; a code the clock runs out is said by the element's live region, and
 * focus stays where it is until the person acts. "Didn't get the text?" opens help naming the
 * screen's own actions.
 */
export function codeEntry(state: CodeState, ctx: ViewContext) {
  const { t, actions, now, config } = ctx;
  const length = config.otpLength;
  const phone = shownNumber(state.values, ctx.config);
  const cancel = html`<button type="button" part="button" @click=${() => actions.cancel()}>${t.cancel}</button>`;
  if (state.name === 'otp-sending') return progress(t.otpSendingTitle, withNumber(t.otpSending, phone), cancel);
  if (state.name === 'otp-checking') return progress(t.checkingTitle, t.codeChecked(state.code), cancel);

  const expired = state.expired;
  // Prove's refusal of a code (the person acted: its answer takes focus), or the clock's expiry.
  const error = state.error ? t.messages[state.error] : expired ? t.messages.codeExpired : undefined;
  const message = state.message ? t.messages[state.message] : undefined;
  const offer = sendOffer(state.sends, now);
  // What was typed, pasted or autofilled, as digits; the code goes by itself once it is complete.
  const take = (input: HTMLInputElement, text: string) => {
    const code = codeFrom(text, length);
    if (input.value !== code) input.value = code;
    if (code.length === length && !input.readOnly) actions.submitCode(code);
  };
  // An expired code makes a new one the main action, whatever the resend wait says; with no sends
  // left, "Start again" (which ends the flow as Cancel does, so Cancel goes). It takes focus when
  // Prove said the code expired; when the clock did, only if the control that had focus went.
  const focusMain = state.error === 'codeExpired';
  const main = !expired
    ? html`<button type="submit" part="button submit" class="primary">${t.submitCode}</button>`
    : html`<button
        type="button"
        part="button submit"
        class="primary"
        ?data-autofocus=${focusMain}
        data-refocus
        aria-describedby="code-error"
        @click=${() => (offer.startAgain ? actions.cancel() : actions.resendCode())}
      >
        ${offer.startAgain ? t.startAgain : t.sendNewCode}
      </button>`;
  return html`
    <form part="form" novalidate @submit=${(e: SubmitEvent) => actions.submitCode(formValue(e, 'code'))}>
      <h2 part="title">${t.otpTitle}</h2>
      <p class="intro" id="code-intro">${withNumber(t.otpIntro, phone)}</p>
      ${message ? html`<p class="notice" id="code-notice" part="status">${message}</p>` : nothing}
      <div class="field" part="field">
        <label for="code" part="label">${t.codeLabel}</label>
        ${keyed(
          state.prompt,
          // A new input each time the SDK asks, so a refused code is cleared.
          html`<input
            id="code"
            name="code"
            class="code-input"
            part="input code-input"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9]*"
            maxlength=${length}
            size=${length}
            data-length=${length}
            ?readonly=${expired}
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${describedBy(message && 'code-notice', 'code-intro', 'code-length', error && 'code-error', state.lastTry && 'code-last-try')!}
            ?data-autofocus=${!expired}
            @input=${(e: InputEvent) => {
              const input = e.target as HTMLInputElement;
              take(input, input.value);
            }}
            @paste=${(e: ClipboardEvent) => {
              const input = e.target as HTMLInputElement;
              const pasted = e.clipboardData?.getData('text');
              if (pasted === undefined || input.readOnly) return;
              // Taken whole, not cut to maxlength by the browser: "Your code is 1234" gives 1234.
              e.preventDefault();
              const start = input.selectionStart ?? input.value.length;
              const end = input.selectionEnd ?? input.value.length;
              const full = codeFrom(pasted, length);
              take(input, full.length === length ? full : input.value.slice(0, start) + full + input.value.slice(end));
            }}
          />`,
        )}
        <p class="hint" id="code-length" part="hint">${t.codeLength(length)}</p>
        ${error ? html`<p id="code-error" class="field-error" part="alert"><span class="visually-hidden">${t.errorPrefix}</span> ${error}</p>` : nothing}
        ${state.lastTry ? html`<p id="code-last-try" class="notice last-try" part="hint">${t.codeLastTry}</p>` : nothing}
        ${expired ? nothing : html`<p class="hint" part="hint">${t.codeTimeLeft(timeLeft(state.sends.expiresAt, now))}</p>`}
      </div>
      ${main} ${expired ? nothing : resendWait(state.sends, ctx, t.resendCodeIn)}
      <div class="actions">
        ${expired ? nothing : resendButton(state.sends, ctx, t.resendCode, () => actions.resendCode())}
        ${offer.changeNumber ? html`<button type="button" part="button" @click=${() => actions.changeNumber()}>${t.changeNumber}</button>` : nothing}
        ${
          !expired || !offer.startAgain
            ? html`<button type="button" part="button" @click=${() => actions.cancel()}>${offer.startAgain ? t.startAgain : t.cancel}</button>`
            : nothing
        }
      </div>
      <p class="hint" part="hint">${offer.startAgain ? t.codeNoSendsLeft : t.codeSendsLeft(offer.left)}</p>
      <details class="help" part="help">
        <summary>${t.codeHelpTitle}</summary>
        <ul>
          <li>${withNumber(t.codeHelpNumber, phone)}</li>
          <li>${t.codeHelpWait}</li>
          ${offer.changeNumber ? html`<li>${t.codeHelpActions(t.resendCode, t.changeNumber)}</li>` : nothing}
        </ul>
      </details>
    </form>
  `;
}
