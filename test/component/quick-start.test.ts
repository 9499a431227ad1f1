/**
 * Verify starts the flow at once: what it needs (the flow's code, the phone rules, Prove's SDK and
 * its answer to whether this is a phone) is fetched when the person reaches the form, and the start
 * call leaves in the click's own task. Its own page: the first focus must be the page's first.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { loadLazy } from '../../src/flow/lazy-loader.js';
import { checkLoading } from '../../src/phone-rules.js';
import { mobileWebAnswer } from '../../src/sdk.js';
import {
  backendFor,
  buttonByName,
  fillDetails,
  inputByLabel,
  root,
  until,
  untilStep,
  watchFetches,
} from '../support/dom.js';

describe('<prove-verify> quick to start', () => {
  it('at the first focus, before any keystroke, shows the phone’s own field and asks Prove’s SDK whether this is a phone; then Verify’s click sends the start call before the screen changes', async () => {
    const el = await fixture<ProveVerifyElement>(html`<prove-verify backend-url=${backendFor().url}></prove-verify>`);
    expect(mobileWebAnswer).to.equal(undefined);
    expect(root(el).querySelector('select')).to.equal(null);

    inputByLabel(el, 'First name').focus();
    await until(() => root(el).querySelector('select[name="country"]'), 'the country selector never showed');
    await until(() => mobileWebAnswer !== undefined, 'Prove’s SDK was never asked whether this is a phone');
    // Headless Chromium on a desktop.
    expect(mobileWebAnswer).to.equal(false);

    await fillDetails(el);
    // The flow's code and the number's plans are in, as they are a moment after typing.
    await loadLazy();
    await checkLoading('+12001004010');
    await el.updateComplete;
    const calls = watchFetches('/fake-backend/');
    try {
      buttonByName(el, 'Verify').click();
      // Still in the click's task: the start call has left, and `starting` is not drawn yet.
      expect(calls.sent.map((call) => new URL(call.url, location.href).pathname.split('/').pop())).to.deep.equal([
        'verify',
      ]);
      expect(el.step).to.equal('starting');
      expect(buttonByName(el, 'Verify').textContent.trim()).to.equal('Verify');
    } finally {
      calls.stop();
      el.cancel();
    }
    await untilStep(el, 'form');
  });
});
