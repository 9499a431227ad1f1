import { render, type ReactiveControllerHost } from 'lit';
import { BackendError, fetchVerificationResult, startVerification, type VerificationResult } from '../backend.js';
import { emit } from '../events.js';
import { onInstantLinkFinished } from '../instant-link.js';
import { effectiveCountry } from '../phone-country.js';
import { checkLoading } from '../phone-rules.js';
import {
  loadProveAuth,
  mobileWebAnswer,
  proveAuthSdk,
  toSdkFailure,
  type PossessionType,
  type SdkFailure,
} from '../sdk.js';
import type { Settings } from '../settings.js';
import type { FlowAction } from './actions.js';
import { createAttempt, pause, type FlowAttempt } from './attempt.js';
import { clock, type Clock } from './clock.js';
import {
  backendFailed,
  configMissing,
  interrupted,
  linkExpired,
  sdkFailed,
  statusFailed,
  stillPending,
  type FailureOutcome,
} from './failures.js';
import { sdkSteps, type StepHost } from './sdk-steps.js';
import { sendTiming } from './sends.js';
import type { FieldName, FlowState, FormValues } from './state.js';
import { stepOf } from './steps.js';
import { codeFrom } from './web-otp.js';
import { webOtpRequest } from './web-otp-request.js';
import type { Actions, ViewContext } from '../ui/context.js';
import { stepView } from '../ui/steps.js';

export { stepStyles, stepView } from '../ui/steps.js';
// The controller fetches Prove's SDK as soon as the flow's code is in (see FlowController.load).
/**
 * Fetches Prove's SDK (and, when the element is to decide, asks whether this is a phone) as the
 * person reaches the form, so Verify never waits for either. A page's own SDK adapter is left alone.
 */
export function warmSdk({ sdk, possessionType }: Settings): void {
  if (!sdk) (possessionType === 'auto' ? proveAuthSdk.isMobileWeb() : loadProveAuth()).catch(() => {});
}

/** The screens after Verify have been rendered once in this page (see `warmViews`). */
let viewsWarmed = false;

/**
 * Renders the screens that follow Verify (a code or a link being sent, then awaited) once a page,
 * into an element that is never shown, while the person is on the form: Lit prepares their
 * templates and the browser compiles their code then, not between Verify and the code input. The
 * phone rules the screens format the number with, and the rest of English, come with it in the lazy
 * entry; one screen per task, so typing is never held up for long.
 */
export function warmViews(ctx: ViewContext, values: FormValues): void {
  if (viewsWarmed) return;
  viewsWarmed = true;
  const now = Date.now();
  const sends = { count: 1, expiresAt: now + 120_000, resendAt: now + 30_000 };
  const states: FlowState[] = [
    { name: 'otp-sending', values, possession: 'mobile', sends },
    { name: 'otp-entry', values, possession: 'mobile', sends, prompt: 1, expired: false },
    { name: 'link-sending', values, possession: 'desktop', sends },
    { name: 'link-waiting', values, possession: 'desktop', sends, canResend: true },
  ];
  const unseen = document.createElement('div');
  const next = () => {
    const state = states.shift();
    if (!state) return;
    try {
      render(stepView(state, ctx), unseen);
    } catch {
      // Only a head start: the real screen renders whatever happens here.
    }
    setTimeout(next);
  };
  setTimeout(next);
}

/**
 * Where focus goes when the control that had it went away with the step (Cancel, Escape, "Start
 * again") and the new step names none: the form's first field, else the step's heading, so it
 * never falls to the page's body. Loaded with the flow: before a flow, nothing goes away.
 */
