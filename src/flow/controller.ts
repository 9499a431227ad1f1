import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { BackendError, fetchVerificationResult, startVerification, type BackendConfig } from '../backend.js';
import { emit } from '../events.js';
import { checkPhone, loadPhoneRules } from '../phone.js';
import type { CodeAnswer, FlowSteps, LinkAnswer, PossessionType, ProveSdk, SdkRun } from '../sdk.js';
import { deferred, type Deferred } from './deferred.js';
import type { FlowEvent } from './events.js';
import { BUSY_STATES, initialState, type ErrorCode, type FieldName, type FlowState, type FormValues, type RetryTarget } from './state.js';
import { transition } from './transition.js';
import { validateNames } from './validate.js';

/** What the controller reads from the element when a flow starts; it is copied, never re-read mid-flow. */
export interface FlowSettings {
  backend: BackendConfig;
  possessionType: 'auto' | PossessionType;
  finalTargetUrl?: string;
  sdk: ProveSdk;
}

type Host = ReactiveControllerHost & HTMLElement;

/** What one running flow owns; dropped whole when the flow ends, so nothing outlives it. */
interface Run {
  id: number;
  settings: FlowSettings;
  abort: AbortController;
  possession?: PossessionType;
  /** The number as sent to the backend, in E.164. */
  phoneNumber?: string;
  sdk?: SdkRun;
  phone?: Deferred<string | null>;
  queuedPhone?: string;
  code?: Deferred<CodeAnswer>;
  link?: Deferred<LinkAnswer>;
  finish?: Deferred<void>;
}

/**
 * Runs the effects of the flow: backend calls, the SDK, and the events the page listens to.
 * The element calls the action methods; state changes only through `transition`.
 */
export class FlowController implements ReactiveController {
  state: FlowState;
  /**
   * Counts the changes after which focus should move to the new step's main control: every change
   * but typing, so a keystroke never sends focus elsewhere.
   */
  focusVersion = 0;
  private run?: Run;
  private runs = 0;

  constructor(
    private readonly host: Host,
    private readonly settings: () => FlowSettings,
  ) {
    this.state = initialState();
    host.addController(this);
  }

  hostDisconnected(): void {
    this.teardown();
    this.state = initialState(this.state.values);
    this.host.requestUpdate();
  }

  /** The person typed in a field. */
  edit(field: FieldName, value: string): void {
    // Typing means a submit is coming: fetch the phone rules now, not when it is clicked.
    loadPhoneRules().catch(() => {});
    this.dispatch({ type: 'edit', field, value });
  }

  /** Replaces the values while no flow runs (attributes `first-name`, `last-name`, `phone`). */
  prefill(values: Partial<FormValues>): void {
    if (this.state.name !== 'form') return;
    for (const [field, value] of Object.entries(values) as [FieldName, string | undefined][]) {
      if (value !== undefined) this.dispatch({ type: 'edit', field, value });
    }
  }

  async submit(): Promise<void> {
    if (!this.dispatch({ type: 'submit' })) return;
    const run = this.begin();
    const values = this.state.values;
    const errors = validateNames(values);
    let phone: Awaited<ReturnType<typeof checkPhone>>;
    try {
      phone = await checkPhone(values.phone);
    } catch {
      return this.fail(run, 'network', 'Phone number rules could not be loaded.', 'start');
    }
    if (!this.isCurrent(run)) return;
    if (!phone.ok) errors.phone = phone.error;
    if (!phone.ok || Object.keys(errors).length > 0) {
      this.run = undefined;
      this.dispatch({ type: 'invalid', errors });
      return;
    }
    if (!run.settings.backend.baseUrl) {
      return this.fail(run, 'config', 'The backend-url attribute is not set.', 'start', false);
    }
    try {
      const possession = await this.possessionFor(run);
      if (!this.isCurrent(run)) return;
      run.possession = possession;
      run.phoneNumber = phone.e164;
      const authToken = await startVerification(
        run.settings.backend,
        {
          firstName: values.firstName.trim(),
          lastName: values.lastName.trim(),
          phoneNumber: phone.e164,
          possessionType: possession,
          ...(run.settings.finalTargetUrl ? { finalTargetUrl: run.settings.finalTargetUrl } : {}),
        },
        run.abort.signal,
      );
      if (!this.isCurrent(run)) return;
      const sdkRun = await run.settings.sdk.run(authToken, possession, this.stepsFor(run));
      sdkRun.done.catch((error: unknown) => {
        // A flow the SDK ends with an error; a cancelled run's rejections are expected and dropped.
        if (this.isCurrent(run)) this.fail(run, 'sdk', describe(error), 'start');
      });
      if (!this.isCurrent(run)) return sdkRun.cancel();
      run.sdk = sdkRun;
    } catch (error) {
      if (!this.isCurrent(run)) return;
      if (error instanceof BackendError) {
        if (error.code === 'aborted') return;
        return this.fail(run, error.code, error.message, 'start', true, error.status);
      }
      this.fail(run, 'sdk', describe(error), 'start');
    }
  }

