import { expect, fixture, html } from '@open-wc/testing';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { FakeSdk } from '../support/fake-sdk.js';
import { backendFor, buttonByName, fillDetails, inputByLabel, requestsSent, until, untilStep } from '../support/dom.js';

/** An element whose flow has reached `step`, with its fake SDK. */
async function flowAt(backendUrl: string, possession: 'mobile' | 'desktop', step: string) {
  const sdk = new FakeSdk();
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify backend-url=${backendUrl} possession-type=${possession} .sdk=${sdk}></prove-verify>`,
  );
  await fillDetails(el);
  buttonByName(el, 'Verify').click();
  await untilStep(el, step);
  return { el, sdk };
}

describe('<prove-verify> in the life of a page', () => {
  it('removed mid-flow: cancels the SDK, aborts the request, and starts clean when put back', async () => {
    const backend = backendFor('verify-slow');
    const { el, sdk } = await flowAt(backend.url, 'mobile', 'starting');
    await until(async () => (await requestsSent(backend.id)).length === 1, 'the verify request never left');
    const parent = el.parentNode!;
    el.remove();
    // The slow backend holds its answer for 3 s; the element closes the connection first, so no
    // answer can ever reach the SDK.
    await until(async () => (await requestsSent(backend.id))[0]?.aborted, 'the verify request was never given up');
    expect(sdk.runs).to.have.length(0);
    expect((await requestsSent(backend.id)).map((r) => [r.call, r.aborted])).to.deep.equal([['verify', true]]);
    parent.appendChild(el);
    await el.updateComplete;
    expect(el.step).to.equal('form');
    expect(inputByLabel(el, 'First name').value).to.equal('Addy');
  });

  it('removed while the SDK runs: its run is cancelled and late callbacks change nothing', async () => {
    const backend = backendFor();
    const { el, sdk } = await flowAt(backend.url, 'desktop', 'link-waiting');
    const parent = el.parentNode!;
    el.remove();
    await Promise.resolve(); // a removal counts once the task's microtasks run (a move does not)
    expect(sdk.runAt(0).cancelled).to.equal(true);
    sdk.runAt(0).openLink();
    // The refused step ends the old run: the SDK calls its finish step, which must ask nothing.
    await until(() => sdk.runAt(0).finishes === 1, 'the old run never called its finish step');
    parent.appendChild(el);
    await el.updateComplete;
    expect(el.step).to.equal('form');
    // And a new flow runs normally; a status call of the old run would have left before its start.
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    expect(sdk.runs).to.have.length(2);
    expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal(['verify', 'verify']);
  });

  it('moved in the page mid-flow: the same run goes on, and the code typed after the move completes it', async () => {
    const backend = backendFor();
    const { el, sdk } = await flowAt(backend.url, 'mobile', 'otp-entry');
    const steps: string[] = [];
    el.addEventListener('prove-verify-step', (e) => steps.push((e as CustomEvent<{ step: string }>).detail.step));
    const elsewhere = document.createElement('section');
    document.body.append(elsewhere);
    try {
      elsewhere.append(el);
      // Whether the element left is decided once the task's microtasks have run (a move puts it
      // back first): decided by now.
      await Promise.resolve();
      await el.updateComplete;
      expect(sdk.runAt(0).cancelled).to.equal(false);
      expect(el.step).to.equal('otp-entry');
      inputByLabel(el, /code/i).value = '1234';
      buttonByName(el, 'Confirm code').click();
      await untilStep(el, 'success');
      expect(sdk.runs).to.have.length(1);
      expect(steps).to.deep.equal(['otp-checking', 'verifying', 'success']);
      expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal(['verify', 'verify-status']);
    } finally {
      el.remove();
      elsewhere.remove();
    }
  });

  it('keeps a running flow on the settings it started with when attributes change', async () => {
    const first = backendFor();
    const second = backendFor();
    const { el } = await flowAt(first.url, 'mobile', 'otp-entry');
    el.setAttribute('backend-url', second.url);
    el.setAttribute('possession-type', 'desktop');
    el.setAttribute('first-name', 'Somebody');
    await el.updateComplete;
    inputByLabel(el, /code/i).value = '1234';
    buttonByName(el, 'Confirm code').click();
    await untilStep(el, 'success');
    expect((await requestsSent(first.id)).map((r) => r.call)).to.deep.equal(['verify', 'verify-status']);
    expect(await requestsSent(second.id)).to.deep.equal([]);
  });

  it('writes nothing typed and no token to the console or web storage', async () => {
    const logged: unknown[][] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to be put back
    const originals = methods.map((m) => [m, console[m]] as const);
    methods.forEach((m) => (console[m] = (...args: unknown[]) => logged.push(args)));
    localStorage.clear();
    sessionStorage.clear();
    try {
      const backend = backendFor('nomatch');
      const sdk = new FakeSdk();
      const el = await fixture<ProveVerifyElement>(
        html`<prove-verify backend-url=${backend.url} possession-type="desktop" .sdk=${sdk}></prove-verify>`,
      );
      await fillDetails(el, 'Secretfirst', 'Secretlast', '2001004010');
      buttonByName(el, 'Verify').click();
      await untilStep(el, 'link-waiting');
      sdk.runAt(0).openLink();
      await untilStep(el, 'failure');
    } finally {
      for (const [m, original] of originals) console[m] = original;
    }
    const everything =
      JSON.stringify(logged) + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
    for (const secret of ['Secretfirst', 'Secretlast', '2001004010', 'token-']) {
      expect(everything).not.to.contain(secret);
    }
  });

  it('reset() and cancel() return to the form from a running flow', async () => {
    const { el, sdk } = await flowAt(backendFor().url, 'mobile', 'otp-entry');
    el.reset();
    await untilStep(el, 'form');
    expect(sdk.runAt(0).cancelled).to.equal(true);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    let cancelled = 0;
    el.addEventListener('prove-verify-cancel', () => cancelled++);
    el.cancel();
    await untilStep(el, 'form');
    expect(cancelled).to.equal(1);
    expect(sdk.runAt(1).cancelled).to.equal(true);
  });
});
