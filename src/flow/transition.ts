import type { FlowAction } from './actions.js';
import { canResend, sent, type Sends } from './sends.js';
import { formTransition, isFormAction } from './form-transition.js';
import type { FlowState } from './state.js';
import { stepOf } from './steps.js';

const sendsOf = (state: FlowState): Sends | undefined => ('sends' in state ? state.sends : undefined);

/**
 * The whole flow as a pure function. Actions that make no sense in the current state leave it
 * unchanged (the same object), which is how a double click or a late SDK callback is ignored.
 */
export function transition(state: FlowState, action: FlowAction): FlowState {
  if (isFormAction(action)) return formTransition(state, action);
  const { values } = state;
  switch (action.type) {
    case 'number-requested': {
      const sends = sendsOf(state);
      if (action.phoneNumberNeeded || action.rejected) {
        if (state.name === 'phone-change' && !action.rejected) return state;
        // A refused number was not sent: it does not count.
        const counted = sends && action.rejected ? { ...sends, count: sends.count - 1 } : sends;
        return {
          name: 'phone-change',
          values,
          possession: action.possession,
          sends: counted ?? { count: 0, expiresAt: 0, resendAt: 0 },
          error: action.rejected ? 'phoneRejected' : undefined,
        };
      }
      if (state.name !== 'starting') return state;
      return action.possession === 'mobile'
        ? { name: 'otp-sending', values, possession: 'mobile', sends: sent(undefined, action.send) }
        : { name: 'link-sending', values, possession: 'desktop', sends: sent(undefined, action.send) };
    }

    case 'otp-finish-requested':
      if (state.name === 'otp-sending' || state.name === 'otp-checking' || state.name === 'otp-entry') {
        const expired = action.problem === 'expired';
        return {
          name: 'otp-entry',
          values,
          possession: 'mobile',
          sends: state.sends,
          prompt: state.name === 'otp-sending' ? 1 : state.prompt + 1,
          expired,
          error: expired ? 'codeExpired' : action.problem ? 'codeWrong' : undefined,
          message: !action.problem && state.name === 'otp-sending' && state.resent ? 'codeSent' : undefined,
          lastTry: action.lastTry,
        };
      }
      return state;

    case 'code-submitted':
      return state.name === 'otp-entry' && !state.expired
        ? {
            name: 'otp-checking',
            values,
            possession: 'mobile',
            sends: state.sends,
            prompt: state.prompt,
            code: action.code,
          }
        : state;

    case 'code-invalid':
      return state.name === 'otp-entry' ? { ...state, error: action.error, message: undefined } : state;

    // The clock ran the code out: no `error`, as Prove said nothing (see the state).
    case 'code-expired':
      return state.name === 'otp-entry' && !state.expired
        ? { ...state, expired: true, error: undefined, message: undefined }
        : state;

    case 'resend-code':
      return state.name === 'otp-entry' && canResend(state.sends, action.now, state.expired)
        ? { name: 'otp-sending', values, possession: 'mobile', sends: sent(state.sends, action.send), resent: true }
        : state;

    case 'change-number':
      if (state.name === 'otp-entry' || (state.name === 'link-waiting' && state.canResend)) {
        return { name: 'phone-change', values, possession: state.possession, sends: state.sends, back: state };
      }
      return state;

    case 'back':
      return (state.name === 'phone-change' && state.back) || state;

    case 'phone-submitted': {
      if (state.name !== 'phone-change') return state;
      const next = { ...values, phone: action.phone };
      const sends = sent(state.sends, action.send);
      return state.possession === 'mobile'
        ? { name: 'otp-sending', values: next, possession: 'mobile', sends }
        : { name: 'link-sending', values: next, possession: 'desktop', sends };
    }

    case 'phone-invalid':
      return state.name === 'phone-change' ? { ...state, error: action.error } : state;

    case 'link-retry-requested':
      if (state.name === 'link-sending' || state.name === 'link-waiting') {
        return {
          name: 'link-waiting',
          values,
          possession: 'desktop',
          sends: state.sends,
          canResend: true,
          message: state.name === 'link-sending' && state.resent ? 'linkSent' : undefined,
          connection: state.connection,
        };
      }
      return state;

    case 'resend-link':
      return state.name === 'link-waiting' && state.canResend && canResend(state.sends, action.now)
        ? {
            name: 'link-sending',
            values,
            possession: 'desktop',
            sends: sent(state.sends, action.send),
            resent: true,
            connection: state.connection,
          }
        : state;

    case 'connection':
      return (state.name === 'link-sending' || state.name === 'link-waiting') &&
        (state.connection === 'lost') !== action.lost
        ? { ...state, connection: action.lost ? 'lost' : 'back' }
        : state;

    case 'finishing':
      if (!stepOf(state).busy && state.name !== 'error') return state;
      // Possession ending while a code was checked, or while one was being sent, tells the person why.
      return {
        name: 'verifying',
        values,
        cause:
          state.name === 'otp-checking'
            ? 'code'
            : state.name === 'otp-sending' || state.name === 'link-sending'
              ? 'send'
              : undefined,
      };

    case 'result':
      // `starting`: the backend's start call already had the verdict (Prove refused at once).
      if (state.name !== 'verifying' && state.name !== 'starting') return state;
      return action.result.success
        ? { name: 'success', values, result: action.result, phoneNumber: action.phoneNumber, changed: action.changed }
        : { name: 'failure', values, result: action.result, cause: state.name === 'verifying' ? state.cause : 'start' };

    case 'expired':
      return stepOf(state).busy || state.name === 'error' ? { name: 'expired', values, reason: action.reason } : state;
  }
}
