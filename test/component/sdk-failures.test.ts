/**
 * Every way Prove's SDK can end a flow, told apart: each row has its own message and way forward,
 * and `prove-verify-error` carries Prove's code and message when the SDK gave them. The fake SDK
 * fails with the real SDK's own messages (3.6.2); the translation under test is src/sdk.ts's.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { PROVE_MOBILE_AUTH_HOSTS } from '../../src/prove-hosts.js';
import { FakeSdk } from '../support/fake-sdk.js';
import {
  alertText,
  backendFor,
  buttonByName,
  fillDetails,
  hasButton,
  inputByLabel,
  requestsSent,
  text,
  untilStep,
} from '../support/dom.js';

async function flowAt(possession: 'mobile' | 'desktop', scenario = 'ok', beforeVerify = () => {}) {
  const backend = backendFor(scenario);
  const sdk = new FakeSdk();
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify backend-url=${backend.url} possession-type=${possession} final-target-url="https://example.com/done" .sdk=${sdk}></prove-verify>`,
  );
  await fillDetails(el);
  beforeVerify();
  buttonByName(el, 'Verify').click();
  await untilStep(el, possession === 'mobile' ? 'otp-entry' : 'link-waiting');
  return { el, sdk, backend, run: sdk.runAt(0) };
}

const statusCalls = async (id: string) => (await requestsSent(id)).filter((r) => r.call === 'verify-status').length;

function expectFormKept(el: ProveVerifyElement) {
  expect(inputByLabel(el, 'First name').value).to.equal('Addy');
  expect(inputByLabel(el, 'Phone number').value).to.equal('(200) 100-4010');
}

describe('<prove-verify> every way the SDK can end', () => {
  // Restores the console stubs and the fake clock alike (both come from sinon's default sandbox).
  afterEach(() => sinon.restore());

  it('an expired authToken (HTTP 401 from Prove) shows the expired step, not "stopped unexpectedly"', async () => {
    const { el, run } = await flowAt('mobile');
    const error = oneEvent(el, 'prove-verify-error');
    run.fail('Got 401 HTTP error - Unauthorized');
    expect((await error).detail).to.deep.include({ code: 'expired', recoverable: true });
    await untilStep(el, 'expired');
    expect(text(el)).to.contain('This verification expired');
    expect(text(el)).not.to.contain('stopped unexpectedly');
    buttonByName(el, 'Start again').click();
    await untilStep(el, 'form');
    expectFormKept(el);
  });

  for (const [what, act] of [
    ['a 5xx from Prove', (run: FakeSdk['runs'][0]) => run.fail('Got 503 HTTP error - Service Unavailable')],
    ['an empty answer', (run: FakeSdk['runs'][0]) => run.report('Empty response from server')],
    [
      'an unreadable answer',
      (run: FakeSdk['runs'][0]) => run.report('Failed to parse JSON response: Unexpected token <'),
    ],
  ] as const) {
    it(`${what}: Prove's service failed, "try again", the form kept, no status call`, async () => {
      const { el, run, backend } = await flowAt('mobile');
      const error = oneEvent(el, 'prove-verify-error');
      act(run);
      expect((await error).detail).to.deep.include({ code: 'prove-unavailable', recoverable: true });
      await untilStep(el, 'error');
      expect(alertText(el)).to.contain('The verification service is not available right now. Try again in a moment.');
      expectFormKept(el);
      expect(await statusCalls(backend.id)).to.equal(0);
      buttonByName(el, 'Try again').click();
      await untilStep(el, 'otp-entry');
    });
  }

  // On the mobile flow: during a desktop link wait, the backend is asked first (desktop.test.ts).
  it('a network failure or a CSP block: "check your connection"', async () => {
    const { el, run } = await flowAt('mobile');
    const error = oneEvent(el, 'prove-verify-error');
    run.report('Failed to fetch');
    expect((await error).detail).to.deep.include({ code: 'network', recoverable: true });
    await untilStep(el, 'error');
    expect(alertText(el)).to.contain('Check your connection and try again.');
  });

  it("Prove's client API out of reach: the console names every origin connect-src must allow, Mobile Auth's hosts too", async () => {
    const warn = sinon.stub(console, 'warn');
    const { el, run } = await flowAt('mobile', 'ok.jwt');
    const error = oneEvent(el, 'prove-verify-error');
    run.report('Failed to fetch');
    expect((await error).detail).to.deep.include({ code: 'network' });
    expect(warn.callCount).to.equal(1);
    const hint = String(warn.firstCall.args[0]);
    expect(hint).to.contain(
      'connect-src must allow https://platform.uat.proveapis.com and wss://platform.uat.proveapis.com',
    );
    // Word by word: the host without its port is a prefix of the one with it.
    const words = hint.split(/\s+/).map((word) => word.replace(/[.,]$/, ''));
    for (const host of PROVE_MOBILE_AUTH_HOSTS) expect(words).to.include(host);
    expect(PROVE_MOBILE_AUTH_HOSTS).to.have.members([
      'https://device.uat.proveapis.com:4443',
      'http://device.uat.proveapis.com:4443',
      'https://device.uat.proveapis.com',
      'http://device.uat.proveapis.com',
      'https://device.proveapis.com:4443',
      'http://device.proveapis.com:4443',
      'https://device.proveapis.com',
      'http://device.proveapis.com',
      'https://auth.svcs.verizon.com:22790',
    ]);
  });

  it('Prove answering HTTP 429: says to wait, and holds "Try again" for the wait', async () => {
    let clock!: sinon.SinonFakeTimers;
    const { el, run } = await flowAt('mobile', 'ok', () => {
      // The element's clock only (its ticker and Date); requests and rendering stay real.
      clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setInterval', 'clearInterval', 'Date'] });
    });
    const error = oneEvent(el, 'prove-verify-error');
    run.fail('Got 429 HTTP error - Too Many Requests');
    expect((await error).detail).to.deep.include({ code: 'rate-limited', retryAfter: 10 });
    await untilStep(el, 'error');
    expect(alertText(el)).to.equal('Too many attempts for now. You can try again in 10 seconds.');
    expect(el.shadowRoot!.querySelector('.alert [aria-hidden="true"]')!.textContent).to.equal(
      'You can try again in 0:10.',
    );
    expect(buttonByName(el, 'Try again').getAttribute('aria-disabled')).to.equal('true');
    clock.tick(10_000);
    await el.updateComplete;
    expect(buttonByName(el, 'Try again').getAttribute('aria-disabled')).to.equal('false');
    expect(el.shadowRoot!.querySelector('.alert [aria-hidden="true"]') === null, 'the countdown is gone').to.equal(
      true,
    );
  });

  it('the status socket lost: asks the backend once, and shows the verdict when the phone proved possession', async () => {
    const { el, run, backend } = await flowAt('desktop');
    run.report(
      'Failed to receive secondary authentication with status code 1006. The connection was closed unexpectedly without a close frame',
    );
    await untilStep(el, 'success');
    expect(await statusCalls(backend.id)).to.equal(1);
  });

  it('the status socket lost with no possession proven: the wait was interrupted, with a new link on offer', async () => {
    const { el, run, backend } = await flowAt('desktop', 'nopossession');
    run.report('Channel communication stalled');
    await untilStep(el, 'expired');
    expect(text(el)).to.contain('The wait was interrupted');
    expect(hasButton(el, 'Send a new link')).to.equal(true);
    expect(await statusCalls(backend.id)).to.equal(1);
  });

  it('the link expiring at Prove (the socket says so) shows the expired link', async () => {
    const { el, run } = await flowAt('desktop');
    run.fail('The verification link has expired', 1014);
    await untilStep(el, 'expired');
    expect(text(el)).to.contain('The link expired');
  });

  it('an integration mistake: not recoverable, no "Try again", details in the console', async () => {
    const consoleError = sinon.stub(console, 'error');
    const { el, run } = await flowAt('desktop');
    const error = oneEvent(el, 'prove-verify-error');
    run.report('Unexpected next step in Instant Link start step mobile/teleport');
    expect((await error).detail).to.deep.include({ code: 'integration', recoverable: false });
    await untilStep(el, 'error');
    expect(alertText(el)).to.contain(
      'This form is not set up correctly. The site’s developers can find the details in the browser console.',
    );
    expect(hasButton(el, 'Try again')).to.equal(false);
    expect(consoleError.calledOnce).to.equal(true);
    expect(String(consoleError.firstCall.args[0])).to.contain(
      'Unexpected next step in Instant Link start step mobile/teleport',
    );
  });

  it("passes Prove's code and message on in the error event", async () => {
    const { el, run } = await flowAt('mobile');
    const error = oneEvent(el, 'prove-verify-error');
    run.fail('Error Code: 8000, error at prove, try again later', 8000);
    expect((await error).detail).to.deep.include({
      code: 'sdk',
      proveCode: 8000,
      proveMessage: 'error at prove, try again later',
    });
    await untilStep(el, 'error');
    expect(alertText(el)).to.contain('stopped unexpectedly');
  });
});
