import { expect } from '@open-wc/testing';
import { canResend, sendOffer, sent } from '../../src/flow/sends.js';

/** The resend rule: three sends in a flow, Resend after its wait, and what the screens offer. */
describe('sends', () => {
  const first = sent(undefined, { expiresAt: 120_000, resendAt: 30_000 });

  it('counts sends', () => {
    expect(first).to.deep.equal({ count: 1, expiresAt: 120_000, resendAt: 30_000 });
    expect(sent(first, { expiresAt: 150_000, resendAt: 60_000 })).to.deep.equal({
      count: 2,
      expiresAt: 150_000,
      resendAt: 60_000,
    });
  });

  it('allows Resend once its wait is over, at once for an expired code, and never a fourth send', () => {
    expect(canResend(first, 29_999)).to.equal(false);
    expect(canResend(first, 30_000)).to.equal(true);
    expect(canResend(first, 0, true)).to.equal(true);
    expect(canResend({ ...first, count: 3 }, 1e9, true)).to.equal(false);
  });

  it('offers the screens Resend or its wait, another number and the sends left; "Start again" once none is left', () => {
    expect(sendOffer(first, 0)).to.deep.equal({
      left: 2,
      resend: false,
      wait: true,
      changeNumber: true,
      startAgain: false,
    });
    expect(sendOffer(first, 30_000)).to.deep.equal({
      left: 2,
      resend: true,
      wait: false,
      changeNumber: true,
      startAgain: false,
    });
    expect(sendOffer({ ...first, count: 3 }, 0)).to.deep.equal({
      left: 0,
      resend: false,
      wait: false,
      changeNumber: false,
      startAgain: true,
    });
  });
});
