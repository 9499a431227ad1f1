import { html, nothing } from 'lit';
import { sendOffer, type Sends } from '../flow/sends.js';
import { timeLeft } from '../i18n/strings.js';
import type { FormActions, ViewContext } from './context.js';

/**
 * While the resend wait runs, a line of its own says when a new code or link can be sent: plain
 * text, in no live region, so its ticking is never read out, and no button's name carries it.
 * Nothing once the wait is over (the button shows) or Prove's sends are used up.
 */
export function resendWait(sends: Sends, { now }: ViewContext<FormActions>, text: (time: string) => string) {
  return sendOffer(sends, now).wait
    ? html`<p class="hint resend-wait" part="hint">${text(timeLeft(sends.resendAt, now))}</p>`
    : nothing;
}

/**
 * Resend, once its wait is over and while Prove has sends left. `held` (a link still being sent):
 * shown, and a press does nothing, as the flow refuses it; never disabled, so focus never falls.
 */
export function resendButton(
  sends: Sends,
  { now }: ViewContext<FormActions>,
  label: string,
  onResend: () => void,
  held = false,
) {
  return sendOffer(sends, now).resend
    ? html`<button type="button" part="button" aria-disabled=${held} @click=${onResend}>${label}</button>`
    : nothing;
}
