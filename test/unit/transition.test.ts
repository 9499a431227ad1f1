import { expect } from '@open-wc/testing';
import type { FlowEvent } from '../../src/flow/events.js';
import { initialState, type FlowState } from '../../src/flow/state.js';
import { transition } from '../../src/flow/transition.js';

const values = { firstName: 'Addy', lastName: 'Epinay', phone: '2001004010' };
const run = (state: FlowState, ...events: FlowEvent[]) => events.reduce(transition, state);

describe('transition', () => {
  it('walks the mobile flow from the form to success', () => {
    const end = run(
      initialState(values),
      { type: 'submit' },
      { type: 'number-requested', possession: 'mobile', phoneNumberNeeded: false, rejected: false },
      { type: 'otp-finish-requested', wrongCode: false },
      { type: 'code-submitted' },
      { type: 'finishing' },
      { type: 'result', result: { success: true } },
    );
    expect(end.name).to.equal('success');
    expect(end.values).to.deep.equal(values);
  });

  it('returns the same object for events that do not apply, so late callbacks change nothing', () => {
    const form = initialState(values);
    for (const event of [
      { type: 'code-submitted' },
      { type: 'resend-link' },
      { type: 'finishing' },
      { type: 'result', result: { success: true } },
      { type: 'failed', code: 'network', retry: 'start' },
      { type: 'otp-finish-requested', wrongCode: false },
    ] as FlowEvent[]) {
      expect(transition(form, event), event.type).to.equal(form);
    }
    const starting = transition(form, { type: 'submit' });
    expect(transition(starting, { type: 'submit' })).to.equal(starting);
  });

  it('marks a refused code and a resent code differently', () => {
    const entry = run(initialState(values), { type: 'submit' }, { type: 'number-requested', possession: 'mobile', phoneNumberNeeded: false, rejected: false }, { type: 'otp-finish-requested', wrongCode: false });
    const wrong = run(entry, { type: 'code-submitted' }, { type: 'otp-finish-requested', wrongCode: true });
    expect(wrong).to.include({ name: 'otp-entry', error: 'codeWrong', message: undefined });
    const resent = run(entry, { type: 'resend-code' }, { type: 'otp-finish-requested', wrongCode: false });
    expect(resent).to.include({ name: 'otp-entry', error: undefined, message: 'codeSent' });
  });

  it('keeps values through an error and back to the form, clearing a field error on edit', () => {
    const failed = run(initialState(values), { type: 'submit' }, { type: 'failed', code: 'timeout', retry: 'start' });
    expect(failed).to.include({ name: 'error', code: 'timeout', retry: 'start' });
    expect(transition(failed, { type: 'submit' }).name).to.equal('starting');
    const invalid = run(initialState(values), { type: 'submit' }, { type: 'invalid', errors: { phone: 'phoneInvalid', firstName: 'required' } });
    const edited = transition(invalid, { type: 'edit', field: 'phone', value: '2015550123' });
    expect(edited).to.deep.include({ name: 'form', errors: { firstName: 'required' } });
    expect(edited.values.phone).to.equal('2015550123');
  });

  it('asks for a number when the SDK needs one or Prove refused it', () => {
    const starting = transition(initialState(values), { type: 'submit' });
    expect(transition(starting, { type: 'number-requested', possession: 'desktop', phoneNumberNeeded: false, rejected: true })).to.include({
      name: 'phone-change',
      possession: 'desktop',
      error: 'phoneRejected',
    });
    const change = transition(starting, { type: 'number-requested', possession: 'mobile', phoneNumberNeeded: true, rejected: false });
    expect(transition(change, { type: 'phone-submitted', phone: '2015550123' })).to.deep.include({
      name: 'otp-sending',
      values: { ...values, phone: '2015550123' },
    });
  });
});
