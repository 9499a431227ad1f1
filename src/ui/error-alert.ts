import { html, nothing } from 'lit';
import type { FlowState } from '../flow/state.js';
import { timeLeft } from '../i18n/strings.js';
import type { FormActions, ViewContext } from './context.js';

type ErrorState = Extract<FlowState, { name: 'error' }>;

/**
 * What failed, in an alert. A wait the backend or Prove asked for (HTTP 429 `Retry-After`) is said
 * in it once, in words ("3 seconds", "4 minutes", rounded up), and the alert never changes after:
 * the ticking m:ss under it is for the eyes only, and the end of the wait is said once, politely.
 */
export function errorAlert(state: ErrorState, { t, now, config }: ViewContext<FormActions>) {
  const wait = state.retryAfter;
  const waiting = state.retryAt !== undefined && now < state.retryAt;
  const words = (s: number) =>
    new Intl.NumberFormat(config.lang, {
      style: 'unit',
      unit: s < 60 ? 'second' : 'minute',
      unitDisplay: 'long',
    }).format(s < 60 ? s : Math.ceil(s / 60));
  return html`<div class="alert" part="alert">
    <p role="alert">${t.errors[state.code]}${wait ? html`<span class="visually-hidden"> ${t.waitFor(words(wait))}</span>` : nothing}</p>
    ${waiting ? html`<p aria-hidden="true">${t.waitFor(timeLeft(state.retryAt!, now))}</p>` : nothing}
    ${wait ? html`<p class="visually-hidden" role="status">${waiting ? '' : t.waitOver}</p>` : nothing}
  </div>`;
}
