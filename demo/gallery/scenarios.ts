/**
 * The gallery's states: for each, how the fake SDK and the fake backend (test/support/) answer,
 * and how a person gets the element there through its own UI.
 */
import type { FakeSdk } from '../../test/support/fake-sdk.js';
import { ADDY, type Driver, type StepName } from './driver.js';

export interface Scenario {
  id: string;
  /** The step, as `prove-verify-step` names it. */
  step: StepName;
  /** What this cell shows, in English (the gallery's own words). */
  note: string;
  possession?: 'mobile' | 'desktop';
  attrs?: Record<string, string>;
  /** The fake backend's scenario and options (test/support/fake-backend.mjs); default `ok`. */
  backend?: string;
  /** The fake SDK's settings (test/support/fake-sdk.ts). */
  sdk?: Partial<Pick<FakeSdk, 'codesExpire' | 'codesAllowed' | 'rejectNumberOnce'>>;
  /** Where "Prove" never answers: the first send of the code or link, or the judging of a code. */
  proveHolds?: 'send' | 'code';
  drive(d: Driver): Promise<void>;
}

const start = async (d: Driver) => {
  await d.fill();
  await d.submit();
};

const codeEntered = async (d: Driver, code: string) => {
  await start(d);
  await d.enterCode(code);
};

/** What the SDK reports when Prove's Instant Link status socket closes before Prove said anything. */
const SOCKET_LOST = 'Failed to receive secondary authentication status: Channel communication stalled';

