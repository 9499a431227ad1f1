import type { FlowAction } from './actions.js';
import type { FlowState } from './state.js';
import { stepOf } from './steps.js';

/** What can happen before the flow's code is in: typing, Verify, the form's check, a failure to load, and a reset. */
const FORM_ACTIONS = ['edit', 'submit', 'invalid', 'failed', 'reset'] as const;

type FormAction = Extract<FlowAction, { type: (typeof FORM_ACTIONS)[number] }>;

export const isFormAction = (action: FlowAction): action is FormAction =>
  (FORM_ACTIONS as readonly string[]).includes(action.type);

/**
 * The form's part of the flow's pure function (`transition`, which comes with the flow's code, hands
 * these actions here): all the first paint needs, so the rest of the flow's rules load later.
 */
export function formTransition(state: FlowState, action: FormAction): FlowState {
  const { values } = state;
  switch (action.type) {
    case 'edit': {
      const next = { ...values, [action.field]: action.value };
      if (state.name === 'form') {
        const errors = { ...state.errors };
        delete errors[action.field];
        // Another country can make the number right (or wrong): its old message no longer holds.
        if (action.field === 'country') delete errors.phone;
        return { name: 'form', values: next, errors };
      }
      return { ...state, values: next };
    }

    // From `phone-change` too: a new number a `restart` backend starts a new flow for.
    case 'submit':
      if (
        state.name === 'form' ||
        state.name === 'phone-change' ||
        (state.name === 'error' && state.retry === 'start' && !(state.retryAt && action.now < state.retryAt)) ||
        (state.name === 'expired' && state.reason !== 'session')
      ) {
        return { name: 'starting', values };
      }
      return state;

    // The form is checked before a flow starts (so an invalid one never shows `starting`), from
    // every state a submit starts from, and from `starting` for a caller that submits before it checks.
    case 'invalid':
      return state.name === 'starting' ||
        state.name === 'form' ||
        (state.name === 'error' && state.retry === 'start') ||
        (state.name === 'expired' && state.reason !== 'session')
        ? { name: 'form', values, errors: action.errors }
        : state;

    case 'failed':
      if (!stepOf(state).busy) return state;
      return {
        name: 'error',
        values,
        code: action.code,
        status: action.status,
        retry: action.retry,
        retryAt: action.retryAt,
        retryAfter: action.retryAfter,
      };

    case 'reset':
      return { name: 'form', values, errors: {}, focus: action.focus };
  }
}
