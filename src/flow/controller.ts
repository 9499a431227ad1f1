import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { emit } from '../events.js';
import type { FlowAction } from './actions.js';
import type { FlowRunner, FlowHost, refocus, stepStyles, stepView, warmViews } from './runner.js';
import { lazyLoaded, loadLazy } from './lazy-loader.js';
import { initialState, type FieldName, type FlowState, type FormValues } from './state.js';
import { formTransition, isFormAction } from './form-transition.js';
import { stepOf } from './steps.js';
import type { FormCheck } from './validate.js';
import type { Settings } from '../settings.js';
import type { Actions } from '../ui/context.js';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * The flow's pure function: the whole of it (`transition`) once the flow's code is in, the form's
 * part before. Nothing else can happen before: the rest comes from the runner, which comes with it.
 */
function transition(state: FlowState, action: FlowAction): FlowState {
  const lazy = lazyLoaded();
  if (lazy) return lazy.transition(state, action);
  return isFormAction(action) ? formTransition(state, action) : state;
}

/**
 * Holds the flow's state and is the one place it changes (`dispatch`, through the pure
 * `transition`). What a running flow does (requests, Prove's SDK, its clock) is the `FlowRunner`,
 * which comes with the lazy entry (lazy.ts) when the person reaches the form (or submits), together
 * with the phone rules and the views of the later steps, so the first paint carries only the form.
 * Its own actions are what works before then: the form's (`edit`, `submit`) and leaving a flow
 * (`cancel`, `reset`); the steps after the form call the runner (`actions`).
 */
export class FlowController implements ReactiveController, FlowHost {
  state: FlowState;
  /**
   * Counts the changes after which focus should move to the new step's main control: every change
   * but typing (a keystroke never sends focus elsewhere; the clock's ticks change nothing) and the
   * connection's (the live region says it, and the person's place stays).
   */
  focusVersion = 0;
  /** The views of the steps after the form, and their styles, once loaded. */
  views?: typeof stepView;
  viewStyles?: typeof stepStyles;
  /** Where focus goes when it fell with a removed control; loaded with the runner. */
  refocus?: typeof refocus;
  /** Renders the screens after Verify once, unseen, with the element's words (see `warmViews`). */
  warm?: typeof warmViews;
  private runner?: FlowRunner;
  /** A submit is checking the form (see `submit`). */
  private checking = false;
  /** The last check of the form (see `check`), and the pause after a keystroke that makes it. */
  private checked?: { values: FormValues; key: string; result: FormCheck };
  private pause?: ReturnType<typeof setTimeout>;

  constructor(
    readonly host: Host,
    readonly settings: () => Settings,
  ) {
    this.state = initialState();
    host.addController(this);
    host.addEventListener('focusin', () => this.prepare());
  }

  hostDisconnected(): void {
    // Moved in the page (taken out and put back in one task, as `append` and frameworks do): the
    // flow goes on. Only an element still out when the task's microtasks run has left the page.
    queueMicrotask(() => {
      if (this.host.isConnected) return;
      this.runner?.disconnected();
      this.state = initialState(this.state.values);
      this.host.requestUpdate();
    });
  }

  /**
   * The person reached the element (focus comes before typing, and before the country selector
   * opens) or typed: a submit is coming. The lazy entry (the phone rules, with the phone's own
   * field, which shows once they are in, and the flow's code) and Prove's SDK load now, and the SDK
   * is asked whether this is a phone, so Verify waits for none of them. Until then the phone is a
   * plain input, and the first paint stays small.
   */
  private prepare(): void {
    this.load().catch(() => {});
  }

  /** The person typed in a field. */
  edit(field: FieldName, value: string): void {
    this.prepare();
    this.dispatch({ type: 'edit', field, value });
    // The form is checked while the person pauses, so Verify starts the flow at once.
    clearTimeout(this.pause);
    this.pause = setTimeout(() => void this.check(this.state.values), 100);
  }

  /**
   * The form's check, once the phone rules are in; one already made for the same values and
   * settings is reused (states never change their values in place).
   */
  private check(values: FormValues, lazy = lazyLoaded()): FormCheck | Promise<FormCheck> | undefined {
    if (!lazy) return;
    const settings = this.settings();
    const key = [settings.defaultCountry, ...settings.countries].join(',');
    if (this.checked?.values === values && this.checked.key === key) return this.checked.result;
    const result = lazy.checkForm(values, settings);
    // Still loading the number's plans: a submit waits for them and checks again.
    if (result instanceof Promise) result.catch(() => {});
    else this.checked = { values, key, result };
    return result;
  }

