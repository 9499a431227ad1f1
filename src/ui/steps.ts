import { nothing } from 'lit';
import type { FlowState } from '../flow/state.js';
import { stepOf, type StateShowing, type ViewName } from '../flow/steps.js';
import { codeEntry } from './code-entry.js';
import type { ViewContext } from './context.js';
import { linkWait } from './link-wait.js';
import { outcome } from './outcome.js';
import { phoneChange } from './phone-change.js';

export { stepStyles } from './step-styles.js';

type StepViewName = Exclude<ViewName, 'form'>;

/**
 * The view of each name in flow/steps.ts but the form (which the element renders from the first
 * paint), each taking the states the table shows with it: the type checks both ways.
 */
const VIEWS: { [V in StepViewName]: (state: StateShowing<V>, ctx: ViewContext) => unknown } = {
  code: codeEntry,
  phone: phoneChange,
  link: linkWait,
  outcome,
};

/**
 * The views of a running flow's steps (all but the form). They load with the flow's code, after
 * the first paint: a flow only gets past the form once that code is in.
 */
export function stepView(state: FlowState, ctx: ViewContext): unknown {
  const name = stepOf(state).view;
  if (name === 'form') return nothing;
  // The table gave this state this view, whose function takes it (TypeScript cannot follow the pair).
  const view = VIEWS[name] as (state: FlowState, ctx: ViewContext) => unknown;
  return view(state, ctx);
}
