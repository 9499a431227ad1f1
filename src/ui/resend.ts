import { html } from 'lit';
import { MAX_SENDS, type Sends } from '../flow/state.js';
import { format, timeLeft } from '../i18n/en.js';
import type { ViewContext } from './context.js';

interface ResendOptions {
  label: string;
  /** With `{time}`: the label while the resend wait runs. */
  waitLabel: string;
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
    ${waiting ? format(o.waitLabel, { time: timeLeft(sends.resendAt, now) }) : o.label}
  </button>`;
}
