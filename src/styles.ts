import { css } from 'lit';

/*
 * Colours follow the page's `color-scheme` (inherited into the shadow root), not the OS alone:
 * light-dark() picks by the element's used scheme, so a page with no `color-scheme` stays light on
 * a dark OS and a page declaring `dark` gets the dark values. `theme` sets the scheme itself and,
 * since the page behind may not match, paints a background of its own.
 *
 * One steady panel: every step is at least as tall as the form, so nothing jumps.
 * Secondary actions are text buttons; only the step's main action is filled (their layout is in
 * ui/step-styles.ts: only the later steps have them).
 * A field's error starts with an icon (its "!" drawn in a circle, hidden from screen readers, which
 * hear the visually hidden "Error:" instead), so in forced colours, where every text is one colour,
 * an error still does not read as a hint.
 * Forced colours: system colours only; the main button stays filled, focus and spinner visible.
 *
 * Two sizes and two weights in the first paint: each (size, weight) is a font lookup of its own in
 * the browser, synchronous and on the first paint's path (about 1.5 ms each on Linux). The heading
 * is the one larger and semibold text (600, the weight the later steps use); labels, hints and a
 * field's error are the body's size and weight, the hint told apart by its place and its tone.
 * The rules are written tersely (no comments inside the template): they ship as they are, in the
 * first paint. What only the later steps use (spinner, icons, the code input) is in
 * ui/step-styles.ts and loads with those steps.
 */
export const styles = css`
  :host {
    display: block;
    max-width: var(--prove-verify-max-width, 26rem);
    font: var(--prove-verify-font, inherit);
    --_fg: var(--prove-verify-color, light-dark(#1b1f24, #e6e8eb));
    --_accent: var(--prove-verify-accent, light-dark(#1a56db, #8ab4f8));
    --_accent-hover: var(--prove-verify-accent-hover, light-dark(#1544b0, #aecbfa));
    --_on-accent: var(--prove-verify-accent-text, light-dark(#fff, #0b1b36));
    --_danger: var(--prove-verify-danger, light-dark(#b42318, #ffb4ab));
    --_success: var(--prove-verify-success, light-dark(#067647, #75e0a7));
    --_border: var(--prove-verify-border-color, #8a939e);
    --_radius: var(--prove-verify-radius, 0.5rem);
    --_space: var(--prove-verify-space, 1em);
    color: var(--_fg);
    background: var(--prove-verify-background, none);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([theme]) {
    background: var(--prove-verify-background, light-dark(#fff, #16181c));
    padding: var(--_space);
    border-radius: var(--_radius);
  }
  :host([hidden]) {
    display: none;
  }
  :host > form,
  :host > section {
    min-height: var(--prove-verify-min-height, 23em);
    display: flex;
    flex-direction: column;
  }
  h2 {
    font-size: 1.25em;
    font-weight: 600;
    margin: 0 0 0.5em;
  }
  h2:focus {
    outline: none;
  }
  p {
    margin: 0 0 var(--_space);
  }
  .hint {
    margin: 0.25em 0 0;
    opacity: 0.85;
  }
  .field {
    margin-bottom: var(--_space);
  }
  label {
    display: block;
    margin-bottom: 0.25em;
  }
  input {
    box-sizing: border-box;
    width: 100%;
    font: inherit;
    padding: 0.6em 0.75em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--prove-verify-input-background, light-dark(#fff, #1e2127));
    color: inherit;
  }
  input[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  :focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  .field-error {
    color: var(--_danger);
    margin: 0.25em 0 0;
  }
  .field-error::before {
    content: '!' / '';
    display: inline-block;
    width: 1.2em;
    line-height: 1.2em;
    border: 1px solid;
    border-radius: 50%;
    text-align: center;
    font-weight: 700;
  }
  .alert {
    border: 1px solid var(--_danger);
    border-radius: var(--_radius);
    color: var(--_danger);
    padding: 0.75em var(--_space);
    margin-bottom: var(--_space);
  }
  .alert p {
    margin: 0 0 0.5em;
  }
  button {
    font: inherit;
    min-height: 2.75em;
    padding: 0.5em 0.75em;
    border-radius: var(--_radius);
    border: 1px solid transparent;
    background: none;
    color: var(--_accent);
    cursor: pointer;
  }
  button:hover:not([aria-disabled='true']) {
    text-decoration: underline;
  }
  button.primary {
    width: 100%;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  button.primary:hover:not([aria-disabled='true']) {
    background: var(--_accent-hover);
    text-decoration: none;
  }
  button[aria-disabled='true'] {
    opacity: 0.6;
    cursor: default;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  @media (forced-colors: active) {
    button.primary {
      forced-color-adjust: none;
      background: Highlight;
      color: HighlightText;
    }
    button.primary[aria-disabled='true'] {
      background: Canvas;
      color: GrayText;
      border-color: GrayText;
    }
    :focus-visible {
      outline-color: Highlight;
    }
  }
`;
