import { expect } from '@open-wc/testing';
import type { FlowState } from '../../src/flow/state.js';
import { onForm, stepOf } from '../../src/flow/steps.js';

/** The table of steps: what each shows, whether a flow runs in it, and whether Escape cancels it. */
describe('steps', () => {
  const values = { firstName: 'A', lastName: 'B', phone: '2001004010' };
  const sends = { count: 1, expiresAt: 0, resendAt: 0 };
  const states: FlowState[] = [
    { name: 'form', values, errors: {} },
    { name: 'starting', values },
    { name: 'otp-sending', values, possession: 'mobile', sends },
    { name: 'otp-entry', values, possession: 'mobile', sends, prompt: 1, expired: false },
    { name: 'otp-checking', values, possession: 'mobile', sends, prompt: 1, code: '1234' },
    { name: 'phone-change', values, possession: 'mobile', sends },
    { name: 'link-sending', values, possession: 'desktop', sends },
    { name: 'link-waiting', values, possession: 'desktop', sends, canResend: true },
    { name: 'verifying', values },
    { name: 'success', values, result: { success: true } },
    { name: 'failure', values, result: { success: false } },
    { name: 'expired', values, reason: 'session' },
    { name: 'error', values, code: 'network', retry: 'status' },
  ];
  const named = (has: (state: FlowState) => unknown) => states.filter(has).map((state) => state.name);

  it('runs a flow from the start to the verdict, and Escape cancels the steps that show Cancel', () => {
    expect(named((state) => stepOf(state).busy)).to.deep.equal([
      'starting',
      'otp-sending',
      'otp-entry',
      'otp-checking',
      'phone-change',
      'link-sending',
      'link-waiting',
      'verifying',
    ]);
    expect(named((state) => stepOf(state).escape)).to.deep.equal([
      'otp-sending',
      'otp-entry',
      'otp-checking',
      'phone-change',
      'link-sending',
      'link-waiting',
    ]);
  });

  it('shows the form, its start and a failed start on the form; a failed status call on its own panel', () => {
    expect(named(onForm)).to.deep.equal(['form', 'starting']);
    expect(onForm({ name: 'error', values, code: 'network', retry: 'start' })).to.equal(true);
    expect(stepOf({ name: 'error', values, code: 'network', retry: 'status' }).view).to.equal('outcome');
    expect(states.map((state) => stepOf(state).view)).to.deep.equal([
      'form',
      'form',
      'code',
      'code',
      'code',
      'phone',
      'link',
      'link',
      'outcome',
      'outcome',
      'outcome',
      'outcome',
      'outcome',
    ]);
  });
});
