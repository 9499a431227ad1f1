import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { emit } from '../events.js';
import { loadPhoneRules, phoneRules } from '../phone.js';
import type { FlowAction } from './actions.js';
import type { FlowRunner, FlowHost, refocus, stepStyles, stepView, warmViews } from './runner.js';
import type { FlowSettings } from './attempt.js';
import { BUSY_STATES, initialState, type FieldName, type FlowState, type FormValues } from './state.js';
import { transition } from './transition.js';
import type { FormCheck } from './validate.js';

export type { FlowSettings } from './attempt.js';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * Holds the flow's state and is the one place it changes (`dispatch`, through the pure
 * `transition`). What a running flow does (requests, Prove's SDK, its clock) is the `FlowRunner`,
 * loaded when the person reaches the form (or submits), together with the views of the later
 * steps, so the first paint carries only the form. The element calls the action methods.
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
  private loading?: Promise<FlowRunner>;
  /** A submit is checking the form (see `submit`). */
  private checking = false;
  /** The last check of the form (see `check`), and the pause after a keystroke that makes it. */
  private checked?: { values: FormValues; key: string; result: FormCheck };
  private pause?: ReturnType<typeof setTimeout>;

  constructor(
    readonly host: Host,
    readonly settings: () => FlowSettings,
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

  requestUpdate(): void {
    this.host.requestUpdate();
  }

  /**
   * The person reached the element (focus comes before typing, and before the country selector
   * opens) or typed: a submit is coming. The phone rules, with the phone's own field (which shows
   * once they are in), the flow's code and Prove's SDK load now, and the SDK is asked whether this
   * is a phone, so Verify waits for none of them. Until then the phone is a plain input, and the
   * first paint stays small.
   */
  private prepare(): void {
    if (!phoneRules())
      loadPhoneRules().then(
        () => this.host.requestUpdate(),
        () => {},
      );
    this.load().catch(() => {});
  }

  /** The person typed in a field. */
  edit(field: FieldName, value: string): void {
    this.prepare();
    this.dispatch({ type: 'edit', field, value });
    // The form is checked while the person pauses, so Verify starts the flow at once.
    clearTimeout(this.pause);
    this.pause = setTimeout(() => this.check(this.state.values), 100);
  }

  /**
   * The form's check, once the phone rules are in; one already made for the same values and
   * settings is reused (states never change their values in place).
   */
  private check(values: FormValues, rules = phoneRules()): FormCheck | Promise<FormCheck> | undefined {
    if (!rules) return;
    const settings = this.settings();
    const key = settings.defaultCountry + settings.countries;
    if (this.checked?.values === values && this.checked.key === key) return this.checked.result;
    const result = rules.checkForm(values, settings);
    // Still loading the number's plans: a submit waits for them and checks again.
    if (result instanceof Promise) result.catch(() => {});
    else this.checked = { values, key, result };
    return result;
  }

  /** Replaces the values while no flow runs (attributes `first-name`, `last-name`, `phone`). */
  prefill(values: Partial<FormValues>): void {
    if (this.state.name !== 'form') return;
    for (const [field, value] of Object.entries(values) as [FieldName, string | undefined][]) {
      if (value !== undefined) this.dispatch({ type: 'edit', field, value });
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
        const check = this.check(values, phoneRules() ?? (await loadPhoneRules()))!;
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
    let runner: FlowRunner;
    try {
      // The rules that could not load are code too: the same failure as the flow's code.
      if (!checked) throw 0;
      // Loaded (the person reached the form a while ago): the start call leaves in this task,
      // before `starting` renders.
      runner = this.runner ?? (await loading);
    } catch {
      this.dispatch({ type: 'failed', code: 'load', retry: 'start' });
      emit(this.host, 'prove-verify-error', { code: 'load', message: "The element's code (flow or phone rules) could not be loaded.", recoverable: true });
      return;
    }
    if (this.state.name === 'starting' && this.host.isConnected) await runner.start(checked.phoneNumber);
  }

  submitCode(code: string): void {
    this.runner?.submitCode(code);
  }

  resendCode(): void {
    this.runner?.resendCode();
  }

  changeNumber(): void {
    this.runner?.changeNumber();
  }

  startWithNewNumber(): void {
    if (this.runner) this.runner.startWithNewNumber();
    else this.dispatch({ type: 'reset', focus: 'phone' });
  }

  submitPhone(phone: string): void {
    void this.runner?.submitPhone(phone);
  }

  resendLink(): void {
    this.runner?.resendLink();
  }

  /** "Try again" after an error: the status call again, or a new flow. */
  retry(): void {
    if (this.state.name === 'error' && !this.runner?.retryStatus()) void this.submit();
  }

  /** Stops a running flow and goes back to the form, keeping what was typed. */
  cancel(): void {
    if (this.runner) return this.runner.cancel();
    const wasRunning = BUSY_STATES.has(this.state.name);
    this.dispatch({ type: 'reset' });
    if (wasRunning) emit(this.host, 'prove-verify-cancel', {});
  }

  /** Back to the form from any state, keeping what was typed. */
  reset(): void {
    if (this.runner) this.runner.reset();
    else this.dispatch({ type: 'reset' });
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
    return true;
  }

  /**
   * Loads the runner and the later steps' views once; a failed load may be tried again. Prove's
   * SDK is fetched right behind them (unless the page gave its own), so a submit never waits for it:
   * the same import the flow makes later, which only defines the SDK's API.
   */
  private load(): Promise<FlowRunner> {
    this.loading ??= import('./runner.js').then(
      (module) => {
        this.views = module.stepView;
        this.viewStyles = module.stepStyles;
        this.refocus = module.refocus;
        this.warm = module.warmViews;
        this.runner = new module.FlowRunner(this);
        module.warmSdk(this.settings());
        // The later steps' styles are adopted, and their screens warmed, in the render this asks for.
        this.host.requestUpdate();
        return this.runner;
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }
}
