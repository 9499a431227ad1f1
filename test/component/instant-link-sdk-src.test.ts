import { expect, waitUntil } from '@open-wc/testing';
import { finishInstantLink } from '../../src/instant-link.js';

const PROVE_FILE = '/node_modules/@prove-identity/prove-auth/build/bundle/release/prove-auth.js';

const proveFileRequests = () =>
  performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((url) => new URL(url).pathname === PROVE_FILE);

// Its own page: Prove's SDK loads once per page, so sdk-src.test.ts cannot show this one.
describe('finishInstantLink(url, {sdkSrc})', () => {
  it("loads Prove's SDK from the landing page's own copy, the address read against the page", async () => {
    const ownCopy = `${PROVE_FILE.slice(1)}?served-by=the-landing-page`;
    const landing = new URL('/verified?asc=true&authId=00000000-0000-4000-8000-000000000000', location.href).href;
    // What Prove's SDK then does with a made-up authId is not this test's concern, only where it came from.
    const finishing = finishInstantLink(landing, { sdkSrc: ownCopy }).catch(() => 'refused');
    await waitUntil(() => proveFileRequests().length > 0, "Prove's SDK was never requested", { timeout: 5000 });
    expect(proveFileRequests()).to.deep.equal([new URL(ownCopy, document.baseURI).href]);
    // Finished or refused, it has settled: nothing of it runs on into the next test.
    await finishing;
  });

  it("loads nothing of Prove's when the link was opened on another device (no asc/authId)", async () => {
    const before = proveFileRequests().length;
    expect(
      await finishInstantLink(new URL('/verified', location.href).href, { sdkSrc: '/elsewhere/prove-auth.js' }),
    ).to.equal('not-started-here');
    expect(proveFileRequests().length).to.equal(before);
    expect(performance.getEntriesByType('resource').some((entry) => entry.name.includes('/elsewhere/'))).to.equal(
      false,
    );
  });
});
