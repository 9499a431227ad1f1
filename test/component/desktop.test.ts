import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { FakeSdk } from '../support/fake-sdk.js';
import { backendFor, buttonByName, fillDetails, focused, inputByLabel, requestsSent, text, type, until, untilStep } from '../support/dom.js';

async function mountDesktop(scenario = 'ok', resendAfter = 0) {
  const backend = backendFor(scenario);
  const sdk = new FakeSdk();
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify backend-url=${backend.url} possession-type="desktop" final-target-url="https://example.com/done" resend-after=${resendAfter} .sdk=${sdk}></prove-verify>`,
  );
  await fillDetails(el);
  buttonByName(el, 'Verify').click();
  await untilStep(el, 'link-waiting');
  return { el, sdk, backend };
}

describe('<prove-verify> desktop flow (Instant Link)', () => {
  it('waits for the link with only the last four digits shown, then shows success', async () => {
    const { el, sdk, backend } = await mountDesktop();
    const [verify] = await requestsSent(backend.id);
    expect(verify.body).to.deep.equal({
      firstName: 'Addy',
      lastName: 'Epinay',
      phoneNumber: '+12001004010',
      possessionType: 'desktop',
      finalTargetUrl: 'https://example.com/done',
    });
    expect(sdk.runs[0].possession).to.equal('desktop');
    expect(text(el)).to.contain('A text message with a link was just sent to the phone ending in 4010.');
    expect(text(el)).not.to.contain('200');
    expect(focused(el)?.textContent).to.equal('Check your Phone');
    await expect(el).to.be.accessible();

    const success = oneEvent(el, 'prove-verify-success');
    sdk.runs[0].openLink();
    await success;
    await untilStep(el, 'success');
    expect(text(el)).to.contain('Phone number verified');
    const heading = focused(el)!;
    expect(heading.textContent).to.equal('Phone number verified');
    expect(el.shadowRoot!.getElementById(heading.getAttribute('aria-describedby')!)?.textContent).to.equal('Thank you, your phone number is confirmed.');
  });

  it('still says what to do, and lets the person cancel, when the SDK offers no resend', async () => {
    const backend = backendFor();
    const sdk = new FakeSdk();
    sdk.noRetryStep = true;
    const el = await fixture<ProveVerifyElement>(html`<prove-verify backend-url=${backend.url} possession-type="desktop" .sdk=${sdk}></prove-verify>`);
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-sending');
    expect(text(el)).to.contain('A text message with a link is being sent to the phone ending in 4010. Open the link on your phone to continue');
    expect(buttonByName(el, /Resend link/).disabled).to.equal(true);
    expect(buttonByName(el, 'Use a different number').disabled).to.equal(true);
    expect(buttonByName(el, 'Cancel').disabled).to.equal(false);
    await expect(el).to.be.accessible();
    sdk.runs[0].openLink();
    await untilStep(el, 'success');
  });

  it('says the phone was not confirmed when possession failed, rather than blaming the details', async () => {
    const { el, sdk } = await mountDesktop('nopossession');
    sdk.runs[0].openLink();
    await untilStep(el, 'failure');
    expect(text(el)).to.contain("We couldn't confirm that this phone is with you");
    expect(text(el)).not.to.contain('The details did not match');
  });

  it('resends the link and says so', async () => {
    const { el, sdk } = await mountDesktop();
    buttonByName(el, 'Resend link').click();
    await untilStep(el, 'link-sending');
    await untilStep(el, 'link-waiting');
    expect(text(el)).to.contain('We sent a new link.');
    expect(sdk.runs[0].resends).to.equal(1);
  });

  it('sends the link to a different number (an in-flow backend)', async () => {
    const { el, sdk } = await mountDesktop('ok.in-flow');
    buttonByName(el, 'Use a different number').click();
    await untilStep(el, 'phone-change');
    type(inputByLabel(el, 'Phone number'), '201-555-0123');
    buttonByName(el, 'Send link').click();
    await untilStep(el, 'link-waiting');
    expect(sdk.runs[0].phoneNumbers).to.deep.equal([null, '+12015550123']);
    expect(text(el)).to.contain('ending in 0123');
  });

  it('cancels: the SDK run is cancelled, the form comes back with what was typed, and an event fires', async () => {
    const { el, sdk, backend } = await mountDesktop();
    const cancelled = oneEvent(el, 'prove-verify-cancel');
    buttonByName(el, 'Cancel').click();
    await cancelled;
    await untilStep(el, 'form');
    expect(sdk.runs[0].cancelled).to.equal(true);
    // As Prove's guide asks, the waiting step was refused, so the SDK reports the cancel to Prove.
    expect(sdk.runs[0].refusedSteps).to.deep.equal(['link']);
    expect(inputByLabel(el, 'First name').value).to.equal('Addy');
    expect(inputByLabel(el, 'Phone number').value).to.equal('(200) 100-4010');
    // The SDK's finish step after the refusal, and a link opened after cancelling, change nothing
    // and ask the backend nothing.
    sdk.runs[0].openLink();
    await until(() => sdk.runs[0].finishes === 1, 'the SDK never ran its finish step');
    await el.updateComplete;
    expect(el.step).to.equal('form');
    // A status call from that finish would leave before the next flow's start, which is answered.
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal(['verify', 'verify']);
    expect(sdk.runs[0].finishes).to.equal(1);
  });

  it("shows a failure when the backend says the details don't match, and starts again keeping them", async () => {
    const { el, sdk } = await mountDesktop('nomatch');
    const failure = oneEvent(el, 'prove-verify-failure');
    sdk.runs[0].openLink();
    const { detail } = await failure;
    expect(detail.result).to.deep.include({ success: false, verifyResult: 'failed' });
    await untilStep(el, 'failure');
    expect(text(el)).to.contain("We couldn't verify this phone number");
    buttonByName(el, 'Start again').click();
    await untilStep(el, 'form');
    expect(inputByLabel(el, 'Last name').value).to.equal('Epinay');
  });
});
