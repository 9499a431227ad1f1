import { html, nothing } from 'lit';
import { sendOffer } from '../flow/sends.js';
import type { FlowState } from '../flow/state.js';
import { timeLeft } from '../i18n/strings.js';
import { lastFour } from '../phone-rules.js';
import type { ViewContext } from './context.js';
import { withNumber } from './phone-text.js';
import { resendButton, resendWait } from './resend.js';

type LinkState = Extract<FlowState, { name: 'link-sending' | 'link-waiting' }>;

/**
 * Desktop: waiting while the person opens the Instant Link on their phone, with the link's time
 * left. The same panel shows while the link is being sent, because the SDK may go straight to
 * waiting on its status socket without ever offering a resend (when Prove answers the start with
 * `{data: {}}`); the person must then still be told what to do. Every line starts at the same edge,
 * the spinner beside the time left. The intro and what follows it are one text, so a screen reader
 * hears "continue. We sent a new link." with its space (Chromium drops a text node of spaces alone
 * between two others from the heading's description). A lost connection is said where the page
 * otherwise says to keep it open, and by the element's live region, once; focus stays put.
 */
export function linkWait(state: LinkState, ctx: ViewContext) {
  const { t, actions, now } = ctx;
  const last4 = lastFour(state.values.phone);
  const canResend = state.name === 'link-waiting' && state.canResend;
  const intro = state.name === 'link-waiting' ? t.linkIntro : t.linkSending;
  const message = state.name === 'link-waiting' && state.message ? t.messages[state.message] : undefined;
  const offer = sendOffer(state.sends, now);
  const lost = state.connection === 'lost';
  return html`
    <section part="form">
      <h2 part="title" tabindex="-1" data-autofocus aria-describedby="link-intro link-keep-open">${t.linkTitle}</h2>
      <p class="intro" id="link-intro" part="status">${withNumber(intro, last4)}${message ? ` ${message}` : nothing}</p>
      <p id="link-keep-open" class=${lost ? 'connection-lost' : nothing} part="status">${lost ? t.connectionLost : t.linkKeepOpen}</p>
      <div class="time-left">
        <div class="spinner" aria-hidden="true" part="spinner"></div>
        <p class="hint" part="hint">${t.linkTimeLeft(timeLeft(state.sends.expiresAt, now))}</p>
      </div>
      ${resendWait(state.sends, ctx, t.resendLinkIn)}
      <div class="actions">
        ${resendButton(state.sends, ctx, t.resendLink, () => actions.resendLink(), !canResend)}
        ${offer.changeNumber ? html`<button type="button" part="button" aria-disabled=${!canResend} @click=${() => actions.changeNumber()}>${t.differentNumber}</button>` : nothing}
        <button type="button" part="button" @click=${() => actions.cancel()}>${offer.startAgain ? t.startAgain : t.cancel}</button>
      </div>
      <p class="hint" part="hint">${offer.startAgain ? t.linkNoSendsLeft : t.linkSendsLeft(offer.left)}</p>
    </section>
  `;
}
