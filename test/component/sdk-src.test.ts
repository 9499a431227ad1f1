import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { inputByLabel, type } from '../support/dom.js';

const PROVE_FILE = '/node_modules/@prove-identity/prove-auth/build/bundle/release/prove-auth.js';

/** The scripts this page requested whose path is Prove's file, as full URLs. */
function proveFileRequests(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((url) => new URL(url).pathname === PROVE_FILE);
}

describe('<prove-verify sdk-src>', () => {
  it("loads Prove's SDK from the page's own copy, the address read against the page, and not from the build's", async () => {
    // Relative, as a page would write it: against the page this is PROVE_FILE; against our module
    // (/src/sdk.ts) it would name a file that does not exist.
    const ownCopy = `${PROVE_FILE.slice(1)}?served-by=the-page`;
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url="/api" sdk-src=${ownCopy}></prove-verify>`,
    );
    expect(el.sdkSrc).to.equal(ownCopy);

    // The first keystroke fetches Prove's SDK ahead of the submit.
    type(inputByLabel(el, 'First name'), 'A');
    await waitUntil(() => proveFileRequests().length > 0, "Prove's SDK was never requested", { timeout: 5000 });
    await waitUntil(() => (globalThis as { proveAuth?: object }).proveAuth, "Prove's SDK never defined its API", {
      timeout: 5000,
    });

    expect(proveFileRequests()).to.deep.equal([new URL(ownCopy, document.baseURI).href]);
  });
});
