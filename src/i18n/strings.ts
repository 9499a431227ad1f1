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
  otpSending: (phone: string) => string;
  /** Prove's required copy for the "Verify your mobile" step (mobile): its title and summary. */
  otpTitle: string;
  otpIntro: (phone: string) => string;
  codeLabel: string;
  submitCode: string;
  checkingCode: string;
  codeTimeLeft: (time: string) => string;
  resendCode: string;
  /** A line of its own while the resend wait runs (`time`: m:ss), e.g. "A new code can be sent in 0:27." */
  resendCodeIn: (time: string) => string;
  /** Under the code field once the next wrong code ends the flow (Prove's last try). */
  codeLastTry: string;
  /** The code screen's help, a disclosure: its summary, then what to check and do. */
  codeHelpTitle: string;
  codeHelpNumber: (phone: string) => string;
  codeHelpWait: string;
  /** Names the screen's buttons, by their labels (`resend`, `change`), while sends are left. */
  codeHelpActions: (resend: string, change: string) => string;
  sendNewCode: string;
  codeSendsLeft: (n: number) => string;
  codeNoSendsLeft: string;
  changeNumber: string;
  phoneChangeTitle: string;
  sendCode: string;
  sendLink: string;
  linkSending: (last4: string) => string;
  /** Prove's required copy for the "Verify your mobile" step (desktop): its title and summary. */
  linkTitle: string;
  linkIntro: (last4: string) => string;
  linkTimeLeft: (time: string) => string;
  resendLink: string;
  /** A line of its own while the resend wait runs (`time`: m:ss), e.g. "A new link can be sent in 0:27." */
  resendLinkIn: (time: string) => string;
  linkSendsLeft: (n: number) => string;
  linkNoSendsLeft: string;
  linkExpiredTitle: string;
  linkExpiredBody: string;
  sendNewLink: string;
  /** Under the link wait's intro: the page needs nothing more from the person. */
  linkKeepOpen: string;
  /** Shown and said once when the connection drops during the link wait. */
  connectionLost: string;
  /** Said once when the connection is back and the backend has no result yet: the wait goes on. */
  connectionBack: string;
  /** The wait for the link broke off with the connection, and the backend had no result. */
  linkInterruptedTitle: string;
  linkInterruptedBody: string;
  differentNumber: string;
  cancel: string;
  verifying: string;
  successTitle: string;
  successBody: string;
  /**
   * After `successBody` when the number verified is not the one the flow started with (the
   * person changed it): it names the number, which is kept on one line.
   */
  verifiedNumber: (phone: string) => string;
  failureTitle: string;
  /** Possession proven, but the details did not match the phone's owner. */
  failureBody: string;
  failurePossessionBody: string;
  failureCodeBody: string;
  failureSendBody: string;
  /** Prove refused the details at the start, before any code or link was sent. */
  failureStartBody: string;
  startAgain: string;
  tryAgain: string;
  expiredTitle: string;
  expiredBody: string;
  /** A wait the backend asked for; `time` is m:ss on screen, words ("3 seconds", "4 minutes") for screen readers. */
  waitFor: (time: string) => string;
  /** Said politely once that wait is over. */
  waitOver: string;
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
  phoneHintFor: (country: string, callingCode: string) => string;
  /** The phone's messages naming its country (the plain `messages` ones when no country is known). */
  phoneTooShortFor: (country: string) => string;
  phoneTooLongFor: (country: string) => string;
  phoneNotAllowedFrom: (country: string) => string;
  /** States the code's length (`otp-length`) under the code field, e.g. "Enter the 4-digit code." */
  codeLength: (digits: number) => string;
  /** What the code-checking step says, with the code being checked (typed, pasted or read from the text). */
  codeChecked: (code: string) => string;
  /** Read before a field's error, visually hidden (the screen shows an icon), e.g. "Error:". */
  errorPrefix: string;
}

/** The words the form needs before the flow's code loads; English carries only these in the first paint. */
type FirstPaintKey =
  | 'title'
  | 'intro'
  | 'firstName'
  | 'lastName'
  | 'phone'
  | 'phoneHint'
  | 'submit'
  | 'verifyFirst'
  | 'submitting'
  | 'tryAgain';

/** The failure the form can show before the flow's code is in: that code did not load. */
type FirstPaintError = 'load';

export type FirstPaintStrings = Pick<Strings, FirstPaintKey> & { errors: Pick<Strings['errors'], FirstPaintError> };

/** The rest: it comes with the flow's code (see `completeEnglish`). */
export type LaterStrings = Omit<Strings, FirstPaintKey | 'errors'> & {
  errors: Omit<Strings['errors'], FirstPaintError>;
};

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
