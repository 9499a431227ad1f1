import { css } from 'lit';

/**
 * Styles only the steps after the form use, adopted with their views when the flow's code loads,
 * so they never weigh on the first paint. The custom properties (`--_accent`…) come from styles.ts.
 *
 * Secondary actions: each label stays on one line. They share a row while they fit, sized by
 * their labels; one that does not fit starts the next row, and the buttons of a row share its
 * width, so no row ends ragged. Below 24em each takes its own full-width row, where a label too
 * long for the whole width may wrap rather than overflow. Countdown digits keep one width, so a
 * ticking label does not move the buttons.
 *
 * The spinner's arc (the accent) is at least 3:1 against its track in both schemes.
 */
export const stepStyles = css`
  .actions {
    container-type: inline-size;
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em;
    width: 100%;
    margin-top: 0.5em;
  }
  .actions > * {
    flex: 1 1 auto;
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
  }
  @container (width < 24em) {
    .actions > * {
      flex-basis: 100%;
      white-space: normal;
    }
  }
  .center {
    justify-content: center;
    align-items: center;
    text-align: center;
  }
  .nowrap {
    white-space: nowrap;
  }
  .time-left {
    display: flex;
    align-items: center;
    gap: 0.75em;
    margin-bottom: var(--_space);
  }
  .time-left .spinner {
    width: 1.5em;
    height: 1.5em;
    margin: 0;
    border-width: 3px;
  }
  .time-left .hint {
    margin: 0;
  }
  .connection-lost {
    font-weight: 600;
    border-inline-start: 3px solid var(--_accent);
    padding-inline-start: 0.75em;
  }
  .resend-wait {
    margin-top: 0.5em;
  }
  .last-try {
    font-weight: 600;
    margin: 0.25em 0 0;
  }
  .help {
    font-size: 0.875em;
    margin-top: 0.5em;
  }
  .help summary {
    padding: 0.5em 0;
    color: var(--_accent);
    cursor: pointer;
  }
  .help ul {
    margin: 0;
    padding-inline-start: 1.25em;
  }
  .outcome .alert {
    color: inherit;
    border: 0;
    padding: 0;
  }
  .spinner {
    flex: none;
    box-sizing: border-box;
    width: 2.5em;
    height: 2.5em;
    margin: 0 auto var(--_space);
    border: 4px solid light-dark(#d0d5dd, #3d434b);
    border-top-color: var(--_accent);
    border-radius: 50%;
    animation: spin 1s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  .icon {
    width: 3em;
    height: 3em;
    margin-bottom: 0.5em;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
    color: var(--_danger);
  }
  .success .icon {
    color: var(--_success);
  }
  .expired .icon {
    color: var(--_accent);
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
  .code-input {
    font: 600 1.5rem/1.2 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-variant-numeric: tabular-nums;
    letter-spacing: 0.5em;
    padding-inline-start: 0.75em;
  }
  .code-input[data-length='4'] {
    max-inline-size: 10ch;
  }
  .code-input[data-length='5'] {
    max-inline-size: 12ch;
  }
  .code-input[data-length='6'] {
    max-inline-size: 14ch;
  }
  @media (forced-colors: active) {
    .spinner {
      forced-color-adjust: none;
      background: none;
      border-color: GrayText;
      border-top-color: Highlight;
    }
  }
`;
