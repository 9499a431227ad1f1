import type { FlowState, StepName } from './state.js';

/**
 * The views, by name: `form` is the first screen, rendered by the element from the first paint; the
 * others come with the flow's code (ui/steps.ts holds one function per name).
 */
export type ViewName = 'form' | 'code' | 'phone' | 'link' | 'outcome';

interface Step {
  /** The view that shows the step, or how the state chooses one. */
  view: ViewName | ((state: never) => ViewName);
  /** A flow is running: a new submit does nothing, and a failure, a result or an expiry can end it. */
  busy?: true;
  /** Escape does what Cancel does (the steps that show Cancel). */
  escape?: true;
}

/**
 * Every step of the flow, in one table: a new step is a state in `FlowState`, a row here (the type
 * asks for one), and, for a new view, its function in ui/steps.ts.
 */
const STEPS = {
  form: { view: 'form' },
  starting: { view: 'form', busy: true },
  'otp-sending': { view: 'code', busy: true, escape: true },
  'otp-entry': { view: 'code', busy: true, escape: true },
  'otp-checking': { view: 'code', busy: true, escape: true },
  'phone-change': { view: 'phone', busy: true, escape: true },
  'link-sending': { view: 'link', busy: true, escape: true },
  'link-waiting': { view: 'link', busy: true, escape: true },
  verifying: { view: 'outcome', busy: true },
  success: { view: 'outcome' },
  failure: { view: 'outcome' },
  expired: { view: 'outcome' },
  // A failed start is said on the form, which "Try again" sends again; a failed status call has its own panel.
  error: {
    view: (state: Extract<FlowState, { name: 'error' }>): 'form' | 'outcome' =>
      state.retry === 'start' ? 'form' : 'outcome',
  },
} as const satisfies Record<StepName, Step>;

type Steps = typeof STEPS;
type ViewsOf<K extends StepName> = Steps[K]['view'] extends (state: never) => infer V ? V : Steps[K]['view'];

/** The states a view shows: what its function takes (ui/steps.ts checks each against it). */
export type StateShowing<V extends ViewName> = Extract<
  FlowState,
  { name: { [K in StepName]: V extends ViewsOf<K> ? K : never }[StepName] }
>;

/** A step as the table has it for one state: the view its state chooses. */
interface StateStep extends Step {
  view: ViewName;
}

/** The step `state` is in, as the table says. */
export function stepOf(state: FlowState): StateStep {
  const step = STEPS[state.name] as Step;
  return typeof step.view === 'string' ? (step as StateStep) : { view: step.view(state as never) };
}

/** Whether `state` shows on the form (the first screen, which the element renders itself). */
export const onForm = (state: FlowState): state is StateShowing<'form'> => stepOf(state).view === 'form';
