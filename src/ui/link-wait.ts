import { html, nothing } from 'lit';
import { MAX_SENDS, type FlowState } from '../flow/state.js';
import { timeLeft } from '../i18n/strings.js';
import { lastFour } from '../phone.js';
import type { ViewContext } from './context.js';
import { resendControls } from './resend.js';

type LinkState = Extract<FlowState, { name: 'link-sending' | 'link-waiting' }>;

/**
 * Desktop: waiting while the person opens the Instant Link on their phone, with the link's time
 * left. The same panel shows while the link is being sent, because the SDK may go straight to
 * waiting on its status socket without ever offering a resend (when Prove answers the start with
 * `{data: {}}`); the person must then still be told what to do.
 */
export function linkWait(state: LinkState, ctx: ViewContext) {
  const { t, actions, now } = ctx;
  const last4 = lastFour(state.values.phone);
  const canResend = state.name === 'link-waiting' && state.canResend;
  const intro = state.name === 'link-waiting' ? t.linkIntro : t.linkSending;
  const message = state.name === 'link-waiting' && state.message ? t.messages[state.message] : undefined;
  const sendsLeft = MAX_SENDS - state.sends.count;
  return html`
    <section part="form">
      <h2 part="title" tabindex="-1" data-autofocus aria-describedby="link-intro">${t.linkTitle}</h2>
      <p class="intro" id="link-intro" part="status">${intro(last4)} ${message ?? nothing}</p>
      <div class="spinner" aria-hidden="true" part="spinner"></div>
      <p class="hint center" part="hint">${t.linkTimeLeft(timeLeft(state.sends.expiresAt, now))}</p>
      <div class="actions">
        ${resendControls(state.sends, ctx, {
          label: t.resendLink,
          waitLabel: t.resendLinkIn,
          disabled: !canResend,
          onResend: () => actions.resendLink(),
        })}
        <button type="button" part="button" ?disabled=${!canResend || sendsLeft === 0} @click=${() => actions.changeNumber()}>${t.differentNumber}</button>
        <button type="button" part="button" @click=${() => actions.cancel()}>${t.cancel}</button>
      </div>
      <p class="hint" part="hint">${sendsLeft > 0 ? t.linkSendsLeft(sendsLeft) : t.linkNoSendsLeft}</p>
    </section>
  `;
}
