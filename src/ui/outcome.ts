import { html, nothing, svg, type TemplateResult } from 'lit';
import type { FlowState } from '../flow/state.js';
import { effectiveCountry } from '../phone-country.js';
import { shownE164 } from '../phone-rules.js';
import type { ViewContext } from './context.js';
import { errorAlert } from './error-alert.js';
import { withNumber } from './phone-text.js';
import { progress } from './progress.js';

type OutcomeState = Extract<FlowState, { name: 'verifying' | 'success' | 'failure' | 'expired' | 'error' }>;
type Kind = 'success' | 'failure' | 'expired' | 'error';

// Drawn inside a circle; the heading says the same words, so colour and shape are never the only signal.
const MARKS: Record<Kind, TemplateResult> = {
  success: svg`<path d="m7.5 12.5 3 3 6-6.5"/>`,
  failure: svg`<path d="m9 9 6 6m0-6-6 6"/>`,
  expired: svg`<path d="M12 7v5l3 2"/>`,
  error: svg`<path d="M12 7v6m0 3.5v.5"/>`,
};

function icon(kind: Kind) {
  return html`<svg class="icon" part="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <circle cx="12" cy="12" r="10" />${MARKS[kind]}
  </svg>`;
}

/** A result panel; its heading takes focus so screen readers hear the outcome first. */
function panel(
  kind: Kind,
  title: string,
  body: string | TemplateResult,
  main?: TemplateResult,
  secondary?: TemplateResult,
) {
  return html`<section class="outcome ${kind} center" part="result ${kind}">
    ${icon(kind)}
    <h2 part="title" tabindex="-1" data-autofocus aria-describedby="outcome-body">${title}</h2>
    <p id="outcome-body">${body}</p>
    ${main ?? nothing} ${secondary ? html`<div class="actions">${secondary}</div>` : nothing}
  </section>`;
}

/** Why possession failed, as far as the flow knows it; the name not matching needs another next step. */
function failureBody(state: Extract<FlowState, { name: 'failure' }>, { t }: ViewContext): string {
  if (state.result.possessionResult === 'success') return t.failureBody;
  if (state.cause === 'start') return t.failureStartBody;
  if (state.cause === 'code') return t.failureCodeBody;
  if (state.cause === 'send') return t.failureSendBody;
  return t.failurePossessionBody;
}

/**
 * The success screen's words, naming the verified number when it is not the one the flow started
 * with; the number never breaks across lines, wherever the language puts it.
 */
function successBody(state: Extract<FlowState, { name: 'success' }>, { t, config }: ViewContext) {
  if (!state.changed || !state.phoneNumber) return t.successBody;
  const shown = shownE164(
    state.phoneNumber,
    effectiveCountry(state.values.country, config.defaultCountry, config.countries),
  );
  return html`${t.successBody} ${withNumber(t.verifiedNumber, shown)}`;
}

/** The end of a flow, and the wait for the backend's verdict. */
export function outcome(state: OutcomeState, ctx: ViewContext) {
  const { t, actions } = ctx;
  const startAgain = (main = false) =>
    html`<button type="button" part=${main ? 'button submit' : 'button'} class=${main ? 'primary' : ''} @click=${() => actions.reset()}>${t.startAgain}</button>`;
  switch (state.name) {
    case 'verifying':
      return progress(t.verifyingTitle, t.progressBody);
    case 'success':
      return panel('success', t.successTitle, successBody(state, ctx));
    case 'failure':
      return panel('failure', t.failureTitle, failureBody(state, ctx), startAgain(true));
    case 'expired':
      // The link ran out, or the wait for it broke off with the connection: a new link, sent only
      // when asked for, or another number.
      if (state.reason !== 'session') {
        const interrupted = state.reason === 'interrupted';
        return panel(
          'expired',
          interrupted ? t.linkInterruptedTitle : t.linkExpiredTitle,
          interrupted ? t.linkInterruptedBody : t.linkExpiredBody,
          html`<button type="button" part="button submit" class="primary" @click=${() => actions.submit()}>${t.sendNewLink}</button>`,
          html`<button type="button" part="button" @click=${() => actions.startWithNewNumber()}>${t.differentNumber}</button>`,
        );
      }
      return panel('expired', t.expiredTitle, t.expiredBody, startAgain(true));
    case 'error': {
      // The status call failed: the code or link was used, only the verdict is missing. "Try again"
      // (asking for it again) takes focus, and keeps it through a wait it must honour (a press
      // then does nothing); starting over is the way out.
      const held = state.retryAt !== undefined && ctx.now < state.retryAt;
      return html`<section class="outcome error center" part="result error">
        ${icon('error')}
        <h2 part="title">${t.statusErrorTitle}</h2>
        ${errorAlert(state, ctx)}
        <button type="button" part="button submit" class="primary" data-autofocus aria-disabled=${held} @click=${() => actions.retry()}>${t.tryAgain}</button>
        <div class="actions">${startAgain()}</div>
      </section>`;
    }
  }
}
