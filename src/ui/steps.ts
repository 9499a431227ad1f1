import { nothing } from 'lit';
import type { FlowState } from '../flow/state.js';
import { codeEntry } from './code-entry.js';
import type { ViewContext } from './context.js';
import { linkWait } from './link-wait.js';
import { outcome } from './outcome.js';
import { phoneChange } from './phone-change.js';

export { stepStyles } from './step-styles.js';

/**
 * The views of a running flow's steps (all but the form). They load with the flow's code, after
 * the first paint: a flow only gets past the form once that code is in.
 */
export function stepView(state: FlowState, ctx: ViewContext) {
  switch (state.name) {
    case 'otp-sending':
    case 'otp-entry':
    case 'otp-checking':
      return codeEntry(state, ctx);
    case 'phone-change':
      return phoneChange(state, ctx);
    case 'link-sending':
    case 'link-waiting':
      return linkWait(state, ctx);
    case 'verifying':
    case 'success':
    case 'failure':
    case 'expired':
    case 'error':
      return outcome(state, ctx);
    default:
      return nothing;
  }
}
