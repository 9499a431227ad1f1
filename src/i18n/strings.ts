import type { ErrorCode, MessageKey } from '../flow/state.js';

/**
 * Every word the element shows. A language is one object of this shape; strings that take values
 * are functions, so each language places and inflects them itself.
 */
export interface Strings {
  title: string;
  intro: string;
  firstName: string;
  lastName: string;
  phone: string;
  /** The phone's hint before its own field (and the country's name) loads with the person's first focus. */
  phoneHint: string;
  submit: string;
  /** Why a form with a `required` element cannot be sent yet (the browser shows it). */
  verifyFirst: string;
  submitting: string;
  otpSending(phone: string): string;
  /** Prove's required copy for the "Verify your mobile" step (mobile): its title and summary. */
  otpTitle: string;
  otpIntro(phone: string): string;
  codeLabel: string;
  submitCode: string;
  checkingCode: string;
  codeTimeLeft(time: string): string;
  resendCode: string;
  resendCodeIn(time: string): string;
  sendNewCode: string;
  codeSendsLeft(n: number): string;
  codeNoSendsLeft: string;
  changeNumber: string;
  phoneChangeTitle: string;
  sendCode: string;
  sendLink: string;
  linkSending(last4: string): string;
  /** Prove's required copy for the "Verify your mobile" step (desktop): its title and summary. */
  linkTitle: string;
  linkIntro(last4: string): string;
  linkTimeLeft(time: string): string;
  resendLink: string;
  resendLinkIn(time: string): string;
  linkSendsLeft(n: number): string;
  linkNoSendsLeft: string;
  linkExpiredTitle: string;
  linkExpiredBody: string;
  sendNewLink: string;
  differentNumber: string;
  cancel: string;
  verifying: string;
  successTitle: string;
  successBody: string;
  /**
   * After `successBody` when the number verified is not the one the flow started with (the
   * person changed it): it names the number, which is kept on one line.
   */
  verifiedNumber(phone: string): string;
  failureTitle: string;
  /** Possession proven, but the details did not match the phone's owner. */
  failureBody: string;
  failurePossessionBody: string;
  failureCodeBody: string;
  failureSendBody: string;
  startAgain: string;
  tryAgain: string;
  expiredTitle: string;
  expiredBody: string;
  waitFor(time: string): string;
  /** Headings of the progress steps (sending a code, checking it, checking the result) and their wait text. */
  otpSendingTitle: string;
  checkingTitle: string;
  verifyingTitle: string;
  progressBody: string;
  /** Heading of the step where the result could not be fetched from the backend. */
  statusErrorTitle: string;
  messages: Record<MessageKey, string>;
  errors: Record<ErrorCode, string>;
  /** The accessible name of the phone number's country selector. */
  countryLabel: string;
  /** The phone hint for the country a national number belongs to; `callingCode` (`+44`) may be empty until known. */
  phoneHintFor(country: string, callingCode: string): string;
  /** The phone's messages naming its country (the plain `messages` ones when no country is known). */
  phoneTooShortFor(country: string): string;
  phoneTooLongFor(country: string): string;
  phoneNotAllowedFrom(country: string): string;
  /** States the code's length (`otp-length`) under the code field, e.g. "Enter the 4-digit code." */
  codeLength(digits: number): string;
  /** What the code-checking step says, with the code being checked (typed, pasted or read from the text). */
  codeChecked(code: string): string;
}

/** The words the form needs before the flow's code loads; English carries only these in the first paint. */
export type FirstPaintKey = 'title' | 'intro' | 'firstName' | 'lastName' | 'phone' | 'phoneHint' | 'submit' | 'verifyFirst' | 'submitting' | 'tryAgain';

/** The failure the form can show before the flow's code is in: that code did not load. */
type FirstPaintError = 'load';

export type FirstPaintStrings = Pick<Strings, FirstPaintKey> & { errors: Pick<Strings['errors'], FirstPaintError> };

/** The rest: it comes with the flow's code (see `completeEnglish`). */
export type LaterStrings = Omit<Strings, FirstPaintKey | 'errors'> & { errors: Omit<Strings['errors'], FirstPaintError> };

/** What a page may override: any string, and any message or error on its own. */
export type StringOverrides = Partial<Omit<Strings, 'messages' | 'errors'>> & {
  messages?: Partial<Strings['messages']>;
  errors?: Partial<Strings['errors']>;
};

/** Time left as m:ss, never below zero. */
export function timeLeft(until: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((until - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
