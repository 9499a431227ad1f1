import { expect } from '@open-wc/testing';
import type { FlowAction, SendTiming } from '../../src/flow/actions.js';
import { initialState, type FlowState } from '../../src/flow/state.js';
import { transition } from '../../src/flow/transition.js';

const values = { firstName: 'Addy', lastName: 'Epinay', phone: '2001004010' };
const run = (state: FlowState, ...actions: FlowAction[]) => actions.reduce(transition, state);
/** Sent at t=0: the code works until 120 s, Resend waits until 30 s. */
const send: SendTiming = { expiresAt: 120_000, resendAt: 30_000 };
const requested = (possession: 'mobile' | 'desktop'): FlowAction => ({
  type: 'number-requested',
  possession,
  phoneNumberNeeded: false,
  rejected: false,
  send,
});
const codeEntry = () =>
  run(initialState(values), { type: 'submit', now: 0 }, requested('mobile'), { type: 'otp-finish-requested' });

describe('transition', () => {
  it('walks the mobile flow from the form to success', () => {
    const end = run(
      codeEntry(),
      { type: 'code-submitted', code: '1234' },
      { type: 'finishing' },
      { type: 'result', result: { success: true } },
    );
    expect(end.name).to.equal('success');
    expect(end.values).to.deep.equal(values);
  });

  it('returns the same object for actions that do not apply, so late callbacks change nothing', () => {
    const form = initialState(values);
    for (const action of [
      { type: 'code-submitted', code: '1234' },
      { type: 'resend-link', now: 0, send },
      { type: 'finishing' },
      { type: 'result', result: { success: true } },
      { type: 'failed', code: 'network', retry: 'start' },
      { type: 'otp-finish-requested' },
      { type: 'code-expired' },
    ] as FlowAction[]) {
      expect(transition(form, action), action.type).to.equal(form);
    }
    const starting = transition(form, { type: 'submit', now: 0 });
    expect(transition(starting, { type: 'submit', now: 0 })).to.equal(starting);
  });

  it('marks a refused code, an expired code and a resent code differently', () => {
    const entry = codeEntry();
    const wrong = run(
      entry,
      { type: 'code-submitted', code: '1234' },
      { type: 'otp-finish-requested', problem: 'wrong' },
    );
    expect(wrong).to.include({ name: 'otp-entry', error: 'codeWrong', message: undefined, expired: false });
    const late = run(
      entry,
      { type: 'code-submitted', code: '1234' },
      { type: 'otp-finish-requested', problem: 'expired' },
    );
    expect(late).to.include({ name: 'otp-entry', error: 'codeExpired', expired: true });
    const resent = run(entry, { type: 'resend-code', now: 30_000, send }, { type: 'otp-finish-requested' });
    expect(resent).to.include({ name: 'otp-entry', error: undefined, message: 'codeSent' });
  });

  it('counts sends: Resend waits for its time, an expired code skips the wait, and a fourth send never happens', () => {
    const entry = codeEntry();
    expect(entry).to.deep.include({ sends: { count: 1, ...send } });
    expect(transition(entry, { type: 'resend-code', now: 29_999, send }), 'before the wait is over').to.equal(entry);
    // The clock's expiry: no `error`, as Prove said nothing of a code (the view says it all the same).
    const expired = transition(entry, { type: 'code-expired' });
    expect(expired).to.include({ expired: true, error: undefined });
    expect(transition(expired, { type: 'code-submitted', code: '1234' }), 'an expired code is not sent').to.equal(
      expired,
    );
    expect(transition(expired, { type: 'resend-code', now: 1, send }).name, 'a new code at once').to.equal(
      'otp-sending',
    );

    const third = run(
      entry,
      { type: 'resend-code', now: 30_000, send },
      { type: 'otp-finish-requested' },
      { type: 'resend-code', now: 60_000, send },
      { type: 'otp-finish-requested' },
    );
    expect(third).to.deep.include({ name: 'otp-entry', sends: { count: 3, ...send } });
    expect(transition(third, { type: 'resend-code', now: 1e9, send })).to.equal(third);
    expect(
      transition(transition(third, { type: 'code-expired' }), { type: 'resend-code', now: 1e9, send }).name,
    ).to.equal('otp-entry');
  });

  it('does not count a number Prove refused', () => {
    const sending = run(initialState(values), { type: 'submit', now: 0 }, requested('desktop'));
    expect(sending).to.deep.include({ name: 'link-sending', sends: { count: 1, ...send } });
    const refused = transition(sending, { ...requested('desktop'), rejected: true } as FlowAction);
    expect(refused).to.deep.include({ name: 'phone-change', error: 'phoneRejected', sends: { count: 0, ...send } });
    expect(transition(refused, { type: 'phone-submitted', phone: '2015550123', send })).to.deep.include({
      sends: { count: 1, ...send },
    });
  });

  it('keeps values through an error and back to the form, clearing a field error on edit', () => {
    const failed = run(
      initialState(values),
      { type: 'submit', now: 0 },
      { type: 'failed', code: 'timeout', retry: 'start' },
    );
    expect(failed).to.include({ name: 'error', code: 'timeout', retry: 'start' });
    expect(transition(failed, { type: 'submit', now: 0 }).name).to.equal('starting');
    const invalid = run(
      initialState(values),
      { type: 'submit', now: 0 },
      { type: 'invalid', errors: { phone: 'phoneInvalid', firstName: 'required' } },
    );
    const edited = transition(invalid, { type: 'edit', field: 'phone', value: '2015550123' });
    expect(edited).to.deep.include({ name: 'form', errors: { firstName: 'required' } });
    expect(edited.values.phone).to.equal('2015550123');
  });

  it('holds a retry until the wait a 429 asked for is over', () => {
    const limited = run(
      initialState(values),
      { type: 'submit', now: 0 },
      { type: 'failed', code: 'rate-limited', retry: 'start', retryAt: 5000 },
    );
    expect(transition(limited, { type: 'submit', now: 4999 })).to.equal(limited);
    expect(transition(limited, { type: 'submit', now: 5000 }).name).to.equal('starting');
  });

  it('asks for a number when the SDK needs one or Prove refused it', () => {
    const starting = transition(initialState(values), { type: 'submit', now: 0 });
    expect(transition(starting, { ...requested('desktop'), rejected: true } as FlowAction)).to.include({
      name: 'phone-change',
      possession: 'desktop',
      error: 'phoneRejected',
    });
    const change = transition(starting, { ...requested('mobile'), phoneNumberNeeded: true } as FlowAction);
    expect(transition(change, { type: 'phone-submitted', phone: '2015550123', send })).to.deep.include({
      name: 'otp-sending',
      values: { ...values, phone: '2015550123' },
    });
  });

  it('goes back from a number change the person asked for to the very step left, and only from one', () => {
    const entry = codeEntry();
    const change = run(entry, { type: 'change-number' }, { type: 'edit', field: 'phone', value: '2015550123' });
    expect(transition(change, { type: 'back' })).to.equal(entry);
    const refused = transition(transition(initialState(values), { type: 'submit', now: 0 }), {
      ...requested('mobile'),
      rejected: true,
    } as FlowAction);
    expect(transition(refused, { type: 'back' }), 'Prove refused the number: nothing to go back to').to.equal(refused);
    expect(transition(entry, { type: 'back' })).to.equal(entry);
  });

  it('starts a new flow from the new number screen (a restart backend), keeping the new number', () => {
    const change = run(codeEntry(), { type: 'change-number' });
    expect(change.name).to.equal('phone-change');
    const restarted = run(change, { type: 'edit', field: 'phone', value: '2015550123' }, { type: 'submit', now: 0 });
    expect(restarted).to.deep.equal({ name: 'starting', values: { ...values, phone: '2015550123' } });
  });

  it('keeps the number proved on success, and whether it is not the one started', () => {
    const verifying = run(codeEntry(), { type: 'code-submitted', code: '1234' }, { type: 'finishing' });
    expect(
      transition(verifying, { type: 'result', result: { success: true }, phoneNumber: '+12001004011', changed: true }),
    ).to.include({
      name: 'success',
      phoneNumber: '+12001004011',
      changed: true,
    });
  });

  it('tells why possession failed: a code checked, or a send asked for', () => {
    const failed = { success: false, possessionResult: 'failed' };
    const afterCode = run(
      codeEntry(),
      { type: 'code-submitted', code: '1234' },
      { type: 'finishing' },
      { type: 'result', result: failed },
    );
    expect(afterCode).to.include({ name: 'failure', cause: 'code' });
    const afterSend = run(
      codeEntry(),
      { type: 'resend-code', now: 30_000, send },
      { type: 'finishing' },
      { type: 'result', result: failed },
    );
    expect(afterSend).to.include({ name: 'failure', cause: 'send' });
  });

  it('shows a result the start call already had, and sends a new link after the old one expired', () => {
    const starting = transition(initialState(values), { type: 'submit', now: 0 });
    expect(transition(starting, { type: 'result', result: { success: false } }).name).to.equal('failure');
    const expired = run(starting, requested('desktop'), { type: 'expired', reason: 'link' });
    expect(expired).to.include({ name: 'expired', reason: 'link' });
    expect(transition(expired, { type: 'submit', now: 0 }).name).to.equal('starting');
    const sessionOver = run(starting, requested('desktop'), { type: 'expired', reason: 'session' });
    expect(transition(sessionOver, { type: 'submit', now: 0 })).to.equal(sessionOver);
  });

  it('marks the connection lost, then back, only while a link is awaited; a new link after an interrupted wait', () => {
    const waiting = run(initialState(values), { type: 'submit', now: 0 }, requested('desktop'), {
      type: 'link-retry-requested',
    });
    const lost = transition(waiting, { type: 'connection', lost: true });
    expect(lost).to.include({ name: 'link-waiting', connection: 'lost' });
    expect(transition(lost, { type: 'connection', lost: true }), 'lost once').to.equal(lost);
    expect(transition(lost, { type: 'connection', lost: false })).to.include({
      name: 'link-waiting',
      connection: 'back',
    });
    expect(transition(waiting, { type: 'connection', lost: false }), 'never lost: nothing is back').to.equal(waiting);
    const entry = codeEntry();
    expect(transition(entry, { type: 'connection', lost: true }), 'not on the code screen').to.equal(entry);
    const interrupted = transition(lost, { type: 'expired', reason: 'interrupted' });
    expect(transition(interrupted, { type: 'submit', now: 0 }).name).to.equal('starting');
  });
});
