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
  otpSending: 'Sending a code to the phone ending in {last4}…',
  otpTitle: 'Enter the code',
  otpIntro: 'We texted a code to the phone ending in {last4}.',
  codeLabel: 'Verification code',
  submitCode: 'Confirm code',
  checkingCode: 'Checking…',
  resendCode: 'Resend code',
  changeNumber: 'Change number',
  phoneChangeTitle: 'Use another phone number',
  sendCode: 'Send code',
  sendLink: 'Send link',
  linkSending: 'Sending a link to the phone ending in {last4}. Open it on your phone to continue; this page will move on by itself.',
  linkTitle: 'Check your phone',
  linkIntro: 'We texted a link to the phone ending in {last4}. Open it on your phone to continue; this page will move on by itself.',
  resendLink: 'Resend link',
  differentNumber: 'Use a different number',
  cancel: 'Cancel',
  verifying: 'Checking the result…',
  successTitle: 'Phone number verified',
  successBody: 'Thank you, your phone number is confirmed.',
  failureTitle: "We couldn't verify this phone number",
  failureBody: 'The details did not match what the carrier knows about this phone. Check them and try again.',
  failurePossessionBody: "We couldn't confirm that this phone is with you: the code or link was not used in time, or too many tries failed. Start again to get a new one.",
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
    codeSent: 'We sent a new code.',
    linkSent: 'We sent a new link.',
    phoneRejected: "This number can't receive our text. Check it or use another one.",
  } satisfies Record<MessageKey, string>,
  errors: {
    network: "We couldn't reach the server. Check your connection and try again.",
    timeout: 'The server took too long to answer. Try again.',
    http: 'Something went wrong on our side. Try again.',
    malformed: 'The server sent an answer we could not read. Try again.',
    sdk: 'The verification service stopped unexpectedly. Try again.',
    config: 'This form is not set up yet (no backend-url).',
  } satisfies Record<ErrorCode, string>,
};

export type Strings = typeof en;

/** Fills `{name}` placeholders. */
export function format(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => params[key] ?? '');
}
