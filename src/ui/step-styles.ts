import { css } from 'lit';

/**
 * Styles only the steps after the form use, adopted with their views when the flow's code loads,
 * so they never weigh on the first paint. The custom properties (`--_accent`…) come from styles.ts.
 */
export const stepStyles = css`
  .center {
    justify-content: center;
    align-items: center;
    text-align: center;
  }
  .nowrap {
    white-space: nowrap;
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
    border: 4px solid var(--_border);
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
