import type { FlowState } from '../flow/state.js';
import { format, type Strings } from '../i18n/en.js';
import { lastFour } from '../phone.js';

/**
 * What the element's one polite live region says for a step. The region stays in the page from
 * the first render, so screen readers hear each change; steps that move focus to a heading or a
 * field are heard through that and say nothing here.
 */
export function announcement(state: FlowState, t: Strings): string {
  switch (state.name) {
    case 'otp-sending':
      return format(t.otpSending, { last4: lastFour(state.values.phone) });
    case 'otp-checking':
      return t.checkingCode;
    case 'otp-entry':
    case 'link-waiting':
      return state.message ? t.messages[state.message] : '';
    case 'verifying':
      return t.verifying;
    default:
      return '';
  }
}
