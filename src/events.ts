import type { VerificationResult } from './backend.js';
import type { ErrorCode, StepName } from './flow/state.js';

export interface ProveVerifyStepDetail {
  step: StepName;
}
export interface ProveVerifyResultDetail {
  /** The backend's status answer. The backend, not this event, is the source of truth. */
  result: VerificationResult;
}
export interface ProveVerifySuccessDetail extends ProveVerifyResultDetail {
  /**
   * The verified number, in E.164 (what a form the element is in submits): the verdict's
   * `phoneNumber`, the number Prove proved, when the backend names it (prove-verify-server always
   * does); else the number the person typed last (the form's, or the one they changed to), which
   * the backend then did not confirm. Your server's own verdict, not this event, is what to trust.
   */
  phoneNumber: string;
}
export interface ProveVerifyErrorDetail {
  code: ErrorCode;
  /** A technical description for developers; never contains what the person typed. */
  message: string;
  /** True when "Try again" can recover; false for set-up mistakes. */
  recoverable: boolean;
  /** HTTP status, for `http`, `rate-limited`, `unavailable` and `expired` errors from the backend. */
  status?: number;
  /**
   * `rate-limited`, and `unavailable` when the backend sent one: seconds to wait before trying
   * again (the answer's `Retry-After`).
   */
  retryAfter?: number;
  /** Prove's own error code, when Prove's SDK passed one on. */
  proveCode?: number | string;
  /** Prove's own error message, when Prove's SDK passed one on. Untrusted text: never render it as HTML. */
  proveMessage?: string;
}

export interface ProveVerifyEventMap {
  'prove-verify-step': CustomEvent<ProveVerifyStepDetail>;
  'prove-verify-success': CustomEvent<ProveVerifySuccessDetail>;
  'prove-verify-failure': CustomEvent<ProveVerifyResultDetail>;
  'prove-verify-error': CustomEvent<ProveVerifyErrorDetail>;
  'prove-verify-cancel': CustomEvent<Record<string, never>>;
}

type DetailOf<K extends keyof ProveVerifyEventMap> = ProveVerifyEventMap[K]['detail'];

/** Every event leaves the shadow root and bubbles, so a page can listen on any ancestor. */
export function emit<K extends keyof ProveVerifyEventMap>(target: EventTarget, type: K, detail: DetailOf<K>): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

declare global {
  interface HTMLElementEventMap extends ProveVerifyEventMap {}
}