  /** Replaces the values while no flow runs (attributes `first-name`, `last-name`, `phone`). */
  prefill(values: Partial<FormValues>): void {
    if (this.state.name !== 'form') return;
    for (const [field, value] of Object.entries(values) as [FieldName, string | undefined][]) {
      // The same value is no edit: the first render's empty attributes change nothing.
      if (value !== undefined && value !== this.state.values[field]) this.dispatch({ type: 'edit', field, value });
    }
  }

  /**
   * Checks the form, then starts a flow. Validate first: an invalid form goes back to the form with
   * its messages and never fires `starting`. The check may wait for the phone rules to load, so
   * `checking` keeps a second click meanwhile from starting a second flow.
   */
  async submit(): Promise<void> {
    if (this.checking || transition(this.state, { type: 'submit', now: Date.now() }) === this.state) return;
    this.checking = true;
    // The flow's code loads while the form is checked.
    const loading = this.load();
    loading.catch(() => {});
    let checked: FormCheck | undefined;
    try {
      // The person may type while the rules (or the number's numbering plans) load: the values
      // submitted are the ones checked. With them in, the check is immediate and `starting` shows
      // in the same click.
      for (let values; values !== this.state.values;) {
        values = this.state.values;
        const check = this.check(values, lazyLoaded() ?? (await loadLazy()))!;
        checked = check instanceof Promise ? await check : check;
      }
    } catch {
      checked = undefined;
    } finally {
      this.checking = false;
    }
    if (!this.host.isConnected) return;
    if (checked && !checked.ok) {
      this.dispatch({ type: 'invalid', errors: checked.errors });
      return;
    }
    // Cancelled, reset or already started meanwhile.
    if (!this.dispatch({ type: 'submit', now: Date.now() })) return;
    // Loaded (the person reached the form a while ago): the start call leaves in this task, before
    // `starting` renders. A check that could not be made (its numbering plans did not load) is a
    // failure to load too.
    const runner = checked && (this.runner ?? (await loading.catch(() => undefined)));
    if (!checked || !runner) {
      this.dispatch({ type: 'failed', code: 'load', retry: 'start' });
      emit(this.host, 'prove-verify-error', {
        code: 'load',
        message: "The element's code (flow or phone rules) could not be loaded.",
        recoverable: true,
      });
      return;
    }
    if (this.state.name === 'starting' && this.host.isConnected) await runner.start(checked.phoneNumber);
  }

  /**
   * Stops a running flow and goes back to the form, keeping what was typed (Cancel, Escape, "Start
   * again" on a code or link that cannot be sent again, and the element's `cancel()`). On a number
   * change the person asked for, it goes back to the step they left instead: the flow goes on.
   */
  cancel(): void {
    if (this.dispatch({ type: 'back' })) return;
    const wasRunning = stepOf(this.state).busy || this.state.name === 'error';
    this.reset();
    if (wasRunning) emit(this.host, 'prove-verify-cancel', {});
  }

  /** Back to the form from any state, keeping what was typed; a running flow ends. `focus`: the field to take focus. */
  reset(focus?: FieldName): void {
    this.runner?.end();
    this.dispatch({ type: 'reset', focus });
  }

  /** What the views of the steps after the form call: the runner, once the flow's code is in. */
  get actions(): Actions | undefined {
    return this.runner;
  }

  /** Applies an action; answers whether it changed anything. */
  dispatch(action: FlowAction): boolean {
    const previous = this.state;
    const next = transition(previous, action);
    if (next === previous) return false;
    this.state = next;
    if (action.type !== 'edit' && action.type !== 'connection') this.focusVersion++;
    this.host.requestUpdate();
    if (next.name !== previous.name) emit(this.host, 'prove-verify-step', { step: next.name });
    this.runner?.changed(previous);
    return true;
  }

  /**
   * The runner, once the lazy entry is in (`loadLazy` loads it once for the page, and again after a
   * failure). Prove's SDK is fetched right behind it (unless the page gave its own), so a submit
   * never waits for it: the same import the flow makes later, which only defines the SDK's API.
   */
  private load(): Promise<FlowRunner> {
    if (this.runner) return Promise.resolve(this.runner);
    return loadLazy().then((lazy) => {
      if (this.runner) return this.runner;
      this.views = lazy.stepView;
      this.viewStyles = lazy.stepStyles;
      this.refocus = lazy.refocus;
      this.warm = lazy.warmViews;
      this.runner = new lazy.FlowRunner(this);
      lazy.warmSdk(this.settings());
      // The phone's own field shows, the later steps' styles are adopted, and their screens warmed,
      // in the render this asks for.
      this.host.requestUpdate();
      return this.runner;
    });
  }
}