export const SCENARIOS: Scenario[] = [
  { id: 'form', step: 'form', note: 'the form, empty', drive: async (d) => d.waitFor('form') },
  {
    id: 'form-errors',
    step: 'form',
    note: 'Verify pressed with a missing first name and a short phone number',
    drive: async (d) => {
      await d.fill({ lastName: ADDY.lastName, phone: '20010' });
      await d.submit();
      const twoInvalid = () => d.root.querySelectorAll('[aria-invalid="true"]').length >= 2;
      await d.waitFor('form', twoInvalid, 'two fields marked invalid');
    },
  },
  {
    id: 'starting',
    step: 'starting',
    note: 'waiting for the backend to start the flow',
    backend: 'verify-hold',
    drive: async (d) => {
      await start(d);
      await d.waitFor('starting');
    },
  },
  {
    id: 'otp-sending',
    step: 'otp-sending',
    note: 'Prove is sending the code',
    proveHolds: 'send',
    drive: async (d) => {
      await start(d);
      await d.waitFor('otp-sending');
    },
  },
  {
    id: 'otp-entry',
    step: 'otp-entry',
    note: 'code entry, fresh: 2:00 left, resend in 0:30',
    drive: async (d) => {
      await start(d);
      await d.waitFor('otp-entry', () => d.run.codePrompts === 1);
    },
  },
  {
    id: 'otp-wrong',
    step: 'otp-entry',
    note: 'a wrong code (retries allowed)',
    drive: async (d) => {
      await codeEntered(d, '0000');
      await d.waitFor('otp-entry', () => d.run.codePrompts === 2);
    },
  },
  {
    id: 'otp-last-try',
    step: 'otp-entry',
    note: 'two wrong codes: "Last try" before the third',
    drive: async (d) => {
      await codeEntered(d, '0000');
      await d.waitFor('otp-entry', () => d.run.codePrompts === 2);
      await d.enterCode('1111');
      await d.waitFor('otp-entry', () => d.run.codePrompts === 3);
    },
  },
  {
    id: 'otp-help',
    step: 'otp-entry',
    note: '"Didn’t get the text?" opened',
    drive: async (d) => {
      await start(d);
      await d.waitFor('otp-entry', () => d.run.codePrompts === 1);
      d.find<HTMLElement>('details > summary', 'the help’s summary').click();
      await d.waitFor('otp-entry', () => d.find<HTMLDetailsElement>('details', 'the help').open, 'the help open');
    },
  },
  {
    id: 'otp-expired',
    step: 'otp-entry',
    note: 'the code expired: "Send a new code" is the main action',
    sdk: { codesExpire: true },
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('otp-entry', () => d.run.codePrompts === 2);
    },
  },
  {
    id: 'otp-no-sends',
    step: 'otp-entry',
    note: 'two resends later (3 sends): none left, "Start again"',
    attrs: { 'resend-after': '0' },
    drive: async (d) => {
      await start(d);
      for (const prompts of [2, 3]) {
        await d.waitFor('otp-entry', () => d.run.codePrompts === prompts - 1);
        await d.press(d.t.resendCode);
      }
      await d.waitFor('otp-entry', () => d.run.codePrompts === 3);
    },
  },
  {
    id: 'otp-checking',
    step: 'otp-checking',
    note: 'Prove is checking the code',
    proveHolds: 'code',
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('otp-checking');
    },
  },
  {
    id: 'phone-change',
    step: 'phone-change',
    note: '"Change number" pressed on the code screen',
    drive: async (d) => {
      await start(d);
      await d.waitFor('otp-entry');
      await d.press(d.t.changeNumber);
      await d.waitFor('phone-change');
    },
  },
  {
    id: 'phone-refused',
    step: 'phone-change',
    note: 'Prove refused the number',
    sdk: { rejectNumberOnce: true },
    drive: async (d) => {
      await start(d);
      await d.waitFor(
        'phone-change',
        () => d.root.querySelector('[aria-invalid="true"]') !== null,
        'the refusal shown',
      );
    },
  },
  {
    id: 'link-sending',
    step: 'link-sending',
    note: 'desktop: Prove is sending the Instant Link',
    possession: 'desktop',
    proveHolds: 'send',
    drive: async (d) => {
      await start(d);
      await d.waitFor('link-sending');
    },
  },
  {
    id: 'link-waiting',
    step: 'link-waiting',
    note: 'desktop: waiting for the link to be opened, 3:00 left',
    possession: 'desktop',
    drive: async (d) => {
      await start(d);
      await d.waitFor('link-waiting');
    },
  },
  {
    id: 'link-offline',
    step: 'link-waiting',
    note: 'desktop: the connection lost in the link wait (the status socket closed; the backend not yet answering)',
    possession: 'desktop',
    backend: 'status-hold',
    drive: async (d) => {
      await start(d);
      await d.waitFor('link-waiting');
      d.run.fail(SOCKET_LOST);
      await d.waitFor(
        'link-waiting',
        () => d.root.querySelector('.connection-lost') !== null,
        'the connection said lost',
      );
    },
  },
  {
    id: 'link-interrupted',
    step: 'expired',
    note: 'desktop: the link wait broke off with the connection, and the backend had no result',
    possession: 'desktop',
    backend: 'status-pending',
    drive: async (d) => {
      await start(d);
      await d.waitFor('link-waiting');
      d.run.fail(SOCKET_LOST);
      await d.waitFor('expired');
    },
  },
  {
    id: 'link-expired',
    step: 'expired',
    note: "desktop: the link expired (Prove's status socket said so)",
    possession: 'desktop',
    drive: async (d) => {
      await start(d);
      await d.waitFor('link-waiting');
      d.run.fail('The verification link has expired', 1014);
      await d.waitFor('expired');
    },
  },
  {
    id: 'verifying',
    step: 'verifying',
    note: 'the right code; waiting for the backend’s result',
    backend: 'status-hold',
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('verifying');
    },
  },
  {
    id: 'success',
    step: 'success',
    note: 'verified',
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('success');
    },
  },
  {
    id: 'failure-details',
    step: 'failure',
    note: 'possession proven, but the details did not match',
    backend: 'nomatch',
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('failure');
    },
  },
  {
    id: 'failure-possession',
    step: 'failure',
    note: 'a wrong code, and no more tries allowed',
    sdk: { codesAllowed: 1 },
    backend: 'nopossession',
    drive: async (d) => {
      await codeEntered(d, '0000');
      await d.waitFor('failure');
    },
  },
  {
    id: 'error-network',
    step: 'error',
    note: 'the start call could not reach the backend',
    backend: 'verify-network',
    drive: async (d) => {
      await start(d);
      await d.waitFor('error');
    },
  },
  {
    id: 'error-status',
    step: 'error',
    note: 'the status call failed (HTTP 500): "Try again"',
    backend: 'status-500',
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('error');
    },
  },
  {
    id: 'error-rate-limited',
    step: 'error',
    note: 'HTTP 429, Retry-After 27: "Try again" held, the wait said once, counting down',
    backend: 'verify-429.retry-after-27',
    drive: async (d) => {
      await start(d);
      await d.waitFor('error');
    },
  },
  {
    id: 'expired-session',
    step: 'expired',
    note: 'the backend session expired (status call: HTTP 401)',
    backend: 'status-expired',
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('expired');
    },
  },
];