export function refocus(root: ShadowRoot, state: FlowState): HTMLElement | null {
  if (state.name === 'form')
    return root.querySelector<HTMLElement>('form input:not([type="hidden"]), form select, form textarea');
  // A step's own choice (the main action of a code that ran out while Resend had focus).
  const named = root.querySelector<HTMLElement>('[data-refocus]');
  if (named) return named;
  const heading = root.querySelector<HTMLElement>('h2');
  if (heading && !heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  return heading;
}

/**
 * What the runner needs of the controller: the state, the one way to change it, the element, the
 * settings, and the actions that work before the flow's code is in (the form's, and leaving a flow).
 */
export interface FlowHost {
  readonly state: FlowState;
  readonly host: ReactiveControllerHost & HTMLElement;
  dispatch(action: FlowAction): boolean;
  settings(): Settings;
  edit(field: FieldName, value: string): void;
  submit(): Promise<void>;
  cancel(): void;
  reset(focus?: FieldName): void;
}

/** Waits between status calls while the backend answers 202 (pending); the total stays under 30 s. */
const PENDING_DELAYS_MS = [1000, 2000, 4000, 8000];
const PENDING_LIMIT_MS = 30_000;
/** Waits between status calls while the connection seems back but the backend cannot be reached. */
const RECHECK_MS = 3000;

/**
 * Runs the effects of a flow once the person submits: backend calls, Prove's SDK, and the events
 * the page listens to; what a failure leads to is failures.ts's answer. It is loaded with the first
 * keystroke (or submit), so none of it weighs on the first paint; state changes only through the
 * controller's `dispatch`, which tells it of each change (`changed`). It is also what the views of
 * the steps call (`Actions`): the form's actions and leaving a flow go on to the controller.
 */
export class FlowRunner implements StepHost, Actions {
  private attempt?: FlowAttempt;
  /** Renders the time left once a second while the step shows a deadline, and ends what runs out. */
  private readonly clock: Clock;
  /** The browser's WebOTP request for the code screen that shows. */
  private readonly webOtp = webOtpRequest((code) => this.submitCode(code));

  constructor(private readonly flow: FlowHost) {
    this.clock = clock(flow.host, (state) => this.ranOut(state));
    // Escape does what Cancel does on the steps that show it; until a flow's code is in, there is
    // nothing to cancel.
    flow.host.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape' || e.defaultPrevented || e.isComposing || !stepOf(this.state).escape) return;
      e.preventDefault();
      flow.cancel();
    });
  }

  get state(): FlowState {
    return this.flow.state;
  }

  private get host(): HTMLElement {
    return this.flow.host;
  }

  /** The state changed from `before` (the controller calls it): the clock and WebOTP follow it. */
  changed(before: FlowState): void {
    this.clock.sync(this.state);
    this.webOtp.sync(before, this.state);
  }

  /** The element left the page: everything of the attempt ends. */
  disconnected(): void {
    this.end();
    this.clock.stop();
    this.webOtp.stop();
  }

  edit(field: FieldName, value: string): void {
    this.flow.edit(field, value);
  }

  submit(): void {
    void this.flow.submit();
  }

  cancel(): void {
    this.flow.cancel();
  }

  reset(): void {
    this.flow.reset();
  }

  /**
   * Runs a flow the controller has just moved to `starting`, with the form already checked (the
   * controller validates first): `phoneNumber` is the number in E.164.
   */
  async start(phoneNumber: string): Promise<void> {
    const attempt = this.begin();
    const values = this.state.values;
    if (!attempt.settings.backend.baseUrl) return this.apply(attempt, configMissing());
    try {
      // Known by now (asked when the person reached the form): the start call leaves at once.
      const known = this.possessionFor(attempt);
      const possession = typeof known === 'string' ? known : await known;
      if (!this.isCurrent(attempt)) return;
      attempt.possession = possession;
      attempt.phoneNumber = attempt.startedWith = phoneNumber;
      const started = await startVerification(
        attempt.settings.backend,
        {
          firstName: values.firstName.trim(),
          lastName: values.lastName.trim(),
          phoneNumber,
          possessionType: possession,
          ...(attempt.settings.finalTargetUrl ? { finalTargetUrl: attempt.settings.finalTargetUrl } : {}),
        },
        attempt.abort.signal,
      );
      if (!this.isCurrent(attempt)) return;
      // Prove refused the person at once: the verdict is in, and Prove's SDK never runs.
      if ('result' in started) return this.showResult(attempt, started.result);
      attempt.flowId = started.flowId;
      attempt.changeNumber = started.changeNumber;
      if (possession === 'desktop') {
        const stopLanding = onInstantLinkFinished(() => this.linkFinishedElsewhere(attempt));
        const stopWatching = this.watchConnection(attempt);
        attempt.stopListening = () => {
          stopLanding();
          stopWatching();
        };
      }
      const sdkRun = await (attempt.settings.sdk ?? proveAuthSdk).run(
        started.authToken,
        possession,
        sdkSteps(attempt, this),
      );
      sdkRun.done.catch((error: unknown) => {
        // A cancelled attempt's rejections are expected and dropped.
        if (this.isCurrent(attempt)) this.sdkFailed(attempt, toSdkFailure(error, started.authToken));
      });
      if (!this.isCurrent(attempt)) return sdkRun.cancel();
      attempt.sdk = sdkRun;
    } catch (error) {
      if (!this.isCurrent(attempt)) return;
      if (error instanceof BackendError) return this.apply(attempt, backendFailed(error, 'start', Date.now()));
      this.sdkFailed(attempt, toSdkFailure(error));
    }
  }

  /**
   * The code, typed (submitted at its last digit or by the button), pasted or read by WebOTP. Only
   * the first submit of a prompt reaches the SDK: the state leaves `otp-entry` with it.
   */
  submitCode(raw: string): void {
    const attempt = this.attempt;
    if (this.state.name !== 'otp-entry' || !attempt?.code.waiting) return;
    const length = attempt.settings.otpLength;
    const code = codeFrom(raw, length);
    if (code.length < length) {
      this.dispatch({ type: 'code-invalid', error: code ? 'codeIncomplete' : 'codeRequired' });
      return;
    }
    if (this.dispatch({ type: 'code-submitted', code })) attempt.code.answer({ kind: 'code', code });
  }

  resendCode(): void {
    const attempt = this.attempt;
    if (
      attempt?.code.waiting &&
      this.dispatch({ type: 'resend-code', now: Date.now(), send: sendTiming(attempt.settings, attempt.possession) })
    ) {
      attempt.code.answer({ kind: 'resend' });
    }
  }

  /**
   * "Change number" on the code screen, "Use a different number" while a link waits: the new
   * number's screen. The SDK's code or link step keeps waiting, so Cancel can go back to it; the
   * new number answers it (see `submitPhone`).
   */
  changeNumber(): void {
    if (this.attempt) this.dispatch({ type: 'change-number' });
  }

  /** "Use a different number" once the flow is over (the link expired): the form, at the phone. */
  startWithNewNumber(): void {
    this.flow.reset('phone');
  }

  submitPhone(raw: string): void {
    void this.changeTo(raw);
  }

  private async changeTo(raw: string): Promise<void> {
    const attempt = this.attempt;
    if (this.state.name !== 'phone-change' || !attempt) return;
    const { defaultCountry, countries } = attempt.settings;
    const country = effectiveCountry(this.state.values.country, defaultCountry, countries);
    const phone = await checkLoading(raw, country, countries).catch(
      () => ({ ok: false, error: 'phoneInvalid' }) as const,
    );
    if (!this.isCurrent(attempt) || this.state.name !== 'phone-change') return;
    if (!phone.ok) {
      this.dispatch({ type: 'phone-invalid', error: phone.error });
      return;
    }
    // Whether the person asked for it or Prove refused the number: only the backend may change it.
    if (attempt.changeNumber !== 'in-flow') return this.restart(raw, phone.e164);
    // Prove now checks this number: it is the one a success verifies.
    attempt.phoneNumber = phone.e164;
    this.dispatch({ type: 'phone-submitted', phone: raw, send: sendTiming(attempt.settings, attempt.possession) });
    // The SDK asked for a number (Prove refused one): it gets this one. Else the person left the
    // code or link step, which now answers "change number"; the SDK then asks for the number, and
    // takes this one (also when the person was quicker than the SDK's next step).
    if (attempt.phone.answer(phone.e164)) return;
    attempt.queuedPhone = phone.e164;
    if (!attempt.code.answer({ kind: 'change-number' })) attempt.link.answer('change-number');
  }

  /**
   * A new number for a backend that binds its verdict to the number it started (`restart`): the
   * old run ends without a word (no event; its SDK's refusals land nowhere) and a new flow starts
   * with the same names, as if the form had been sent with the new number, which it then shows.
   */
  private restart(raw: string, phoneNumber: string): void {
    this.end();
    this.dispatch({ type: 'edit', field: 'phone', value: raw });
    if (this.dispatch({ type: 'submit', now: Date.now() })) void this.start(phoneNumber);
  }

  resendLink(): void {
    const attempt = this.attempt;
    if (
      attempt &&
      this.dispatch({ type: 'resend-link', now: Date.now(), send: sendTiming(attempt.settings, attempt.possession) })
    ) {
      attempt.link.answer('resend');
    }
  }

  /** "Try again" after an error: the status call again (once a wait it was asked for is over), or a new flow. */
  retry(): void {
    const state = this.state;
    if (state.name !== 'error') return;
    if (state.retry !== 'status' || !this.attempt?.finish.waiting) return this.submit();
    if (state.retryAt && Date.now() < state.retryAt) return;
    this.dispatch({ type: 'finishing' });
    void this.checkStatus(this.attempt);
  }

  /**
   * The SDK's finish step. After a failed step the SDK reported, the failure says what the person
   * meets, unless it was Prove's own refusal (a code or send), whose verdict the backend has.
   */
  finish(attempt: FlowAttempt, failure?: SdkFailure): void {
    if (failure && failure.reason !== 'unknown' && failure.reason !== 'expired')
      return this.sdkFailed(attempt, failure);
    this.stopListening(attempt);
    this.dispatch({ type: 'finishing' });
    void this.checkStatus(attempt);
  }

  /**
   * The backend's verdict. While it answers 202 (Prove has no result yet) it is asked again after
   * 1, 2, 4 and 8 s, up to 30 s in all. `once`: a single question, for a lost status socket; with
   * no proven possession the link counts as expired, so the person can send a new one.
   */
  private async checkStatus(attempt: FlowAttempt, once = false): Promise<void> {
    const started = Date.now();
    for (let asked = 0; ; asked++) {
      let result: VerificationResult | undefined;
      try {
        result = await fetchVerificationResult(attempt.settings.backend, attempt.flowId, attempt.abort.signal);
      } catch (error) {
        if (!this.isCurrent(attempt)) return;
        if (once) return this.apply(attempt, linkExpired());
        return this.apply(
          attempt,
          error instanceof BackendError ? backendFailed(error, 'status', Date.now()) : statusFailed(error),
        );
      }
      if (!this.isCurrent(attempt)) return;
      // Once (the status socket was lost): only a phone that proved possession has a verdict worth showing.
      if (once && result?.possessionResult !== 'success') return this.apply(attempt, linkExpired());
      if (result) return this.showResult(attempt, result);
      const delay = PENDING_DELAYS_MS[Math.min(asked, PENDING_DELAYS_MS.length - 1)]!;
      if (Date.now() - started + delay > PENDING_LIMIT_MS) return this.apply(attempt, stillPending());
      await pause(attempt, delay);
      if (!this.isCurrent(attempt)) return;
    }
  }

  private showResult(attempt: FlowAttempt, result: VerificationResult): void {
    // The number Prove proved, as the backend names it; else the last one the person gave.
    const phoneNumber = result.phoneNumber ?? attempt.phoneNumber ?? '';
    const changed = phoneNumber !== attempt.startedWith;
    this.dispatch({ type: 'result', result, phoneNumber, changed });
    // The success screen names it, written as its country does once that country's plans are in.
    if (result.success && changed) {
      checkLoading(phoneNumber)
        .then(() => this.flow.host.requestUpdate())
        .catch(() => {});
    }
    if (result.success) emit(this.host, 'prove-verify-success', { result, phoneNumber });
    else emit(this.host, 'prove-verify-failure', { result });
    // The SDK may still wait (an Instant Link finished in another tab): nothing more is asked of it.
    if (!attempt.finish.answer()) attempt.sdk?.cancel();
    this.stopListening(attempt);
  }

  /** A landing page in another tab finished the Instant Link started here (a phone, desktop flow). */
  private linkFinishedElsewhere(attempt: FlowAttempt): void {
    const step = this.state.name;
    if (!this.isCurrent(attempt) || (step !== 'link-sending' && step !== 'link-waiting')) return;
    this.finish(attempt);
  }

  private sdkFailed(attempt: FlowAttempt, failure: SdkFailure): void {
    this.apply(
      attempt,
      sdkFailed(failure, { state: this.state, possession: attempt.possession, online: navigator.onLine }, Date.now()),
    );
  }

  /** Does what failures.ts answers for a failure of the current attempt. */
  private apply(attempt: FlowAttempt, outcome: FailureOutcome | undefined): void {
    if (!outcome || !this.isCurrent(attempt)) return;
    if (outcome.end) this.end();
    if (outcome.log) console[outcome.log.level](outcome.log.text);
    if (outcome.ask === 'online') attempt.linkWaitOver = true;
    this.dispatch(outcome.action);
    if (outcome.error) emit(this.host, 'prove-verify-error', outcome.error);
    if (outcome.ask === 'once') void this.checkStatus(attempt, true);
    if (outcome.ask === 'online') attempt.checkConnection?.();
  }

  /**
   * The clock's word that the code or link on screen has outlived its lifetime. With the
   * connection lost, the phone may have opened the link in time: the backend says so once it can
   * be asked (see askAfterLoss), before the link counts as expired.
   */
  private ranOut(state: FlowState): void {
    const attempt = this.attempt;
    if (!attempt) return;
    if (state.name === 'otp-entry') this.dispatch({ type: 'code-expired' });
    if ((state.name === 'link-sending' || state.name === 'link-waiting') && state.connection !== 'lost')
      this.apply(attempt, linkExpired());
  }

  /**
   * Desktop: watches the connection while the link is awaited. Offline, the screen says so at
   * once (Prove's SDK would notice only when its socket's ping goes unanswered, a minute later).
   * Once back online, or at once when the SDK's wait broke off while the page seems online, the
   * backend is asked for the result before anything else: the phone may have opened the link
   * meanwhile. Nothing is sent again by itself. Answers how to stop watching.
   */
  private watchConnection(attempt: FlowAttempt): () => void {
    const watching = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    let asking = false;
    const check = async () => {
      clearTimeout(retry);
      const state = this.state;
      if (
        asking ||
        !navigator.onLine ||
        !this.isCurrent(attempt) ||
        !('connection' in state) ||
        state.connection !== 'lost'
      )
        return;
      asking = true;
      const again = await this.askAfterLoss(attempt);
      asking = false;
      if (again !== undefined && !watching.signal.aborted) retry = setTimeout(() => void check(), again);
    };
    addEventListener('offline', () => this.isCurrent(attempt) && this.dispatch({ type: 'connection', lost: true }), {
      signal: watching.signal,
    });
    addEventListener('online', () => void check(), { signal: watching.signal });
    attempt.checkConnection = () => void check();
    return () => {
      watching.abort();
      clearTimeout(retry);
    };
  }

  /**
   * The status call after the connection was lost. A result is shown as ever, unless the SDK's
   * wait broke off and the phone proved nothing: the SDK's report of its broken wait may have
   * failed the flow at Prove, which says nothing of the person. With no result, the link counts as
   * expired once its time is over, the wait as interrupted once the SDK no longer waits (a new
   * link is offered, sent only when asked for); else the wait goes on. Answers when to ask again
   * (ms) when the backend could not be asked.
   */
  private async askAfterLoss(attempt: FlowAttempt): Promise<number | undefined> {
    let result: VerificationResult | undefined;
    try {
      result = await fetchVerificationResult(attempt.settings.backend, attempt.flowId, attempt.abort.signal);
    } catch (error) {
      if (!this.isCurrent(attempt) || !(error instanceof BackendError) || error.code === 'aborted') return undefined;
      if (error.status === 401 || error.status === 410)
        return void this.apply(attempt, backendFailed(error, 'status', Date.now()));
      return Math.max(RECHECK_MS, (error.retryAfter ?? 0) * 1000);
    }
    const state = this.state;
    if (!this.isCurrent(attempt) || (state.name !== 'link-sending' && state.name !== 'link-waiting')) return undefined;
    if (result && (!attempt.linkWaitOver || result.possessionResult === 'success')) {
      this.dispatch({ type: 'finishing' });
      this.showResult(attempt, result);
    } else if (Date.now() >= state.sends.expiresAt) {
      this.apply(attempt, linkExpired());
    } else if (attempt.linkWaitOver) {
      this.apply(attempt, interrupted());
    } else {
      this.dispatch({ type: 'connection', lost: false });
    }
    return undefined;
  }

  /** The possession type, without a wait once Prove's SDK has said whether this is a phone. */
  private possessionFor({ settings: { possessionType, sdk } }: FlowAttempt): PossessionType | Promise<PossessionType> {
    if (possessionType !== 'auto') return possessionType;
    const known = sdk ? undefined : mobileWebAnswer;
    if (known !== undefined) return known ? 'mobile' : 'desktop';
    return (sdk ?? proveAuthSdk).isMobileWeb().then((mobile) => (mobile ? 'mobile' : 'desktop'));
  }

  /** Starts a new attempt, ending any old one first; settings are copied so attribute changes wait. */
  private begin(): FlowAttempt {
    this.end();
    this.attempt = createAttempt(this.flow.settings());
    return this.attempt;
  }

  isCurrent(attempt: FlowAttempt): boolean {
    return this.attempt === attempt && this.host.isConnected;
  }

  dispatch(action: FlowAction): boolean {
    return this.flow.dispatch(action);
  }

  private stopListening(attempt: FlowAttempt): void {
    attempt.stopListening?.();
    attempt.stopListening = undefined;
  }

  /**
   * Ends the attempt (the controller's reset and cancel call it): a step waiting for the person is
   * refused, so the SDK reports the step's error to Prove (Prove's way to hear that the person
   * left); then the SDK is cancelled (closing its socket), fetches and waits are aborted. The SDK's
   * finish step that follows is ignored.
   */
  end(): void {
    const attempt = this.attempt;
    this.attempt = undefined;
    if (!attempt) return;
    const left = new Error('The person left this step');
    for (const step of [attempt.phone, attempt.code, attempt.link]) step.refuse(left);
    attempt.finish.drop();
    this.stopListening(attempt);
    attempt.abort.abort();
    attempt.sdk?.cancel();
  }
}
