import { html, nothing, type TemplateResult } from 'lit';

/**
 * A step that waits on Prove or the backend: a heading, the spinner and what is happening, in
 * the same steady panel as the other steps. The heading takes focus, so the person's place is
 * never lost to a removed button, and is heard with the step's text, which it is described by
 * (the element's live region says nothing of these steps, so nothing is said twice).
 */
export function progress(title: string, body: string | TemplateResult, actions?: TemplateResult) {
  return html`<section class="center" part="form progress" aria-busy="true">
    <h2 part="title" tabindex="-1" data-autofocus aria-describedby="progress-body">${title}</h2>
    <div class="spinner" part="spinner" aria-hidden="true"></div>
    <p id="progress-body" part="status">${body}</p>
    ${actions ? html`<div class="actions">${actions}</div>` : nothing}
  </section>`;
}
