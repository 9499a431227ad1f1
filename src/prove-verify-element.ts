import { LitElement, adoptStyles, html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { FlowController } from './flow/controller.js';
import { lazyLoaded } from './flow/lazy-loader.js';
import type { FlowState } from './flow/state.js';
import { onForm } from './flow/steps.js';
import { LanguageController } from './i18n/language-controller.js';
import type { StringOverrides } from './i18n/strings.js';
import type { ProveSdk } from './sdk.js';
import { proveAuthSource } from './sdk-source.js';
import { readSettings } from './settings.js';
import { styles } from './styles.js';
import { announcement } from './ui/announcement.js';
import { detailsForm } from './ui/details-form.js';

export type { FlowState, StepName } from './flow/state.js';
export type { VerificationResult } from './backend.js';
export type { ProveSdk, FlowSteps, SdkRun } from './sdk.js';
// The events' types only: `emit` is the element's own plumbing, not API.
export type {
  ProveVerifyEventMap,
  ProveVerifyStepDetail,
  ProveVerifyResultDetail,
  ProveVerifySuccessDetail,
  ProveVerifyErrorDetail,
} from './events.js';
export { registerLanguage } from './i18n/registry.js';
export type { Strings, StringOverrides } from './i18n/strings.js';

/**
 * Runs Prove's Verified Users flow: name and phone, a code (mobile) or an Instant Link (desktop),
 * and the result from the site's backend.
 *
 * @event {CustomEvent<ProveVerifyStepDetail>} prove-verify-step - The flow moved to another step. `detail: {step}`.
 * @event {CustomEvent<ProveVerifySuccessDetail>} prove-verify-success - The backend says the phone is verified.
 * `detail: {result, phoneNumber}`, the verified number in E.164.
 * @event {CustomEvent<ProveVerifyResultDetail>} prove-verify-failure - The backend says it is not. `detail: {result}`.
 * @event {CustomEvent<ProveVerifyErrorDetail>} prove-verify-error - Something failed;
 * `detail: {code, message, recoverable, status?, retryAfter?, proveCode?, proveMessage?}`.
 * @event {CustomEvent<Record<string, never>>} prove-verify-cancel - The person cancelled a running flow.
 *
 * @csspart form - The form or panel of the current step.
 * @csspart title - The heading of the current step.
 * @csspart field - A label, input, hint and error group.
 * @csspart label - A field's label.
 * @csspart input - A text input.
 * @csspart code-input - The code input.
 * @csspart hint - A field's hint.
 * @csspart field-error - A field's error message.
 * @csspart alert - An error message: a failure's box (its words in role="alert"), or the code field's refusal.
 * @csspart help - The code screen's "Didn't get the text?" disclosure (a `details` element).
 * @csspart status - A progress or notice message.
 * @csspart button - Every button.
 * @csspart submit - The main button of a step.
 * @csspart result - The success, failure, expired or status-error panel
 * (also `success`, `failure`, `expired`, `error`).
 * @csspart spinner - The waiting indicator.
 * @csspart progress - The panel of a progress step (sending a code, checking it, checking the result).
 * @csspart icon - The success, failure, expired or error icon of a result.
 * @csspart country - The country selector's box (shown when more than one country is allowed).
 *
 * @slot consent - Under the form's fields: the carrier-consent text some integrators must show before Verify.
 *
 * @cssproperty --prove-verify-accent - Buttons, focus rings.
 * @cssproperty --prove-verify-accent-text - Text on the main button.
 * @cssproperty --prove-verify-danger - Errors.
 * @cssproperty --prove-verify-color - Text.
 * @cssproperty --prove-verify-border-color - Input borders.
 * @cssproperty --prove-verify-input-background - Input background.
 * @cssproperty --prove-verify-radius - Corner radius.
 * @cssproperty --prove-verify-font - Font shorthand.
 * @cssproperty --prove-verify-max-width - Width limit.
 * @cssproperty --prove-verify-accent-hover - The main button's background under the pointer.
 * @cssproperty --prove-verify-success - The success icon.
 * @cssproperty --prove-verify-space - Spacing unit between blocks (default `1em`).
 * @cssproperty --prove-verify-background - The element's background; unset, transparent unless `theme` is set.
 * @cssproperty --prove-verify-min-height - Least height of every step's panel, so steps don't jump
 * (default `23em`, the form's).
 */
export class ProveVerifyElement extends LitElement {
  static override styles = styles;

  // Lit's options for each property, in one table: decorators (a call per property, and Lit's
  // decorator code) would weigh 0.4 KB gzip more in the first paint.
  static override properties: PropertyDeclarations = {
    backendUrl: { attribute: 'backend-url' },
    verifyPath: { attribute: 'verify-path' },
    statusPath: { attribute: 'status-path' },
    possessionType: { attribute: 'possession-type' },
    finalTargetUrl: { attribute: 'final-target-url' },
    firstName: { attribute: 'first-name' },
    lastName: { attribute: 'last-name' },
    phone: {},
    timeout: { type: Number },
    codeLifetime: { attribute: 'code-lifetime', type: Number },
    linkLifetime: { attribute: 'link-lifetime', type: Number },
    resendAfter: { attribute: 'resend-after', type: Number },
    credentials: {},
    theme: { reflect: true },
    defaultCountry: { attribute: 'default-country' },
    countries: {},
    otpLength: { attribute: 'otp-length', type: Number },
    strings: { attribute: false },
    sdk: { attribute: false },
    sdkSrc: { attribute: 'sdk-src' },
    name: { reflect: true },
    required: { type: Boolean },
  };

  /** Base URL of your backend that implements the contract, e.g. `/api`. Required. */
  backendUrl = '';

  /** Path of the start call under `backend-url`. */
  verifyPath = '/verify';

  /** Path of the result call under `backend-url`. */
  statusPath = '/verify-status';

  /** `auto` asks Prove's SDK whether this is a mobile browser; `mobile` or `desktop` force it. */
  possessionType: 'auto' | 'mobile' | 'desktop' = 'auto';

  /** Where the Instant Link sends the phone after it is opened (desktop flow). */
  finalTargetUrl = '';

  /** Prefills the first name. */
  firstName = '';

  /** Prefills the last name. */
  lastName = '';

  /** Prefills the phone number. */
  phone = '';

  /** Milliseconds to wait for each backend answer. */
  timeout = 15000;

  /** Seconds a texted code can be used (Prove's: 120); the code screen counts down. */
  codeLifetime = 120;

  /** Seconds an Instant Link can be opened (Prove's: 180); the wait counts down, then stops. */
  linkLifetime = 180;

  /** Seconds before a code or link can be sent again. */
  resendAfter = 30;

  /** `fetch` credentials mode for backend calls: `same-origin`, `include` or `omit`. */
  credentials: RequestCredentials = 'same-origin';

  /** `light` or `dark` forces the colours; unset follows the page's `color-scheme`. */
  theme?: 'light' | 'dark';

  /** The country a number without `+` belongs to (ISO 3166 code, e.g. `US`, `GB`). */
  defaultCountry = 'US';

  /** The countries a number may belong to, e.g. `US,CA,GB`; empty allows any. */
  countries = '';

  /** Digits in a texted code, 4 to 6 (Prove's sandbox: 4). */
  otpLength = 4;

  /**
   * Your words in place of any of the element's, in the language shown, e.g.
   * `{submit: 'Continue', messages: {codeWrong: '…'}}`. Strings that take values are functions.
   */
  strings?: StringOverrides;

  /**
   * The Prove SDK adapter; unset means Prove's own SDK, loaded when a flow starts. Replace it only
   * to test or to wrap the SDK; attributes cannot set it.
   */
  sdk?: ProveSdk;

  /**
   * Where to load Prove's SDK file (`prove-auth.js`, unmodified) from, for a page that serves it
   * itself; unset, the copy beside this script (CDN) or your bundle's. One per page: the SDK loads once.
   */
  sdkSrc = '';

  private readonly flow = new FlowController(this, () => readSettings(this));

  private readonly language = new LanguageController(this, () => this.strings);

  /**
   * In a `<form>`, with a `name`, the element submits the verified number (E.164: the one Prove
   * proved, as `prove-verify-success` names it) once a flow has succeeded, and nothing before;
   * `required` holds the form back until then.
   */
  static formAssociated = true;
  private readonly internals = this.attachInternals();

  /** The name the verified number is submitted under, as a form control's (the attribute is what the browser reads). */
  name?: string;

  /** The form may not be submitted until the number is verified. */
  required = false;

  // As a native control answers them.
  get form(): HTMLFormElement | null {
    return this.internals.form;
  }
  get validity(): ValidityState {
    return this.internals.validity;
  }
  get validationMessage(): string {
    return this.internals.validationMessage;
  }
  checkValidity(): boolean {
    return this.internals.checkValidity();
  }
  reportValidity(): boolean {
    return this.internals.reportValidity();
  }

  private focusedVersion = 0;
  /** How many of the later style sheets are adopted. */
  private laterStyles = 0;
  /** Focus was inside the element when the update began (see `updated`). */
  private hadFocus = false;

  /** The current step, e.g. `form`, `otp-entry`, `success`. */
  get step(): FlowState['name'] {
    return this.flow.state.name;
  }

  /** Back to the form (what was typed is kept), ending any running flow. */
  reset(): void {
    this.flow.reset();
  }

  /** Ends a running flow and fires `prove-verify-cancel`. */
  cancel(): void {
    this.flow.cancel();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // The phone field's and the later steps' styles come with their code: add them to the
    // element's own as each arrives.
    const later = [lazyLoaded()?.phoneFieldStyles, this.flow.viewStyles].filter((s) => s !== undefined);
    if (later.length > this.laterStyles && this.shadowRoot) {
      adoptStyles(this.shadowRoot, [...(this.constructor as typeof LitElement).elementStyles, ...later]);
      this.laterStyles = later.length;
    }
    this.hadFocus = this.matches(':focus-within');
    if (this.sdkSrc) proveAuthSource.url = this.sdkSrc;
    if (changed.has('firstName') || changed.has('lastName') || changed.has('phone')) {
      this.flow.prefill({
        firstName: changed.has('firstName') ? this.firstName : undefined,
        lastName: changed.has('lastName') ? this.lastName : undefined,
        phone: changed.has('phone') ? this.phone : undefined,
      });
    }
  }

  protected override render() {
    const state = this.flow.state;
    const t = this.language.strings;
    const ctx = { t, now: Date.now(), config: { ...readSettings(this), lang: this.language.lang } };
    // The form calls the controller; the later steps, the runner that comes with their views.
    const actions = this.flow.actions;
    const steps = actions && { ...ctx, actions };
    if (steps) this.flow.warm?.(steps, state.values);
    return html`${onForm(state) ? detailsForm(state, { ...ctx, actions: this.flow }) : ((steps && this.flow.views?.(state, steps)) ?? nothing)}
      <p class="visually-hidden" role="status">${announcement(state, t)}</p>`;
  }

  /**
   * The form was reset: back to the form, with the attributes' values (or empty fields).
   * @internal the browser calls it; use `reset()`.
   */
  formResetCallback(): void {
    this.flow.reset();
    this.flow.prefill({ firstName: this.firstName, lastName: this.lastName, phone: this.phone });
  }

  protected override updated(): void {
    const state = this.flow.state;
    const verified = state.name === 'success' ? (state.phoneNumber ?? null) : null;
    const root = this.shadowRoot!;
    // The step's main control (a field with an error, the code input, a progress step's heading).
    const main = root.querySelector<HTMLElement>('[data-autofocus]');
    this.internals.setFormValue(verified);
    // Anchored to a control that takes focus (the step's main one, else its first), so a host
    // form's refused submit focuses the element and shows the message there, on every step.
    this.internals.setValidity(
      this.required && !verified ? { valueMissing: true } : {},
      this.language.strings.verifyFirst,
      main ?? root.querySelector<HTMLElement>('input:enabled,select:enabled,button,[tabindex]') ?? undefined,
    );
    // Focus follows the flow (never on page load, never while typing).
    if (this.flow.focusVersion === this.focusedVersion) return;
    this.focusedVersion = this.flow.focusVersion;
    // A step that names no control, after the one that had focus went away (Cancel, Escape, "Start
    // again"): the form's first field or the step's heading, never the page's body. Focus the page
    // holds elsewhere stays there.
    const target = main ?? (this.hadFocus && !root.activeElement ? this.flow.refocus?.(root, this.flow.state) : null);
    if (!target) return;
    // Focusing the focused field again says nothing; blurring first makes a screen reader read
    // it anew, with the error it is now described by.
    if (root.activeElement === target) target.blur();
    target.focus();
  }
}