  submitCode(raw: string): void {
    const code = raw.replace(/\s/g, '');
    if (this.state.name !== 'otp-entry' || !this.run?.code) return;
    if (!code) {
      this.dispatch({ type: 'code-invalid', error: 'codeRequired' });
      return;
    }
    this.dispatch({ type: 'code-submitted' });
    this.answerCode({ kind: 'code', code });
  }

  resendCode(): void {
    if (this.state.name === 'otp-entry' && this.run?.code && this.dispatch({ type: 'resend-code' })) {
      this.answerCode({ kind: 'resend' });
    }
  }

  /** "Change number" on the code screen, "Use a different number" while a link waits. */
  changeNumber(): void {
    const run = this.run;
    if (!run || !this.dispatch({ type: 'change-number' })) return;
    if (run.code) this.answerCode({ kind: 'change-number' });
    else this.answerLink('change-number');
  }

  async submitPhone(raw: string): Promise<void> {
    const run = this.run;
    if (this.state.name !== 'phone-change' || !run) return;
    const phone = await checkPhone(raw).catch(() => ({ ok: false, error: 'phoneInvalid' }) as const);
    if (!this.isCurrent(run) || this.state.name !== 'phone-change') return;
    if (!phone.ok) {
      this.dispatch({ type: 'phone-invalid', error: phone.error });
      return;
    }
    this.dispatch({ type: 'phone-submitted', phone: raw });
    if (run.phone) {
      const pending = run.phone;
      run.phone = undefined;
      pending.resolve(phone.e164);
    } else {
      // The person was quicker than the SDK's next step; it takes the number when it asks.
      run.queuedPhone = phone.e164;
    }
  }

  resendLink(): void {
    if (this.dispatch({ type: 'resend-link' })) this.answerLink('resend');
  }

  /** "Try again" after an error. */
  retry(): void {
    const state = this.state;
    if (state.name !== 'error') return;
    if (state.retry === 'status' && this.run?.finish) {
      this.dispatch({ type: 'finishing' });
      void this.checkStatus(this.run);
    } else {
      void this.submit();
    }
  }

  /** Stops a running flow and goes back to the form, keeping what was typed. */
  cancel(): void {
    const wasRunning = BUSY_STATES.has(this.state.name) || this.state.name === 'error';
    this.teardown();
    this.dispatch({ type: 'reset' });
    if (wasRunning) emit(this.host, 'prove-verify-cancel', {});
  }

  /** Back to the form from any state, keeping what was typed. */
  reset(): void {
    this.teardown();
    this.dispatch({ type: 'reset' });
  }

