import type { FlowEvent } from './events.js';
import { BUSY_STATES, type FlowState } from './state.js';

/**
 * The whole flow as a pure function. Events that make no sense in the current state leave it
 * unchanged (the same object), which is how a double click or a late SDK callback is ignored.
 */
export function transition(state: FlowState, event: FlowEvent): FlowState {
  const { values } = state;
  switch (event.type) {
    case 'edit': {
      const next = { ...values, [event.field]: event.value };
      if (state.name === 'form') {
        const errors = { ...state.errors };
        delete errors[event.field];
        return { ...state, values: next, errors };
      }
      return { ...state, values: next } as FlowState;
    }

    case 'submit':
      if (state.name === 'form' || (state.name === 'error' && state.retry === 'start')) {
        return { name: 'starting', values };
      }
      return state;

    case 'invalid':
      return state.name === 'starting' ? { name: 'form', values, errors: event.errors } : state;

    case 'number-requested':
      if (event.phoneNumberNeeded || event.rejected) {
        if (state.name === 'phone-change' && !event.rejected) return state;
        return {
          name: 'phone-change',
          values,
          possession: event.possession,
          error: event.rejected ? 'phoneRejected' : undefined,
        };
      }
      if (state.name !== 'starting') return state;
      return event.possession === 'mobile'
        ? { name: 'otp-sending', values, possession: 'mobile' }
        : { name: 'link-sending', values, possession: 'desktop' };

    case 'otp-finish-requested':
      if (state.name === 'otp-sending' || state.name === 'otp-checking' || state.name === 'otp-entry') {
        return {
          name: 'otp-entry',
          values,
          possession: 'mobile',
          prompt: state.name === 'otp-sending' ? 1 : state.prompt + 1,
          error: event.wrongCode ? 'codeWrong' : undefined,
          message: !event.wrongCode && state.name === 'otp-sending' && state.resent ? 'codeSent' : undefined,
        };
      }
      return state;

    case 'code-submitted':
      return state.name === 'otp-entry' ? { name: 'otp-checking', values, possession: 'mobile', prompt: state.prompt } : state;

    case 'code-invalid':
      return state.name === 'otp-entry' ? { ...state, error: event.error, message: undefined } : state;

    case 'resend-code':
      return state.name === 'otp-entry' ? { name: 'otp-sending', values, possession: 'mobile', resent: true } : state;

    case 'change-number':
      if (state.name === 'otp-entry' || (state.name === 'link-waiting' && state.canResend)) {
        return { name: 'phone-change', values, possession: state.possession };
      }
      return state;

    case 'phone-submitted':
      if (state.name !== 'phone-change') return state;
      return state.possession === 'mobile'
        ? { name: 'otp-sending', values: { ...values, phone: event.phone }, possession: 'mobile' }
        : { name: 'link-sending', values: { ...values, phone: event.phone }, possession: 'desktop' };

    case 'phone-invalid':
      return state.name === 'phone-change' ? { ...state, error: event.error } : state;

    case 'link-retry-requested':
      if (state.name === 'link-sending' || state.name === 'link-waiting') {
        return {
          name: 'link-waiting',
          values,
          possession: 'desktop',
          canResend: true,
          message: state.name === 'link-sending' && state.resent ? 'linkSent' : undefined,
        };
      }
      return state;

    case 'resend-link':
      return state.name === 'link-waiting' && state.canResend
        ? { name: 'link-sending', values, possession: 'desktop', resent: true }
        : state;

    case 'finishing':
      return BUSY_STATES.has(state.name) || state.name === 'error' ? { name: 'verifying', values } : state;

    case 'result':
      if (state.name !== 'verifying') return state;
      return event.result.success
        ? { name: 'success', values, result: event.result }
        : { name: 'failure', values, result: event.result };

    case 'failed':
      if (!BUSY_STATES.has(state.name)) return state;
      return { name: 'error', values, code: event.code, status: event.status, retry: event.retry };

    case 'expired':
      return BUSY_STATES.has(state.name) || state.name === 'error' ? { name: 'expired', values } : state;

    case 'reset':
      return { name: 'form', values, errors: {} };
  }
}
