/**
 * The steps Prove's real SDK walks on a Unify token on a phone, against the emulator: the Prove
 * Key (a device key registered, then used by a returning device), and Mobile Auth for Prove's
 * Mobile Auth sandbox persons, which proves the phone with no text at all.
 */
import { expect, oneEvent } from '@open-wc/testing';
import '../../src/prove-verify.js';
import { buttonByName, fillDetails, untilStep } from '../support/dom.js';
import { enterCode, inbox, mountLive as mount, nextMessage, recordRequests } from '../support/live.js';

let requests: ReturnType<typeof recordRequests>;

beforeEach(() => {
  requests = recordRequests();
});
afterEach(() => requests.stop());

const proveCalls = () => requests.seen.filter((r) => r.includes('/v1/client/'));

describe('Unify on a phone, with the real SDK', () => {
  it('runs the Prove Key step before the code; the same device proves the same phone next time with no code', async () => {
    const first = await mount('mobile');
    const before = (await inbox()).length;
    await fillDetails(first);
    buttonByName(first, 'Verify').click();
    await untilStep(first, 'otp-entry');
    // A browser with no key registers one; one that has a key (an earlier test's) uses it.
    const keyStep = proveCalls().findIndex((r) => /^POST \/v1\/client\/device\/passive\/(register|verify)$/.test(r));
    expect(keyStep, proveCalls().join(', ')).to.be.within(
      0,
      proveCalls().indexOf('POST /v1/client/mobile/otp/start') - 1,
    );
    const success = oneEvent(first, 'prove-verify-success');
    enterCode(first, (await nextMessage(before)).otp!);
    expect((await success).detail.phoneNumber).to.equal('+12001004010');

    requests.seen.length = 0;
    const texts = (await inbox()).length;
    const again = await mount('mobile', { keepDevice: true });
    await fillDetails(again);
    const returning = oneEvent(again, 'prove-verify-success');
    buttonByName(again, 'Verify').click();
    const { detail } = await returning;
    expect(detail.result.serverSaw).to.deep.equal({
      success: true,
      phoneNumber: '+12001004010',
      firstName: 'Addy',
      lastName: 'Epinay',
    });
    await untilStep(again, 'success');
    expect(proveCalls()).to.include('POST /v1/client/device/passive/verify');
    expect(proveCalls()).not.to.include('POST /v1/client/mobile/otp/start');
    expect((await inbox()).length).to.equal(texts, 'no text: the Prove Key proved the phone');
  });

  it("Mobile Auth proves a Mobile Auth sandbox person's phone with no text, and the verdict names it", async () => {
    const el = await mount('mobile');
    const texts = (await inbox('2001004016')).length;
    await fillDetails(el, 'Inge', 'Galier', '(200) 100-4016');
    const success = oneEvent(el, 'prove-verify-success');
    buttonByName(el, 'Verify').click();
    const { detail } = await success;
    expect(detail.phoneNumber).to.equal('+12001004016');
    expect(detail.result.serverSaw).to.deep.equal({
      success: true,
      phoneNumber: '+12001004016',
      firstName: 'Inge',
      lastName: 'Galier',
    });
    await untilStep(el, 'success');
    expect(proveCalls()).to.include.members([
      'POST /v1/client/mobile/instant/start',
      'POST /v1/client/mobile/instant/finish',
    ]);
    expect(proveCalls()).not.to.include('POST /v1/client/mobile/otp/start');
    expect((await inbox('2001004016')).length).to.equal(texts, 'no text was sent');
  });

  it('anyone else on a phone gets the texted code after the Prove Key, as Prove does where the carrier cannot vouch', async () => {
    const el = await mount('mobile');
    await fillDetails(el, 'Lorant', 'Nerger', '(200) 100-4014');
    const before = (await inbox('2001004014')).length;
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    const success = oneEvent(el, 'prove-verify-success');
    enterCode(el, (await nextMessage(before, '2001004014')).otp!);
    expect((await success).detail.result.serverSaw).to.deep.include({ success: true, phoneNumber: '+12001004014' });
    expect(proveCalls().filter((r) => r.includes('/mobile/instant/'))).to.deep.equal([]);
  });
});
