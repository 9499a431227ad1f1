import type { FirstPaintStrings } from './strings.js';

/**
 * English for the first paint: the form, and the one failure met before the flow's code is in
 * (`load`). The rest of English (`enLater`) comes with that code. English is the default and the
 * last fallback of every language; Prove's required copy is exact.
 */
export const en: FirstPaintStrings = {
  title: 'Verify your phone number',
  intro: 'We will text you to check that this phone is yours.',
  firstName: 'First name',
  lastName: 'Last name',
  phone: 'Phone number',
  phoneHint: 'Mobile number',
  submit: 'Verify',
  verifyFirst: 'Verify your phone number first.',
  submitting: 'Starting…',
  tryAgain: 'Try again',
  errors: {
    load: 'We couldn’t load this form. Check your connection and try again.',
  },
};
