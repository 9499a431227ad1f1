import type { FlowState } from '../flow/state.js';
import type { Strings } from '../i18n/strings.js';
import { shownNumber } from '../phone.js';
import type { ViewConfig } from './context.js';

/**
 * What the element's one polite live region says for a step. The region stays in the page from
 * the first render, so screen readers hear each change. Steps that move focus are heard through
 * the focused control and what describes it ("We sent a new code." included), so they say
 * nothing here and nothing is said twice.
 */
export function announcement(state: FlowState, t: Strings, config: ViewConfig): string {
  switch (state.name) {
    case 'otp-sending':
      return t.otpSending(shownNumber(state.values, config));
    case 'otp-checking':
      return t.checkingCode;
    case 'verifying':
      return t.verifying;
    default:
      return '';
  }
}
