import type { FlowState } from './state.js';
import { requestTextedCode, webOtpAvailable } from './web-otp.js';

/**
 * The browser's WebOTP request for the code screen that shows: made each time a code screen comes
 * up for a new code, its code handed to `submit`; aborted once the screen goes (a code submitted,
 * a resend, Cancel, the code expired) or the element leaves the page.
 */
export interface WebOtpRequest {
  /** Follows the flow from `before` to `state`. */
  sync(before: FlowState, state: FlowState): void;
  stop(): void;
}

export function webOtpRequest(submit: (code: string) => void): WebOtpRequest {
  let asking: AbortController | undefined;
  const stop = () => {
    asking?.abort();
    asking = undefined;
  };
  const sync = (before: FlowState, state: FlowState) => {
    if (state.name !== 'otp-entry' || state.expired) return stop();
    const newPrompt = before.name !== 'otp-entry' || before.prompt !== state.prompt;
    if (!newPrompt || !webOtpAvailable()) return;
    stop();
    const request = (asking = new AbortController());
    void requestTextedCode(request.signal).then((code) => {
      if (asking !== request) return;
      asking = undefined;
      if (code) submit(code);
    });
  };
  return { sync, stop };
}
