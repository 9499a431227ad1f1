import { html, nothing } from 'lit';
import type { FlowState } from '../flow/state.js';
import { timeLeft } from '../i18n/strings.js';
import type { ViewContext } from './context.js';

type ErrorState = Extract<FlowState, { name: 'error' }>;

/** What failed; when the backend or Prove asked to wait (HTTP 429), for how long. */
export function errorText(state: ErrorState, { t, now }: ViewContext) {
  const waiting = state.retryAt !== undefined && now < state.retryAt;
  return html`${t.errors[state.code]}${waiting ? html` ${t.waitFor(timeLeft(state.retryAt!, now))}` : nothing}`;
}

/** "Try again", held until a wait asked for is over; none for set-up mistakes. */
export function retryButton(state: ErrorState, { t, actions, now }: ViewContext, buttonClass = '') {
  if (state.code === 'config' || state.code === 'integration') return nothing;
  const waiting = state.retryAt !== undefined && now < state.retryAt;
  return html`<button type="button" part=${buttonClass === 'primary' ? 'button submit' : 'button'} class=${buttonClass} data-autofocus ?disabled=${waiting} @click=${() => actions.retry()}>${t.tryAgain}</button>`;
}

/** What failed and "Try again", in one alert (on the form, when starting failed). */
export function errorAlert(state: ErrorState, ctx: ViewContext, buttonClass = '') {
  return html`<div class="alert" role="alert" part="alert">
    <p>${errorText(state, ctx)}</p>
    ${retryButton(state, ctx, buttonClass)}
  </div>`;
}