  private stepsFor(run: Run): FlowSteps {
    const possession = run.possession!;
    return {
      phoneNumber: (phoneNumberNeeded, rejected) => {
        if (!this.isCurrent(run)) return new Promise(() => {});
        if (phoneNumberNeeded && !rejected && run.queuedPhone) {
          const queued = run.queuedPhone;
          run.queuedPhone = undefined;
          return Promise.resolve(queued);
        }
        // A backend that did not pass the number to Prove: the SDK asks for the one just typed.
        if (phoneNumberNeeded && !rejected && this.state.name === 'starting') {
          this.dispatch({ type: 'number-requested', possession, phoneNumberNeeded: false, rejected });
          return Promise.resolve(run.phoneNumber ?? null);
        }
        this.dispatch({ type: 'number-requested', possession, phoneNumberNeeded, rejected });
        if (this.state.name !== 'phone-change') return Promise.resolve(null);
        run.phone = deferred();
        return run.phone.promise;
      },
      code: (wrongCode) => {
        if (!this.isCurrent(run)) return new Promise(() => {});
        run.code = deferred();
        this.dispatch({ type: 'otp-finish-requested', wrongCode });
        return run.code.promise;
      },
      linkSent: () => {
        if (!this.isCurrent(run)) return new Promise(() => {});
        run.link = deferred();
        this.dispatch({ type: 'link-retry-requested' });
        return run.link.promise;
      },
      finish: () => {
        if (!this.isCurrent(run)) return new Promise(() => {});
        run.finish = deferred();
        // The link or code is no longer awaited: drop those steps.
        run.code = run.link = undefined;
        this.dispatch({ type: 'finishing' });
        void this.checkStatus(run);
        return run.finish.promise;
      },
    };
  }

  private async checkStatus(run: Run): Promise<void> {
    try {
      const result = await fetchVerificationResult(run.settings.backend, run.abort.signal);
      if (!this.isCurrent(run)) return;
      this.dispatch({ type: 'result', result });
      emit(this.host, result.success ? 'prove-verify-success' : 'prove-verify-failure', { result });
      run.finish?.resolve();
    } catch (error) {
      if (!this.isCurrent(run)) return;
      if (error instanceof BackendError) {
        if (error.code === 'aborted') return;
        if (error.status === 401 || error.status === 410) {
          this.dispatch({ type: 'expired' });
          return;
        }
        return this.fail(run, error.code, error.message, 'status', true, error.status);
      }
      this.fail(run, 'sdk', describe(error), 'status');
    }
  }

  private answerCode(answer: CodeAnswer): void {
    const pending = this.run?.code;
    if (!pending || !this.run) return;
    this.run.code = undefined;
    pending.resolve(answer);
  }

  private answerLink(answer: LinkAnswer): void {
    const pending = this.run?.link;
    if (!pending || !this.run) return;
    this.run.link = undefined;
    pending.resolve(answer);
  }

  private async possessionFor(run: Run): Promise<PossessionType> {
    const forced = run.settings.possessionType;
    if (forced === 'mobile' || forced === 'desktop') return forced;
    return (await run.settings.sdk.isMobileWeb()) ? 'mobile' : 'desktop';
  }

  private fail(run: Run, code: ErrorCode, message: string, retry: RetryTarget, recoverable = true, status?: number): void {
    if (!this.isCurrent(run)) return;
    if (retry === 'start') this.teardown();
    this.dispatch({ type: 'failed', code, status, retry });
    emit(this.host, 'prove-verify-error', { code, message, recoverable, ...(status ? { status } : {}) });
  }

  /** Starts a new run, ending any old one first; settings are copied so attribute changes wait. */
  private begin(): Run {
    this.teardown();
    const settings = this.settings();
    this.run = {
      id: ++this.runs,
      settings: { ...settings, backend: { ...settings.backend } },
      abort: new AbortController(),
    };
    return this.run;
  }

  private isCurrent(run: Run): boolean {
    return this.run?.id === run.id && this.host.isConnected;
  }

  /** Cancels the SDK (closing its WebSocket) and aborts fetches; pending steps are dropped. */
  private teardown(): void {
    const run = this.run;
    this.run = undefined;
    if (!run) return;
    run.abort.abort();
    run.sdk?.cancel();
  }

  /** Applies an event; answers whether it changed anything. */
  private dispatch(event: FlowEvent): boolean {
    const previous = this.state;
    const next = transition(previous, event);
    if (next === previous) return false;
    this.state = next;
    if (event.type !== 'edit') this.focusVersion++;
    this.host.requestUpdate();
    if (next.name !== previous.name) emit(this.host, 'prove-verify-step', { step: next.name });
    return true;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
