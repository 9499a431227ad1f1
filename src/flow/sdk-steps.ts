import type { FlowSteps, SdkFailure } from '../sdk.js';
import type { FlowEvent, SendTiming } from './events.js';
import { never } from './pending-answer.js';
import type { Run } from './run.js';
import type { FlowState } from './state.js';

/** What the SDK's steps need from the controller. */
export interface StepHost {
  readonly state: FlowState;
  isCurrent(run: Run): boolean;
  dispatch(event: FlowEvent): boolean;
  /** Deadlines for a code or link sent now. */
  sendTiming(run: Run): SendTiming;
  /** Possession is over, or a step failed (`failure`) and the SDK reported it to Prove. */
  finish(run: Run, failure?: SdkFailure): void;
}

/**
 * The callbacks Prove's SDK drives for one run. A step of a run that is no longer current gets no
 * answer at all, so an old SDK run can never act on the page.
 */
export function sdkSteps(run: Run, host: StepHost): FlowSteps {
  const possession = run.possession!;
  return {
    phoneNumber: (phoneNumberNeeded, rejected) => {
      if (!host.isCurrent(run)) return never();
      if (phoneNumberNeeded && !rejected && run.queuedPhone) {
        const queued = run.queuedPhone;
        run.queuedPhone = undefined;
        return Promise.resolve(queued);
      }
      // A backend that did not pass the number to Prove: the SDK asks for the one just typed.
      const fromForm = phoneNumberNeeded && !rejected && host.state.name === 'starting';
      host.dispatch({
        type: 'number-requested',
        possession,
        phoneNumberNeeded: phoneNumberNeeded && !fromForm,
        rejected: rejected !== undefined,
        send: host.sendTiming(run),
      });
      if (fromForm) return Promise.resolve(run.phoneNumber ?? null);
      return host.state.name === 'phone-change' ? run.phone.ask() : Promise.resolve(null);
    },
    code: (problem) => {
      if (!host.isCurrent(run)) return never();
      const { state } = host;
      // A code refused after its lifetime expired, whatever words Prove chose for it.
      const late = 'sends' in state && Date.now() >= state.sends.expiresAt;
      const answer = run.code.ask();
      host.dispatch({ type: 'otp-finish-requested', problem: problem && (problem.kind === 'expired' || late ? 'expired' : 'wrong') });
      return answer;
    },
    linkSent: () => {
      if (!host.isCurrent(run)) return never();
      const answer = run.link.ask();
      host.dispatch({ type: 'link-retry-requested' });
      return answer;
    },
    finish: (failure) => {
      if (!host.isCurrent(run)) return never();
      // The link or code is no longer awaited.
      run.code.drop();
      run.link.drop();
      const done = run.finish.ask();
      host.finish(run, failure);
      return done;
    },
  };
}
