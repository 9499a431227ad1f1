import { html, nothing } from 'lit';
import type { FlowState } from '../flow/state.js';
import { format } from '../i18n/en.js';
import { lastFour } from '../phone.js';
import type { ViewContext } from './context.js';

type LinkState = Extract<FlowState, { name: 'link-sending' | 'link-waiting' }>;

/** Desktop: waiting while the person opens the Instant Link on their phone. */
export function linkWait(state: LinkState, { t, actions }: ViewContext) {
  const last4 = lastFour(state.values.phone);
  const cancel = html`<button type="button" part="button" @click=${() => actions.cancel()}>${t.cancel}</button>`;
  if (state.name === 'link-sending') {
    return html`<p class="progress" role="status" part="status">${format(t.linkSending, { last4 })}</p>
      <div class="actions">${cancel}</div>`;
  }
  return html`
    <section part="form">
      <h2 part="title" tabindex="-1" data-autofocus>${t.linkTitle}</h2>
      <p class="intro" role="status" part="status">
        ${format(t.linkIntro, { last4 })} ${state.message ? t.messages[state.message] : nothing}
      </p>
      <div class="spinner" aria-hidden="true" part="spinner"></div>
      <div class="actions">
        <button type="button" part="button" ?disabled=${!state.canResend} @click=${() => actions.resendLink()}>${t.resendLink}</button>
        <button type="button" part="button" ?disabled=${!state.canResend} @click=${() => actions.changeNumber()}>${t.differentNumber}</button>
        ${cancel}
      </div>
    </section>
  `;
}
