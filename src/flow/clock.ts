import type { FlowState } from './state.js';

/**
 * The once-a-second clock of the steps that show a time left (a code's or link's lifetime, the
 * resend wait, a wait the backend asked for before "Try again"). It runs only while such a step
 * shows and the element is in the page; each tick renders the element again, and says when the
 * code or link on screen has outlived its lifetime (`ranOut`).
 */
export interface Clock {
  /** Follows the flow to `state`: starts or stops the clock as it wants. */
  sync(state: FlowState): void;
  stop(): void;
}

export function clock(
  host: { readonly isConnected: boolean; requestUpdate(): void },
  ranOut: (state: FlowState) => void,
): Clock {
  let timer: ReturnType<typeof setInterval> | undefined;
  let shown: FlowState;
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
  };
  const tick = () => {
    const state = shown;
    if ('sends' in state && Date.now() >= state.sends.expiresAt) ranOut(state);
    // Running out changes the step, which syncs the clock anew; else the time left moves on.
    if (shown === state) {
      sync(state);
      host.requestUpdate();
    }
  };
  const sync = (state: FlowState) => {
    shown = state;
    const timed = 'sends' in state || (state.name === 'error' && (state.retryAt ?? 0) > Date.now());
    if (timed && host.isConnected) timer ??= setInterval(tick, 1000);
    else stop();
  };
  return { sync, stop };
}
