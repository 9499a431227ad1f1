import { html, nothing, type TemplateResult } from 'lit';
import type { FlowState } from '../flow/state.js';
import type { ViewContext } from './context.js';

type OutcomeState = Extract<FlowState, { name: 'verifying' | 'success' | 'failure' | 'expired' | 'error' }>;

/** A result panel; its heading takes focus so screen readers hear the outcome first. */
function panel(kind: string, title: string, body: string, actions?: TemplateResult) {
  return html`<section class="outcome ${kind}" part="result ${kind}">
    <h2 part="title" tabindex="-1" data-autofocus aria-describedby="outcome-body">${title}</h2>
    <p id="outcome-body">${body}</p>
    ${actions ? html`<div class="actions">${actions}</div>` : nothing}
  </section>`;
}

/** The end of a flow, and the wait for the backend's verdict. */
export function outcome(state: OutcomeState, { t, actions }: ViewContext) {
  const startAgain = html`<button type="button" part="button" @click=${() => actions.reset()}>${t.startAgain}</button>`;
  switch (state.name) {
    case 'verifying':
      return html`<p class="progress" part="status">${t.verifying}</p>`;
    case 'success':
      return panel('success', t.successTitle, t.successBody);
    case 'failure':
      // Possession failing and the name not matching need different next steps from the person.
      return panel(
        'failure',
        t.failureTitle,
        state.result.possessionResult === 'success' ? t.failureBody : t.failurePossessionBody,
        startAgain,
      );
    case 'expired':
      return panel('expired', t.expiredTitle, t.expiredBody, startAgain);
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
