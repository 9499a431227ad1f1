/**
 * The number Prove proved, in both of Prove's contracts, with Prove's real SDK, the demo backend
 * and the emulator: what the person sees, what the page's event says, and what the integrator's
 * server hook was told (`serverSaw`, which the live stack's onVerified adds to the answer).
 */
import { expect, oneEvent } from '@open-wc/testing';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { buttonByName, fillDetails, inputByLabel, text, type, untilStep } from '../support/dom.js';
import { enterCode, inbox, mountLive as mount, nextMessage, recordRequests } from '../support/live.js';

/** Lorant Nerger owns 2001004014; the flows below start on Addy Epinay's 2001004010. */
const LORANT = { success: true, phoneNumber: '+12001004014', firstName: 'Lorant', lastName: 'Nerger' };

/** On the code screen: "Change number", the new number, "Send code". */
async function changeNumberTo(el: ProveVerifyElement, typed: string) {
  buttonByName(el, 'Change number').click();
  await untilStep(el, 'phone-change');
  type(inputByLabel(el, 'Phone number'), typed);
  buttonByName(el, 'Send code').click();
}

describe('the number Prove proved', () => {
  it('unify: a number changed on the code screen is proved in the same flow, and the identity check, the server and the screen name it', async () => {
    const el = await mount('mobile');
    const requests = recordRequests();
    try {
      await fillDetails(el, 'Lorant', 'Nerger', '(200) 100-4010');
      buttonByName(el, 'Verify').click();
      await untilStep(el, 'otp-entry');
      const before = (await inbox('2001004014')).length;
      await changeNumberTo(el, '(200) 100-4014');
      await untilStep(el, 'otp-entry');
      expect(text(el)).to.contain('sent to (200) 100-4014.');
      const message = await nextMessage(before, '2001004014');
      const success = oneEvent(el, 'prove-verify-success');
      enterCode(el, message.otp!);
      const { detail } = await success;
      expect(detail.phoneNumber).to.equal('+12001004014');
      expect(detail.result.serverSaw).to.deep.equal(LORANT);
      await untilStep(el, 'success');
      expect(text(el)).to.contain('The verified number is (200) 100-4014.');
      expect(requests.seen.filter((r) => r === 'POST /live/api/verify')).to.have.length(
        1,
        'one flow: the SDK changed the number',
      );
    } finally {
      requests.stop();
    }
  });

  it('verify-status: "Change number" is a new start with the new number and the same names, and the verdict names it', async () => {
    const el = await mount('mobile', { backend: 'seed-api' });
    const requests = recordRequests();
    try {
      await fillDetails(el, 'Lorant', 'Nerger', '(200) 100-4010');
      buttonByName(el, 'Verify').click();
      await untilStep(el, 'otp-entry');
      const before = (await inbox('2001004014')).length;
      const cancelled = { fired: false };
      el.addEventListener('prove-verify-cancel', () => (cancelled.fired = true));
      await changeNumberTo(el, '(200) 100-4014');
      await untilStep(el, 'otp-entry');
      expect(text(el)).to.contain('sent to (200) 100-4014.');
      expect(requests.seen.filter((r) => r === 'POST /live/seed-api/verify')).to.have.length(
        2,
        'a second start for the new number',
      );
      const message = await nextMessage(before, '2001004014');
      const success = oneEvent(el, 'prove-verify-success');
      enterCode(el, message.otp!);
      const { detail } = await success;
      expect(detail.phoneNumber).to.equal('+12001004014');
      expect(detail.result.serverSaw).to.deep.equal(LORANT);
      await untilStep(el, 'success');
      expect(text(el)).not.to.contain('The verified number is', 'the flow that succeeded started with this number');
      expect(cancelled.fired).to.equal(false, 'the old run ended quietly');
    } finally {
      requests.stop();
    }
  });
});
