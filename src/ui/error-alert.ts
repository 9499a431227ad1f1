import { html, nothing } from 'lit';
import type { FlowState } from '../flow/state.js';
import { timeLeft } from '../i18n/strings.js';
import type { ViewContext } from './context.js';

/**
 * What failed and "Try again". When the backend or Prove asked to wait (HTTP 429), the alert says
 * for how long and the button is held until then.
 */
export function errorAlert(state: Extract<FlowState, { name: 'error' }>, { t, actions, now }: ViewContext, buttonClass = '') {
  const waiting = state.retryAt !== undefined && now < state.retryAt;
  return html`<div class="alert" role="alert" part="alert">
    <p>${t.errors[state.code]}${waiting ? html` ${t.waitFor(timeLeft(state.retryAt!, now))}` : nothing}</p>
    ${state.code === 'config' || state.code === 'integration'
      ? nothing
      : html`<button type="button" part="button" class=${buttonClass} data-autofocus ?disabled=${waiting} @click=${() => actions.retry()}>${t.tryAgain}</button>`}
  </div>`;
}
