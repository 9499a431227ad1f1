// `prove-verify/react` in React 19, rendered on the client and hydrated from server-rendered HTML.
// React is CommonJS: test/support/react-as-esm.mjs serves it to the browser as ES modules.
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { createElement } from 'react';
import { createRoot, hydrateRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { ProveVerify, type ProveVerifyProps } from '../../src/react.js';
import { FakeSdk } from '../support/fake-sdk.js';
import { backendFor, buttonByName, fillDetails, requestsSent, text, untilStep } from '../support/dom.js';

/** What reached the page through each event prop, in order. */
function eventProps() {
  const heard: string[] = [];
  const props = {
    onStep: (e) => heard.push(`step:${e.detail.step}`),
    onSuccess: (e) => heard.push(`success:${e.detail.result.verifyResult}`),
    onFailure: (e) => heard.push(`failure:${e.detail.result.verifyResult}`),
    onError: (e) => heard.push(`error:${e.detail.code}`),
    onCancel: () => heard.push('cancel'),
  } satisfies ProveVerifyProps;
  return { heard, props };
}

let container: HTMLElement;
let root: Root | undefined;

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});

afterEach(() => {
  root?.unmount();
  root = undefined;
  container.remove();
});

async function rendered(): Promise<ProveVerifyElement> {
  await waitUntil(() => container.querySelector('prove-verify'), 'React never rendered <prove-verify>', {
    timeout: 5000,
  });
  const el = container.querySelector('prove-verify')!;
  await el.updateComplete;
  return el;
}

/** Name, number, Verify, the code: the mobile flow as a person goes through it. */
async function verifyByCode(el: ProveVerifyElement) {
  await fillDetails(el);
  buttonByName(el, 'Verify').click();
  await untilStep(el, 'otp-entry');
  el.shadowRoot!.querySelector<HTMLInputElement>('input')!.focus();
  await sendKeys({ type: '1234' });
}

/** The steps a code flow announces before its verdict, as the event props hear them. */
const CODE_STEPS = ['step:starting', 'step:otp-sending', 'step:otp-entry', 'step:otp-checking', 'step:verifying'];

describe('prove-verify/react', () => {
  it('sets backendUrl and the SDK as properties and fires onStep and onSuccess through a whole flow', async () => {
    const backend = backendFor('ok');
    const sdk = new FakeSdk();
    const { heard, props } = eventProps();
    root = createRoot(container);
    root.render(
      createElement(ProveVerify, { backendUrl: backend.url, possessionType: 'mobile', resendAfter: 0, sdk, ...props }),
    );
    const el = await rendered();

    expect(el.backendUrl).to.equal(backend.url);
    expect(el.sdk).to.equal(sdk);
    // React 19 would set an unknown camelCase prop on a custom element as a lowercased attribute.
    expect(el.getAttributeNames()).to.not.include('backendurl');

    await verifyByCode(el);
    await untilStep(el, 'success');
    expect(text(el)).to.contain('Phone number verified');
    expect(heard).to.deep.equal([...CODE_STEPS, 'step:success', 'success:success']);
    // The backend named by the prop is the one the element called.
    expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal(['verify', 'verify-status']);
    expect(sdk.runAt(0).codes).to.deep.equal(['1234']);
  });

  it("in a form, submits the verified number under the name prop, as the element's attribute", async () => {
    const backend = backendFor('ok');
    root = createRoot(container);
    root.render(
      createElement(
        'form',
        null,
        createElement(ProveVerify, {
          name: 'phone',
          backendUrl: backend.url,
          possessionType: 'mobile',
          sdk: new FakeSdk(),
        }),
      ),
    );
    const el = await rendered();
    const form = container.querySelector('form')!;
    expect(el.getAttribute('name')).to.equal('phone');
    expect(new FormData(form).has('phone')).to.equal(false);
    await verifyByCode(el);
    await untilStep(el, 'success');
    expect(new FormData(form).get('phone')).to.equal('+12001004010');
  });

  it('fires onError and onCancel, and follows new props and handlers on a re-render', async () => {
    const failing = backendFor('verify-500');
    const { heard, props } = eventProps();
    root = createRoot(container);
    root.render(
      createElement(ProveVerify, { backendUrl: failing.url, possessionType: 'mobile', sdk: new FakeSdk(), ...props }),
    );
    const el = await rendered();
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await waitUntil(() => heard.includes('error:http'), `no onError (heard: ${heard.join(', ')})`, { timeout: 5000 });

    const working = backendFor('ok');
    const cancels: string[] = [];
    root.render(
      createElement(ProveVerify, {
        backendUrl: working.url,
        possessionType: 'mobile',
        sdk: new FakeSdk(),
        ...props,
        onCancel: () => cancels.push('new handler'),
      }),
    );
    await waitUntil(() => el.backendUrl === working.url, 'the new backendUrl never reached the element', {
      timeout: 5000,
    });
    el.reset();
    await el.updateComplete;
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    buttonByName(el, 'Cancel').click();
    await untilStep(el, 'form');

    expect(cancels).to.deep.equal(['new handler']);
    expect(heard).to.not.include('cancel');
    expect((await requestsSent(working.id)).map((r) => r.call)).to.deep.equal(['verify']);
  });

  it('hydrates server-rendered HTML: the same element gets its properties and the event props fire', async () => {
    const backend = backendFor('nomatch');
    const sdk = new FakeSdk();
    const { heard, props } = eventProps();
    const app = () =>
      createElement(ProveVerify, { backendUrl: backend.url, possessionType: 'mobile', resendAfter: 0, sdk, ...props });

    const html = renderToString(app());
    expect(html).to.equal('<prove-verify></prove-verify>');
    container.innerHTML = html;
    const fromServer = container.querySelector('prove-verify')!;
    await fromServer.updateComplete;
    expect(fromServer.backendUrl).to.equal('');

    const mismatches: unknown[] = [];
    root = hydrateRoot(container, app(), { onRecoverableError: (error) => mismatches.push(error) });
    await waitUntil(() => fromServer.backendUrl === backend.url, 'hydration never set backendUrl', { timeout: 5000 });
    expect(container.querySelector('prove-verify')).to.equal(fromServer);
    expect(fromServer.sdk).to.equal(sdk);
    expect(fromServer.getAttributeNames()).to.not.include('backendurl');

    await verifyByCode(fromServer);
    await untilStep(fromServer, 'failure');
    expect(heard).to.deep.equal([...CODE_STEPS, 'step:failure', 'failure:failed']);
    expect((await requestsSent(backend.id)).map((r) => r.call)).to.deep.equal(['verify', 'verify-status']);
    expect(mismatches).to.deep.equal([]);
  });
});
