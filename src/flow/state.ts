import type { PossessionType, VerificationResult } from '../backend.js';
import type { Sends } from './sends.js';

/** What the person typed; it travels with every state so nothing is ever lost. */
export interface FormValues {
  firstName: string;
  lastName: string;
  phone: string;
  /**
   * The country chosen for a national number (ISO 3166, e.g. `GB`); unset: `default-country`.
   * Optional so values with no country (`emptyValues()`, the attributes' prefill) stay valid.
   */
  country?: string;
}

export type FieldName = keyof FormValues;
export type FieldErrors = Partial<Record<FieldName, MessageKey>>;

export type { PossessionType };

/** Keys of the string table; states carry keys, the element turns them into words. */
export type MessageKey =
  | 'required'
  | 'tooLong'
  | 'nameHiddenCharacters'
  | 'phoneInvalid'
  | 'phoneTooShort'
  | 'phoneTooLong'
  | 'phoneNotAllowed'
  | 'codeRequired'
  | 'codeIncomplete'
  | 'codeWrong'
  | 'codeExpired'
  | 'codeSent'
  | 'linkSent'
  | 'phoneRejected';

/**
 * `prove-verify-error`'s `code`. The backend's: `network`, `timeout`, `http`, `malformed`,
 * `rate-limited`, `unavailable` (HTTP 503: it cannot answer for a moment), `pending` (no result in
 * time). Prove's SDK's: `network` too (offline or a CSP block), `rate-limited`,
 * `prove-unavailable`, `expired` (the authToken), `integration` (a set-up mistake in the page),
 * `sdk` (anything else). `integration` too when the backend, on another origin, refuses this page's
 * origin (CORS: the backend is there, the browser online), a set-up mistake like the SDK's, with
 * the same words, no "Try again", and the details in the console; a backend that cannot be reached
 * at all stays `network`. `config`: no `backend-url`. `load`: the element's own code (the flow's
 * chunk, the phone rules or a numbering plan) did not load, so nothing was sent.
 */
export type ErrorCode =
  | 'network'
  | 'load'
  | 'timeout'
  | 'http'
  | 'malformed'
  | 'rate-limited'
  | 'unavailable'
  | 'pending'
  | 'prove-unavailable'
  | 'expired'
  | 'integration'
  | 'sdk'
  | 'config';

/** Where "Try again" goes back to: the start of the flow, or the status call. */
export type RetryTarget = 'start' | 'status';

interface Base {
  values: FormValues;
}

/**
 * Which part of the flow a failure came from, so the person is told what happened; `start`: Prove
 * refused the details at the start, before any code or link was sent.
 */
type FailureCause = 'code' | 'send' | 'start';

/** The connection while a link is awaited, after it was lost (see the link states). */
type Connection = 'lost' | 'back';

/**
 * What ran out: the whole flow (authToken, backend session) or the Instant Link; `interrupted`:
 * the wait for the link broke off with the connection, and the backend has no result.
 */
export type ExpiredReason = 'session' | 'link' | 'interrupted';

export type FlowState =
  // `focus`: the field to take focus (the phone, for "Use a different number").
  | (Base & { name: 'form'; errors: FieldErrors; focus?: FieldName })
  | (Base & { name: 'starting' })
  | (Base & { name: 'otp-sending'; possession: 'mobile'; sends: Sends; resent?: boolean })
  // `prompt` counts the SDK's requests for a code: each new one gets a fresh, empty input.
  // `expired`: the code outlived its lifetime; only a new one helps. `error`: what Prove said of the
  // last code, or a check of the one typed; unset when the clock alone ran the code out (the person
  // did nothing, so focus stays where it is). `lastTry`: the next wrong code ends the flow.
  | (Base & {
      name: 'otp-entry';
      possession: 'mobile';
      sends: Sends;
      prompt: number;
      expired: boolean;
      message?: MessageKey;
      error?: MessageKey;
      lastTry?: boolean;
    })
  // `code`: the code being checked, kept in view (typed, pasted or read by WebOTP).
  | (Base & { name: 'otp-checking'; possession: 'mobile'; sends: Sends; prompt: number; code: string })
  // `back`: the code screen or link wait the person left to change the number, where Cancel returns.
  | (Base & { name: 'phone-change'; possession: PossessionType; sends: Sends; error?: MessageKey; back?: FlowState })
  // `connection`: `lost` when the page went offline or the status socket closed while the link is
  // awaited (the backend is asked for the result once it is back); `back` when the backend then
  // had none yet and the wait goes on.
  | (Base & { name: 'link-sending'; possession: 'desktop'; sends: Sends; resent?: boolean; connection?: Connection })
  | (Base & {
      name: 'link-waiting';
      possession: 'desktop';
      sends: Sends;
      canResend: boolean;
      message?: MessageKey;
      connection?: Connection;
    })
  | (Base & { name: 'verifying'; cause?: FailureCause })
  // `phoneNumber`: the verified number in E.164, what a form the element is in submits;
  // `changed`: it is not the one the flow started with, so the screen names it.
  | (Base & { name: 'success'; result: VerificationResult; phoneNumber?: string; changed?: boolean })
  | (Base & { name: 'failure'; result: VerificationResult; cause?: FailureCause })
  // `retryAt`: the backend or Prove asked to wait (HTTP 429 Retry-After) until then; `retryAfter`:
  // that wait, in seconds, as it is said (once) to screen readers.
  | (Base & {
      name: 'error';
      code: ErrorCode;
      status?: number;
      retry: RetryTarget;
      retryAt?: number;
      retryAfter?: number;
    })
  | (Base & { name: 'expired'; reason: ExpiredReason });

export type StepName = FlowState['name'];

export const emptyValues = (): FormValues => ({ firstName: '', lastName: '', phone: '' });

export const initialState = (values: FormValues = emptyValues()): FlowState => ({
  name: 'form',
  values,
  errors: {},
});
