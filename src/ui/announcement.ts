import type { FlowState } from '../flow/state.js';
import type { Strings } from '../i18n/strings.js';

/**
 * What the element's one polite live region says. The region stays in the page from the first
 * render, so screen readers hear each change. Steps that move focus are heard through the focused
 * control and what describes it (a progress step's heading, with its text), so they say nothing
 * here and nothing is said twice. What it says happens where focus stays: the flow starting (the
 * pressed button keeps focus), a code running out while the person is on its screen, and the
 * connection lost (then back) while a link is awaited.
 */
export function announcement(state: FlowState, t: Strings): string {
  if ('connection' in state && state.connection)
    return state.connection === 'lost' ? t.connectionLost : t.connectionBack;
  return state.name === 'starting'
    ? t.submitting
    : state.name === 'otp-entry' && state.expired && !state.error
      ? t.messages.codeExpired
      : '';
}
