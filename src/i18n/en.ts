import type { ErrorCode, MessageKey } from '../flow/state.js';

/** Every word the element shows. Other languages implement the same shape. */
export const en = {
  title: 'Verify your phone number',
  intro: 'We will text you to check that this phone is yours.',
  firstName: 'First name',
  lastName: 'Last name',
  phone: 'Phone number',
  phoneHint: 'Mobile number, e.g. (201) 555-0123',
  submit: 'Verify',
  submitting: 'Starting…',
  otpSending: 'Sending a code to {phone}…',
  // Prove's required copy for the "Verify your mobile" step.
  otpTitle: 'Enter verification code',
  otpIntro: 'Please enter the code we just sent to {phone}.',
  codeLabel: 'Verification code',
  submitCode: 'Confirm code',
  checkingCode: 'Checking…',
  codeTimeLeft: 'The code expires in {time}.',
  resendCode: 'Resend code',
  resendCodeIn: 'Resend code in {time}',
  sendNewCode: 'Send a new code',
  codeSendsLeft: (n: number) => (n === 1 ? 'You can ask for a new code once more.' : `You can ask for a new code ${n} more times.`),
  codeNoSendsLeft: 'No more codes can be sent in this verification. Start again to get a new one.',
  changeNumber: 'Change number',
  phoneChangeTitle: 'Use another phone number',
  sendCode: 'Send code',
  sendLink: 'Send link',
  linkSending: 'A text message with a link is being sent to the phone ending in {last4}. Open the link on your phone to continue.',
  // Prove's required copy for the "Verify your mobile" step.
  linkTitle: 'Check your Phone',
  linkIntro: 'A text message with a link was just sent to the phone ending in {last4}. Open the link on your phone to continue.',
  linkTimeLeft: 'The link expires in {time}.',
  resendLink: 'Resend link',
  resendLinkIn: 'Resend link in {time}',
  linkSendsLeft: (n: number) => (n === 1 ? 'You can ask for a new link once more.' : `You can ask for a new link ${n} more times.`),
  linkNoSendsLeft: 'No more links can be sent in this verification. Start again to get a new one.',
  linkExpiredTitle: 'The link expired',
  linkExpiredBody: 'The link in the text message can no longer be used. Send a new link, or use a different number.',
  sendNewLink: 'Send a new link',
  differentNumber: 'Use a different number',
  cancel: 'Cancel',
  verifying: 'Checking the result…',
  successTitle: 'Phone number verified',
  successBody: 'Thank you, your phone number is confirmed.',
  failureTitle: "We couldn't verify this phone number",
  failureBody: 'The details did not match what the carrier knows about this phone. Check them and try again.',
  failurePossessionBody: "We couldn't confirm that this phone is with you: the code or link was not used in time, or too many tries failed. Start again to get a new one.",
  failureCodeBody: "That code didn't work, and no more tries are allowed. Start again to get a new code.",
  failureSendBody: 'No more codes or links can be sent in this verification. Start again to get a new one.',
  startAgain: 'Start again',
  tryAgain: 'Try again',
  expiredTitle: 'This verification expired',
  expiredBody: 'Codes and links only work for a few minutes. Start again to get a new one.',
  messages: {
    required: 'This field is required.',
    tooLong: 'This is too long.',
    phoneInvalid: 'Enter a valid phone number.',
    phoneTooShort: 'This phone number is too short.',
    phoneTooLong: 'This phone number is too long.',
    codeRequired: 'Enter the code from the text message.',
    codeWrong: "That code didn't work. Check the text message and try again.",
    codeExpired: 'This code has expired. Send a new code to continue.',
    codeSent: 'We sent a new code.',
    linkSent: 'We sent a new link.',
    phoneRejected: "This number can't receive our text. Check it or use another one.",
  } satisfies Record<MessageKey, string>,
  errors: {
    network: "We couldn't reach the server. Check your connection and try again.",
    timeout: 'The server took too long to answer. Try again.',
    http: 'Something went wrong on our side. Try again.',
    malformed: 'The server sent an answer we could not read. Try again.',
    'rate-limited': 'Too many attempts for now.',
    pending: 'The result is not ready yet. Try again in a moment.',
    'prove-unavailable': 'The verification service is not available right now. Try again in a moment.',
    expired: 'This verification expired. Start again to get a new code or link.',
    integration: "This form is not set up correctly. The site's developers can find the details in the browser console.",
    sdk: 'The verification service stopped unexpectedly. Try again.',
    config: 'This form is not set up yet (no backend-url).',
  } satisfies Record<ErrorCode, string>,
  waitFor: 'You can try again in {time}.',
};

export type Strings = typeof en;

/** Time left as m:ss, never below zero. */
export function timeLeft(until: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((until - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Fills `{name}` placeholders. */
export function format(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => params[key] ?? '');
}
