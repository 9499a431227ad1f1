import { render } from 'lit';
import { BackendError, fetchVerificationResult, startVerification, type VerificationResult } from '../backend.js';
import { emit, type ProveVerifyErrorDetail } from '../events.js';
import { onInstantLinkFinished } from '../instant-link.js';
import { checkPhone, effectiveCountry, phoneRules } from '../phone.js';
import { PROVE_MOBILE_AUTH_HOSTS } from '../prove-hosts.js';
import { loadProveAuth, mobileWebAnswer, proveAuthSdk, toSdkFailure, type PossessionType, type SdkFailure } from '../sdk.js';
import type { FlowAction, SendTiming } from './actions.js';
import { createAttempt, pause, type FlowSettings, type FlowAttempt } from './attempt.js';
import { sdkSteps, type StepHost } from './sdk-steps.js';
import { BUSY_STATES, type ExpiredReason, type FlowState, type FormValues, type RetryTarget } from './state.js';
import { codeFrom, requestTextedCode, webOtpAvailable } from './web-otp.js';
import type { ViewContext } from '../ui/context.js';
import { stepView } from '../ui/steps.js';

export { stepStyles, stepView } from '../ui/steps.js';
// The controller fetches Prove's SDK as soon as the flow's code is in (see FlowController.load).
/**
 * Fetches Prove's SDK (and, when the element is to decide, asks whether this is a phone) as the
 * person reaches the form, so Verify never waits for either. A page's own SDK adapter is left alone.
 */
export function warmSdk({ sdk, possessionType }: FlowSettings): void {
  if (!sdk) (possessionType === 'auto' ? proveAuthSdk.isMobileWeb() : loadProveAuth()).catch(() => {});
}

/** The screens after Verify have been rendered once in this page (see `warmViews`). */
let viewsWarmed = false;

/**
 * Renders the screens that follow Verify (a code or a link being sent, then awaited) once a page,
 * into an element that is never shown, while the person is on the form: Lit prepares their
 * templates and the browser compiles their code then, not between Verify and the code input. It
 * waits for the phone rules (the screens format the number with them, and they complete English);
 * one screen per task, so typing is never held up for long.
 */
