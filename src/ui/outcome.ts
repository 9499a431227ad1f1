import { html } from 'lit';
import type { FlowState } from '../flow/state.js';
import type { ViewContext } from './context.js';

type OutcomeState = Extract<FlowState, { name: 'verifying' | 'success' | 'failure' | 'expired' | 'error' }>;

/** The end of a flow, and the wait for the backend's verdict. */
export function outcome(state: OutcomeState, { t, actions }: ViewContext) {
  const startAgain = html`<button type="button" part="button" @click=${() => actions.reset()}>${t.startAgain}</button>`;
  switch (state.name) {
    case 'verifying':
      return html`<p class="progress" role="status" part="status">${t.verifying}</p>`;
    case 'success':
      return html`<section class="outcome success" part="result success">
        <h2 part="title" tabindex="-1" data-autofocus>${t.successTitle}</h2>
        <p>${t.successBody}</p>
      </section>`;
    case 'failure':
      return html`<section class="outcome failure" part="result failure">
        <h2 part="title" tabindex="-1" data-autofocus>${t.failureTitle}</h2>
        <p>${t.failureBody}</p>
        <div class="actions">${startAgain}</div>
      </section>`;
    case 'expired':
      return html`<section class="outcome" part="result expired">
        <h2 part="title" tabindex="-1" data-autofocus>${t.expiredTitle}</h2>
        <p>${t.expiredBody}</p>
        <div class="actions">${startAgain}</div>
      </section>`;
    case 'error':
      return html`<div class="alert" role="alert" part="alert">
          <p>${t.errors[state.code]}</p>
        </div>
        <div class="actions">
          <button type="button" part="button" class="primary" data-autofocus @click=${() => actions.retry()}>${t.tryAgain}</button>
          ${startAgain}
        </div>`;
  }
}
