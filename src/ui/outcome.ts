import { html, nothing, type TemplateResult } from 'lit';
import type { FlowState } from '../flow/state.js';
import type { ViewContext } from './context.js';
import { errorAlert } from './error-alert.js';

type OutcomeState = Extract<FlowState, { name: 'verifying' | 'success' | 'failure' | 'expired' | 'error' }>;

/** A result panel; its heading takes focus so screen readers hear the outcome first. */
function panel(kind: string, title: string, body: string, actions?: TemplateResult) {
  return html`<section class="outcome ${kind}" part="result ${kind}">
    <h2 part="title" tabindex="-1" data-autofocus aria-describedby="outcome-body">${title}</h2>
    <p id="outcome-body">${body}</p>
    ${actions ? html`<div class="actions">${actions}</div>` : nothing}
  </section>`;
}

/** Why possession failed, as far as the flow knows it; the name not matching needs another next step. */
function failureBody(state: Extract<FlowState, { name: 'failure' }>, { t }: ViewContext): string {
  if (state.result.possessionResult === 'success') return t.failureBody;
  if (state.cause === 'code') return t.failureCodeBody;
  if (state.cause === 'send') return t.failureSendBody;
  return t.failurePossessionBody;
}

/** The end of a flow, and the wait for the backend's verdict. */
export function outcome(state: OutcomeState, ctx: ViewContext) {
  const { t, actions } = ctx;
  const startAgain = html`<button type="button" part="button" @click=${() => actions.reset()}>${t.startAgain}</button>`;
  switch (state.name) {
    case 'verifying':
      return html`<p class="progress" part="status">${t.verifying}</p>`;
    case 'success':
      return panel('success', t.successTitle, t.successBody);
    case 'failure':
      return panel('failure', t.failureTitle, failureBody(state, ctx), startAgain);
    case 'expired':
      if (state.reason === 'link') {
        return panel(
          'expired',
          t.linkExpiredTitle,
          t.linkExpiredBody,
          html`<button type="button" part="button submit" class="primary" @click=${() => actions.submit()}>${t.sendNewLink}</button>
            <button type="button" part="button" @click=${() => actions.startWithNewNumber()}>${t.differentNumber}</button>`,
        );
      }
      return panel('expired', t.expiredTitle, t.expiredBody, startAgain);
    case 'error':
      return html`${errorAlert(state, ctx, 'primary')}
        <div class="actions">${startAgain}</div>`;
  }
}