export function warmViews(ctx: ViewContext, values: FormValues): void {
  if (viewsWarmed || !phoneRules()) return;
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
  if (state.name === 'form') return root.querySelector<HTMLElement>('form input:not([type="hidden"]), form select, form textarea');
  // A step's own choice (the main action of a code that ran out while Resend had focus).
  const named = root.querySelector<HTMLElement>('[data-refocus]');
  if (named) return named;
  const heading = root.querySelector<HTMLElement>('h2');
  if (heading && !heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  return heading;
}

/** What the runner needs of the controller: the state, the one way to change it, and the element. */
export interface FlowHost {
  readonly state: FlowState;
  readonly host: HTMLElement;
  dispatch(action: FlowAction): boolean;
  settings(): FlowSettings;
  /** Renders again (the time left is read while rendering). */
  requestUpdate(): void;
}

/** How `fail` reports a failure: the error event's detail, and where "Try again" goes. */
interface Failure extends Omit<ProveVerifyErrorDetail, 'recoverable'> {
  retry: RetryTarget;
  /** False for set-up mistakes "Try again" cannot mend. */
  recoverable?: boolean;
}

/** Waits between status calls while the backend answers 202 (pending); the total stays under 30 s. */
const PENDING_DELAYS_MS = [1000, 2000, 4000, 8000];
const PENDING_LIMIT_MS = 30_000;
/** Prove's SDK says nothing of how long to wait after its HTTP 429. */
const SDK_RATE_LIMIT_WAIT_S = 10;
/** Waits between status calls while the connection seems back but the backend cannot be reached. */
const RECHECK_MS = 3000;

/**
 * Runs the effects of a flow once the person submits: backend calls, Prove's SDK, its deadlines,
 * and the events the page listens to. It is loaded with the first keystroke (or submit), so none
 * of it weighs on the first paint; state changes only through the controller's `dispatch`.
 */
export class FlowRunner implements StepHost {
  private attempt?: FlowAttempt;
  /** Re-renders the time left once a second while the step shows a deadline. */
  private ticker?: ReturnType<typeof setInterval>;
  /** The browser's WebOTP request for the code screen that shows; aborted when it goes. */
  private webOtp?: AbortController;

  constructor(private readonly flow: FlowHost) {
    // Escape does what Cancel does on the steps that show it (see `escape`); until a flow's code
    // is in, there is nothing to cancel.
    flow.host.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !e.defaultPrevented && !e.isComposing && this.escape()) e.preventDefault();
    });
  }

  get state(): FlowState {
    return this.flow.state;
  }

  private get host(): HTMLElement {
    return this.flow.host;
  }

  /** The element left the page: everything of the attempt ends. */
  disconnected(): void {
    this.teardown();
    this.syncTicker();
    this.stopWebOtp();
  }

  /**
   * Runs a flow the controller has just moved to `starting`, with the form already checked (the
   * controller validates first): `phoneNumber` is the number in E.164.
   */
  async start(phoneNumber: string): Promise<void> {
    const attempt = this.begin();
    const values = this.state.values;
    if (!attempt.settings.backend.baseUrl) {
      return this.fail(attempt, { code: 'config', message: 'The backend-url attribute is not set.', retry: 'start', recoverable: false });
    }
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
      const sdkRun = await (attempt.settings.sdk ?? proveAuthSdk).run(started.authToken, possession, sdkSteps(attempt, this));
      sdkRun.done.catch((error: unknown) => {
        // A cancelled attempt's rejections are expected and dropped.
        if (this.isCurrent(attempt)) this.sdkFailed(attempt, toSdkFailure(error, started.authToken));
      });
      if (!this.isCurrent(attempt)) return sdkRun.cancel();
      attempt.sdk = sdkRun;
    } catch (error) {
      if (!this.isCurrent(attempt)) return;
      if (error instanceof BackendError) return this.backendFailed(attempt, error, 'start');
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
    if (attempt?.code.waiting && this.dispatch({ type: 'resend-code', now: Date.now(), send: this.sendTiming(attempt) })) {
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
    this.teardown();
    this.dispatch({ type: 'reset', focus: 'phone' });
  }

  async submitPhone(raw: string): Promise<void> {
    const attempt = this.attempt;
    if (this.state.name !== 'phone-change' || !attempt) return;
    const { defaultCountry, countries } = attempt.settings;
    const country = effectiveCountry(this.state.values.country, defaultCountry, countries);
    const phone = await checkPhone(raw, country, countries).catch(() => ({ ok: false, error: 'phoneInvalid' }) as const);
    if (!this.isCurrent(attempt) || this.state.name !== 'phone-change') return;
    if (!phone.ok) {
      this.dispatch({ type: 'phone-invalid', error: phone.error });
      return;
    }
    // Whether the person asked for it or Prove refused the number: only the backend may change it.
    if (attempt.changeNumber !== 'in-flow') return this.restart(raw, phone.e164);
    // Prove now checks this number: it is the one a success verifies.
    attempt.phoneNumber = phone.e164;
    this.dispatch({ type: 'phone-submitted', phone: raw, send: this.sendTiming(attempt) });
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
    this.teardown();
    this.dispatch({ type: 'edit', field: 'phone', value: raw });
    if (this.dispatch({ type: 'submit', now: Date.now() })) void this.start(phoneNumber);
  }

  resendLink(): void {
    const attempt = this.attempt;
    if (attempt && this.dispatch({ type: 'resend-link', now: Date.now(), send: this.sendTiming(attempt) })) attempt.link.answer('resend');
  }

  /** "Try again" on the status call; false when it is the start that must be tried again. */
  retryStatus(): boolean {
    const state = this.state;
    if (state.name !== 'error' || state.retry !== 'status' || !this.attempt?.finish.waiting) return false;
    if (state.retryAt && Date.now() < state.retryAt) return true;
    this.dispatch({ type: 'finishing' });
    void this.checkStatus(this.attempt);
    return true;
  }

  /**
   * Stops a running flow and goes back to the form, keeping what was typed. On a number change
   * the person asked for, it goes back to the step they left instead: the flow goes on.
   */
  cancel(): void {
    if (this.dispatch({ type: 'back' })) return;
    const wasRunning = BUSY_STATES.has(this.state.name) || this.state.name === 'error';
    this.teardown();
    this.dispatch({ type: 'reset' });
    if (wasRunning) emit(this.host, 'prove-verify-cancel', {});
  }

  /**
   * Escape: what Cancel does, on the steps that show Cancel; nothing on the form, while a flow
   * starts, while the verdict is fetched, or on a result. Answers whether it cancelled.
   */
  escape(): boolean {
    const step = this.state.name;
    if (!BUSY_STATES.has(step) || step === 'starting' || step === 'verifying') return false;
    this.cancel();
    return true;
  }

  /** Back to the form from any state, keeping what was typed. */
  reset(): void {
    this.teardown();
    this.dispatch({ type: 'reset' });
  }

  sendTiming(attempt: FlowAttempt): SendTiming {
    const now = Date.now();
    const lifetime = attempt.possession === 'desktop' ? attempt.settings.linkLifetime : attempt.settings.codeLifetime;
    return { expiresAt: now + lifetime * 1000, resendAt: now + attempt.settings.resendAfter * 1000 };
  }

  /**
   * The SDK's finish step. After a failed step the SDK reported, the failure says what the person
   * meets, unless it was Prove's own refusal (a code or send), whose verdict the backend has.
   */
  finish(attempt: FlowAttempt, failure?: SdkFailure): void {
    if (failure && failure.reason !== 'unknown' && failure.reason !== 'expired') return this.sdkFailed(attempt, failure);
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
        if (once) return this.linkExpired(attempt);
        if (error instanceof BackendError) return this.backendFailed(attempt, error, 'status');
        return this.fail(attempt, { code: 'sdk', message: describe(error), retry: 'status' });
      }
      if (!this.isCurrent(attempt)) return;
      // Once (the status socket was lost): only a phone that proved possession has a verdict worth showing.
      if (once && result?.possessionResult !== 'success') return this.linkExpired(attempt);
      if (result) return this.showResult(attempt, result);
      const delay = PENDING_DELAYS_MS[Math.min(asked, PENDING_DELAYS_MS.length - 1)]!;
      if (Date.now() - started + delay > PENDING_LIMIT_MS) {
        return this.fail(attempt, { code: 'pending', message: 'The backend had no result after 30 seconds (HTTP 202).', retry: 'status' });
      }
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
      checkPhone(phoneNumber)
        .then(() => this.flow.requestUpdate())
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

  private backendFailed(attempt: FlowAttempt, error: BackendError, retry: RetryTarget): void {
    if (error.code === 'aborted') return;
    if (retry === 'status' && (error.status === 401 || error.status === 410)) {
      return this.expire(attempt, 'session', { code: 'expired', message: error.message, status: error.status });
    }
    // The backend refused this page's origin (CORS): a set-up mistake, which trying again cannot mend.
    if (error.code === 'origin') return this.fail(attempt, { code: 'integration', message: error.message, retry, recoverable: false });
    this.fail(attempt, {
      code: error.code,
      message: error.message,
      retry,
      ...(error.status ? { status: error.status } : {}),
      ...(error.retryAfter ? { retryAfter: error.retryAfter } : {}),
    });
  }

  /** Every way the SDK can end an attempt, each with its own message and way forward. */
  private sdkFailed(attempt: FlowAttempt, failure: SdkFailure): void {
    const prove = {
      ...(failure.proveCode !== undefined ? { proveCode: failure.proveCode } : {}),
      ...(failure.proveMessage ? { proveMessage: failure.proveMessage } : {}),
    };
    const detail = { message: failure.message, retry: 'start' as const, ...prove };
    if (this.linkWaitBrokeOff(failure)) return this.linkWaitBroke(attempt);
    switch (failure.reason) {
      case 'token-expired':
        return this.expire(attempt, 'session', { code: 'expired', ...detail });
      case 'expired':
        if (attempt.possession === 'desktop') return this.linkExpired(attempt);
        return this.expire(attempt, 'session', { code: 'expired', ...detail });
      case 'socket-lost':
        // The socket closed on another step (a number being changed): the backend knows whether the link was opened.
        this.dispatch({ type: 'finishing' });
        return void this.checkStatus(attempt, true);
      case 'rate-limited':
        return this.fail(attempt, { code: 'rate-limited', retryAfter: SDK_RATE_LIMIT_WAIT_S, ...detail });
      case 'prove-unavailable':
        return this.fail(attempt, { code: 'prove-unavailable', ...detail });
      case 'network':
        if (failure.proveOrigin) {
          const ws = failure.proveOrigin.replace(/^http/, 'ws');
          console.warn(
            `<prove-verify>: Prove's client API at ${failure.proveOrigin} could not be reached. If this page has a Content-Security-Policy, its connect-src must allow ${failure.proveOrigin} and ${ws}, and, for Mobile Auth on a phone, ${PROVE_MOBILE_AUTH_HOSTS.join(' ')}.`,
          );
        }
        return this.fail(attempt, { code: 'network', ...detail });
      case 'integration':
        console.error(`<prove-verify>: Prove's SDK refused the set-up: ${failure.message}`);
        return this.fail(attempt, { code: 'integration', recoverable: false, ...detail });
      case 'unknown':
        return this.fail(attempt, { code: 'sdk', ...detail });
    }
  }

  /**
   * The link's lifetime is over: the wait stops and its socket closes. The page hears of it as of
   * an expired session (`expired`, recoverable), so a stalled flow never goes unreported.
   */
  private linkExpired(attempt: FlowAttempt): void {
    this.expire(attempt, 'link', { code: 'expired', message: 'The Instant Link expired before it was opened.' });
  }

  /** The wait for the link broke off and the backend has no result: a new link is the person's to ask for. */
  private interrupted(attempt: FlowAttempt): void {
    this.expire(attempt, 'interrupted', {
      code: 'network',
      message: 'The connection was lost while the Instant Link was awaited, and the backend has no result.',
    });
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
      if (asking || !navigator.onLine || !this.isCurrent(attempt) || !('connection' in state) || state.connection !== 'lost') return;
      asking = true;
      const again = await this.askAfterLoss(attempt);
      asking = false;
      if (again !== undefined && !watching.signal.aborted) retry = setTimeout(() => void check(), again);
    };
    addEventListener('offline', () => this.isCurrent(attempt) && this.dispatch({ type: 'connection', lost: true }), { signal: watching.signal });
    addEventListener('online', () => void check(), { signal: watching.signal });
    attempt.checkConnection = () => void check();
    return () => {
      watching.abort();
      clearTimeout(retry);
    };
  }

  /**
   * Whether a failure broke off the wait for a link the phone may have: the status socket closed,
   * or a request failed with the connection after a link was sent, or while the page is offline.
   * A first send failing while the page is online (a Content-Security-Policy block, Prove out of
   * reach) sent nothing, and is a network error like any other.
   */
  private linkWaitBrokeOff({ reason }: SdkFailure): boolean {
    const state = this.state;
    if (state.name !== 'link-sending' && state.name !== 'link-waiting') return false;
    if (reason === 'socket-lost') return true;
    return reason === 'network' && (state.name === 'link-waiting' || !!state.resent || state.connection === 'lost' || !navigator.onLine);
  }

  /**
   * Prove's SDK stopped waiting for the link (its status socket closed, or a request failed with
   * the connection) and sends nothing more: the screen says the connection is lost, and the backend
   * is asked whether the phone opened the link as soon as the connection works.
   */
  private linkWaitBroke(attempt: FlowAttempt): void {
    attempt.linkWaitOver = true;
    this.dispatch({ type: 'connection', lost: true });
    attempt.checkConnection?.();
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
      if (error.status === 401 || error.status === 410) return void this.backendFailed(attempt, error, 'status');
      return Math.max(RECHECK_MS, (error.retryAfter ?? 0) * 1000);
    }
    const state = this.state;
    if (!this.isCurrent(attempt) || (state.name !== 'link-sending' && state.name !== 'link-waiting')) return undefined;
    if (result && (!attempt.linkWaitOver || result.possessionResult === 'success')) {
      this.dispatch({ type: 'finishing' });
      this.showResult(attempt, result);
    } else if (Date.now() >= state.sends.expiresAt) {
      this.linkExpired(attempt);
    } else if (attempt.linkWaitOver) {
      this.interrupted(attempt);
    } else {
      this.dispatch({ type: 'connection', lost: false });
    }
    return undefined;
  }

  private expire(attempt: FlowAttempt, reason: ExpiredReason, detail: Omit<ProveVerifyErrorDetail, 'recoverable'>): void {
    if (!this.isCurrent(attempt)) return;
    this.teardown();
    this.dispatch({ type: 'expired', reason });
    emit(this.host, 'prove-verify-error', { ...detail, recoverable: true });
  }

  /** The possession type, without a wait once Prove's SDK has said whether this is a phone. */
  private possessionFor({ settings: { possessionType, sdk } }: FlowAttempt): PossessionType | Promise<PossessionType> {
    if (possessionType !== 'auto') return possessionType;
    const known = sdk ? undefined : mobileWebAnswer;
    if (known !== undefined) return known ? 'mobile' : 'desktop';
    return (sdk ?? proveAuthSdk).isMobileWeb().then((mobile) => (mobile ? 'mobile' : 'desktop'));
  }

  private fail(attempt: FlowAttempt, { retry, recoverable = true, ...detail }: Failure): void {
    if (!this.isCurrent(attempt)) return;
    if (retry === 'start') this.teardown();
    const retryAt = detail.retryAfter ? Date.now() + detail.retryAfter * 1000 : undefined;
    this.dispatch({ type: 'failed', code: detail.code, status: detail.status, retry, retryAt, retryAfter: detail.retryAfter });
    emit(this.host, 'prove-verify-error', { ...detail, recoverable });
  }

  /** Starts a new attempt, ending any old one first; settings are copied so attribute changes wait. */
  private begin(): FlowAttempt {
    this.teardown();
    this.attempt = createAttempt(this.flow.settings());
    return this.attempt;
  }

  isCurrent(attempt: FlowAttempt): boolean {
    return this.attempt === attempt && this.host.isConnected;
  }

  /** Starts or stops the clock as the state wants it. */
  dispatch(action: FlowAction): boolean {
    const before = this.state;
    const changed = this.flow.dispatch(action);
    if (changed) {
      this.syncTicker();
      this.syncWebOtp(before);
    }
    return changed;
  }

  /**
   * Asks the browser (WebOTP) for the texted code each time a code screen comes up for a new code,
   * and submits what it reads; the request is aborted once the screen goes (a code submitted, a
   * resend, Cancel, the code expired) or the element leaves the page.
   */
  private syncWebOtp(before: FlowState): void {
    const state = this.state;
    if (state.name !== 'otp-entry' || state.expired || !this.attempt) return this.stopWebOtp();
    const newPrompt = before.name !== 'otp-entry' || before.prompt !== state.prompt;
    if (!newPrompt || !webOtpAvailable()) return;
    this.stopWebOtp();
    const asking = (this.webOtp = new AbortController());
    void requestTextedCode(asking.signal).then((code) => {
      if (this.webOtp !== asking) return;
      this.webOtp = undefined;
      if (code) this.submitCode(code);
    });
  }

  private stopWebOtp(): void {
    this.webOtp?.abort();
    this.webOtp = undefined;
  }

  private stopListening(attempt: FlowAttempt): void {
    attempt.stopListening?.();
    attempt.stopListening = undefined;
  }

  /**
   * Ends the attempt: a step waiting for the person is refused, so the SDK reports the step's error to
   * Prove (the seed's way to say the person left); then the SDK is cancelled (closing its socket),
   * fetches and waits are aborted. The SDK's finish step that follows is ignored.
   */
  private teardown(): void {
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

  /** Runs the once-a-second clock only while the step shows a deadline to come. */
  private syncTicker(): void {
    const state = this.state;
    const timed = 'sends' in state || (state.name === 'error' && (state.retryAt ?? 0) > Date.now());
    if (timed && this.host.isConnected) {
      this.ticker ??= setInterval(() => this.tick(), 1000);
    } else if (this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private tick(): void {
    const state = this.state;
    const attempt = this.attempt;
    const now = Date.now();
    if ('sends' in state && attempt && now >= state.sends.expiresAt) {
      if (state.name === 'otp-entry') this.dispatch({ type: 'code-expired' });
      // With the connection lost, the phone may have opened the link in time: the backend says so
      // once it can be asked (see askAfterLoss), before the link counts as expired.
      if ((state.name === 'link-sending' || state.name === 'link-waiting') && state.connection !== 'lost') return this.linkExpired(attempt);
    }
    this.syncTicker();
    this.flow.requestUpdate();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
