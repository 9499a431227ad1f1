import type { FlowSteps, SdkFailure } from '../sdk.js';
import type { FlowAction } from './actions.js';
import { never } from './pending-answer.js';
import type { FlowAttempt } from './attempt.js';
import { sendTiming } from './sends.js';
import type { FlowState } from './state.js';

/** What the SDK's steps need from the controller. */
export interface StepHost {
  readonly state: FlowState;
  isCurrent(attempt: FlowAttempt): boolean;
  dispatch(action: FlowAction): boolean;
  /** Possession is over, or a step failed (`failure`) and the SDK reported it to Prove. */
  finish(attempt: FlowAttempt, failure?: SdkFailure): void;
}

/**
 * Codes Prove takes in one flow when the backend lets a wrong one be typed again (`allowOTPRetry`:
 * "up to three times"; its emulator counts them per flow, resends included). Without it the first
 * wrong code ends the flow, and the SDK never asks again.
 */
const CODE_ENTRIES = 3;

/**
 * The callbacks Prove's SDK drives for one attempt. A step of an attempt that is no longer current gets no
 * answer at all, so an old SDK run can never act on the page.
 */
export function sdkSteps(attempt: FlowAttempt, host: StepHost): FlowSteps {
  const possession = attempt.possession!;
  /** Codes Prove refused as wrong in this flow. */
  let wrongCodes = 0;
  return {
    phoneNumber: (phoneNumberNeeded, rejected) => {
      if (!host.isCurrent(attempt)) return never();
      if (phoneNumberNeeded && !rejected && attempt.queuedPhone) {
        const queued = attempt.queuedPhone;
        attempt.queuedPhone = undefined;
        return Promise.resolve(queued);
      }
      // A backend that did not pass the number to Prove: the SDK asks for the one just typed.
      const fromForm = phoneNumberNeeded && !rejected && host.state.name === 'starting';
      host.dispatch({
        type: 'number-requested',
        possession,
        phoneNumberNeeded: phoneNumberNeeded && !fromForm,
        rejected: rejected !== undefined,
        send: sendTiming(attempt.settings, possession),
      });
      if (fromForm) return Promise.resolve(attempt.phoneNumber ?? null);
      return host.state.name === 'phone-change' ? attempt.phone.ask() : Promise.resolve(null);
    },
    code: (problem) => {
      if (!host.isCurrent(attempt)) return never();
      const { state } = host;
      // A code refused after its lifetime expired, whatever words Prove chose for it.
      const late = 'sends' in state && Date.now() >= state.sends.expiresAt;
      const kind = problem && (problem.kind === 'expired' || late ? 'expired' : 'wrong');
      // Asked again after a wrong code, Prove allows retries: the person is warned before the last.
      if (kind === 'wrong') wrongCodes++;
      const answer = attempt.code.ask();
      host.dispatch({ type: 'otp-finish-requested', problem: kind, lastTry: wrongCodes >= CODE_ENTRIES - 1 });
      return answer;
    },
    linkSent: () => {
      if (!host.isCurrent(attempt)) return never();
      const answer = attempt.link.ask();
      host.dispatch({ type: 'link-retry-requested' });
      return answer;
    },
    finish: (failure) => {
      if (!host.isCurrent(attempt)) return never();
      // The link or code is no longer awaited.
      attempt.code.drop();
      attempt.link.drop();
      const done = attempt.finish.ask();
      host.finish(attempt, failure);
      return done;
    },
  };
}
