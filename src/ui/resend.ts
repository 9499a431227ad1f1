import { html } from 'lit';
import { MAX_SENDS, type Sends } from '../flow/state.js';
import { timeLeft } from '../i18n/strings.js';
import type { ViewContext } from './context.js';

interface ResendOptions {
  label: string;
  /** The label while the resend wait runs. */
  waitLabel(time: string): string;
  disabled: boolean;
  onResend(): void;
}

/**
 * Resend, held with a countdown until the wait is over; once Prove's sends are used up it gives way
 * to "Start again".
 */
export function resendControls(sends: Sends, { t, actions, now }: ViewContext, o: ResendOptions) {
  if (sends.count >= MAX_SENDS) {
    return html`<button type="button" part="button" ?disabled=${o.disabled} @click=${() => actions.reset()}>${t.startAgain}</button>`;
  }
  const waiting = now < sends.resendAt;
  return html`<button type="button" part="button" ?disabled=${o.disabled || waiting} @click=${() => o.onResend()}>
    ${waiting ? o.waitLabel(timeLeft(sends.resendAt, now)) : o.label}
  </button>`;
}
