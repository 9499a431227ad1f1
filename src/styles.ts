import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    max-width: var(--prove-verify-max-width, 26rem);
    font: var(--prove-verify-font, inherit);
    color: var(--prove-verify-color, #1b1f24);
    --_accent: var(--prove-verify-accent, #1a56db);
    --_danger: var(--prove-verify-danger, #b42318);
    --_border: var(--prove-verify-border-color, #8a939e);
    --_radius: var(--prove-verify-radius, 0.5rem);
  }
  :host([hidden]) {
    display: none;
  }
  h2 {
    font-size: 1.25em;
    margin: 0 0 0.5em;
  }
  h2:focus {
    outline: none;
  }
  .intro,
  .hint {
    margin: 0 0 1em;
  }
  .hint {
    font-size: 0.875em;
    margin: 0.25em 0 0;
    opacity: 0.8;
  }
  .field {
    margin-bottom: 1em;
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25em;
  }
  input {
    box-sizing: border-box;
    width: 100%;
    font: inherit;
    padding: 0.6em 0.75em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--prove-verify-input-background, #fff);
    color: inherit;
  }
  input[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  input:focus-visible,
  button:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.875em;
    margin: 0.25em 0 0;
  }
  .alert {
    border: 1px solid var(--_danger);
    border-radius: var(--_radius);
    color: var(--_danger);
    padding: 0.75em 1em;
    margin-bottom: 1em;
  }
  .alert p {
    margin: 0 0 0.5em;
  }
  .notice {
    margin: 0 0 1em;
  }
  button {
    font: inherit;
    min-height: 2.75em;
    padding: 0.5em 1em;
    border-radius: var(--_radius);
    border: 1px solid var(--_accent);
    background: transparent;
    color: var(--_accent);
    cursor: pointer;
  }
  button.primary {
    width: 100%;
    background: var(--_accent);
    color: var(--prove-verify-accent-text, #fff);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    margin-top: 0.75em;
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
  .progress {
    margin: 1em 0;
  }
  .spinner {
    width: 1.5em;
    height: 1.5em;
    border: 3px solid var(--_border);
    border-top-color: var(--_accent);
    border-radius: 50%;
    animation: spin 1s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
`;
