/**
 * The element with Prove's real SDK (loaded from Prove's own file), the demo backend and the
 * sandbox emulator: every request the SDK makes crosses origins to the emulator, as with Prove.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/prove-verify.js';
import { buttonByName, describedText, fillDetails, inputByLabel, text, type, untilStep } from '../support/dom.js';
import { enterCode, inbox, mountLive as mount, nextMessage, stats } from '../support/live.js';

describe('<prove-verify> with the real Prove SDK and the sandbox emulator', () => {
  it('completes the desktop flow when the Instant Link is opened on the phone', async () => {
    const el = await mount('desktop');
    const before = (await inbox()).length;
    await fillDetails(el, 'Addy', 'Epinay', '200-100-4010');
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    expect(text(el)).to.contain('A text message with a link was just sent to the phone ending in 4010.');
    const message = await nextMessage(before);
    expect(message.link).to.be.a('string');

    const success = oneEvent(el, 'prove-verify-success');
    // The person taps the link on their phone; the emulator tells the waiting SDK over its socket.
    await fetch(message.link!, { mode: 'no-cors' });
    const { detail } = await success;
    expect(detail.result).to.deep.include({ success: true, possessionResult: 'success', verifyResult: 'success' });
    await untilStep(el, 'success');
    expect(text(el)).to.contain('Phone number verified');
  });

  it('resends the Instant Link through the SDK retry step', async () => {
    const el = await mount('desktop');
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    const before = (await inbox()).length;
    buttonByName(el, 'Resend link').click();
    await untilStep(el, 'link-waiting');
    const resent = await nextMessage(before);
    await fetch(resent.link!, { mode: 'no-cors' });
    await untilStep(el, 'success');
  });

  it('completes the mobile flow with the code from the text message, after a wrong one', async () => {
    const el = await mount('mobile');
    const before = (await inbox()).length;
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    const message = await nextMessage(before);
    expect(message.otp).to.equal('1234');

    enterCode(el, '0000');
    await untilStep(el, 'otp-checking');
    await untilStep(el, 'otp-entry');
    expect(describedText(el, inputByLabel(el, /code/i))).to.include(
      'Error: That code didn’t work. Check the text message and try again.',
    );

    const success = oneEvent(el, 'prove-verify-success');
    enterCode(el, message.otp!);
    expect((await success).detail.result.success).to.equal(true);
    await untilStep(el, 'success');
  });

  it('changes the number mid-flow: the SDK texts the new number, whose owner (Lorant Nerger) is not the person named', async () => {
    const el = await mount('mobile');
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    const before = (await inbox('2001004014')).length;
    buttonByName(el, 'Change number').click();
    await untilStep(el, 'phone-change');
    type(inputByLabel(el, 'Phone number'), '(200) 100-4014');
    buttonByName(el, 'Send code').click();
    await untilStep(el, 'otp-entry');
    expect(text(el)).to.contain('sent to (200) 100-4014.');
    const message = await nextMessage(before, '2001004014');
    const failure = oneEvent(el, 'prove-verify-failure');
    enterCode(el, message.otp!);
    expect((await failure).detail.result).to.deep.include({
      success: false,
      possessionResult: 'success',
      verifyResult: 'failed',
    });
    await untilStep(el, 'failure');
  });

  it("shows the failure when the name does not match the phone's owner", async () => {
    const el = await mount('mobile');
    await fillDetails(el, 'Someone', 'Else', '2001004010');
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    const failure = oneEvent(el, 'prove-verify-failure');
    enterCode(el, '1234');
    expect((await failure).detail.result).to.deep.include({ success: false, verifyResult: 'failed' });
    await untilStep(el, 'failure');
    expect(text(el)).to.contain('We couldn’t verify this phone number');
  });

  it('cancelling, or removing the element, while the link waits closes the SDK status socket', async () => {
    for (const end of ['cancel', 'remove'] as const) {
      const el = await mount('desktop');
      await fillDetails(el);
      buttonByName(el, 'Verify').click();
      await untilStep(el, 'link-waiting');
      await waitUntil(async () => (await stats()).sockets === 1, 'the SDK never opened its status socket', {
        timeout: 5000,
      });
      if (end === 'cancel') {
        buttonByName(el, 'Cancel').click();
        await untilStep(el, 'form');
        expect(inputByLabel(el, 'First name').value).to.equal('Addy');
      } else {
        el.remove();
      }
      await waitUntil(async () => (await stats()).sockets === 0, `the status socket stayed open after ${end}`, {
        timeout: 5000,
      });
    }
  });
});

describe("both of Prove's contracts, end to end with the real SDK", () => {
  const contracts = [
    ['unify', 'api'],
    ['verify-status', 'seed-api'],
  ] as const;
  for (const [contract, backend] of contracts) {
    it(`${contract}: the code on a phone verifies the person, and the server's verdict names the number`, async () => {
      const el = await mount('mobile', { backend });
      const before = (await inbox()).length;
      await fillDetails(el);
      buttonByName(el, 'Verify').click();
      await untilStep(el, 'otp-entry');
      const success = oneEvent(el, 'prove-verify-success');
      enterCode(el, (await nextMessage(before)).otp!);
      const { detail } = await success;
      expect(detail.result.serverSaw).to.deep.equal({
        success: true,
        phoneNumber: '+12001004010',
        firstName: 'Addy',
        lastName: 'Epinay',
      });
      await untilStep(el, 'success');
    });

    it(`${contract}: the Instant Link opened on the phone verifies the person on the desktop`, async () => {
      const el = await mount('desktop', { backend });
      const before = (await inbox()).length;
      await fillDetails(el);
      buttonByName(el, 'Verify').click();
      await untilStep(el, 'link-waiting');
      const success = oneEvent(el, 'prove-verify-success');
      await fetch((await nextMessage(before)).link!, { mode: 'no-cors' });
      const { detail } = await success;
      expect(detail.phoneNumber).to.equal('+12001004010');
      expect(detail.result.serverSaw).to.deep.equal({
        success: true,
        phoneNumber: '+12001004010',
        firstName: 'Addy',
        lastName: 'Epinay',
      });
      await untilStep(el, 'success');
    });
  }
});
