// `prove-verify-import-map` (bin/): the import map it prints pins the files <prove-verify> loads
// later under the exact URLs the element requests them by. Checked in Chromium on a page that
// serves dist/cdn/ under docs/csp.md's Content-Security-Policy plus the hash the command prints: with
// the files as built, the element runs; with one altered on its way (as a compromised CDN would),
// Chromium refuses that file, its code never runs, and the person sees the element go no further.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { heading, seen, submitDetails, until } from '../e2e/support/page.js';
import { ADDY, REPO_ROOT, ensureCdnBuild, launchBrowser } from '../e2e/support/stack.js';
import { serveSite, type Site } from './support/loopback-site.js';

const BIN = path.join(REPO_ROOT, 'bin/prove-verify-import-map.mjs');
const CDN = '/prove-verify/';

/** The command as a user runs it: stdout (the snippet) and stderr (the CSP hint). */
function run(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What the stub backend answers to the start: Prove refused the person at once (no authToken). */
const REFUSED = { success: false, possessionResult: 'not_applicable', verifyResult: 'failed' };

const integrityJson = (): Record<string, string> =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'dist/cdn/integrity.json'), 'utf8'));

describe('prove-verify-import-map', () => {
  before(ensureCdnBuild);

  it("prints an import map with every file of integrity.json but the pages' own entries, under the folder's URL", () => {
    const { status, stdout, stderr } = run('https://cdn.example/prove-verify@0.1.0/dist/cdn');
    assert.equal(status, 0, stderr);
    const [, json] = /^<script type="importmap">([\s\S]*)<\/script>\n$/.exec(stdout) ?? [];
    assert.ok(json, stdout);
    const { integrity, ...rest } = JSON.parse(json);
    assert.deepEqual(rest, {});
    const expected = Object.entries(integrityJson())
      .filter(([file]) => file !== 'prove-verify.js' && file !== 'instant-link.js')
      .map(([file, hash]) => [`https://cdn.example/prove-verify@0.1.0/dist/cdn/${file}`, hash]);
    assert.deepEqual(integrity, Object.fromEntries(expected));
    assert.ok(
      Object.keys(integrity).some((url) => url.endsWith('/prove-auth.js')) &&
        Object.keys(integrity).some((url) => url.endsWith('/metadata/1.js')),
    );
  });

  it('refuses what is not a folder URL, with its usage', () => {
    for (const args of [[], ['cdn.example/dist/cdn/'], ['ftp://cdn.example/']]) {
      const { status, stderr } = run(...args);
      assert.equal(status, 2, `${args.join(' ')}: exit ${status}`);
      assert.match(stderr, /Usage: prove-verify-import-map/);
    }
  });

  it('runs as npm installs it: through a symlink, as `npx prove-verify-import-map` does', () => {
    // npm links node_modules/.bin/prove-verify-import-map to the package's bin entry; so does this.
    const { bin } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    assert.equal(path.resolve(REPO_ROOT, bin['prove-verify-import-map']), BIN);
    const link = path.join(mkdtempSync(path.join(tmpdir(), 'prove-verify-bin-')), 'prove-verify-import-map');
    symlinkSync(BIN, link);
    const out = execFileSync(link, ['/x/'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    rmSync(path.dirname(link), { recursive: true });
    assert.match(out, /^<script type="importmap">/);
  });
});

describe('the import map in Chromium: the element loads pinned files and is refused an altered one', () => {
  let browser: Browser;
  let page: string;
  let csp: string;

  before(async () => {
    ensureCdnBuild();
    const { stdout, stderr } = run(CDN);
    const hash = /script-src '(sha256-[\w+/=]+)'/.exec(stderr)?.[1];
    assert.ok(hash, stderr);
    // docs/csp.md's header, with the map's hash added to script-src as that page says.
    const header = readFileSync(path.join(REPO_ROOT, 'test/stacks/cdn/csp.http'), 'utf8').split('\n')[1]!;
    csp = header.replace(/^Content-Security-Policy: /, '').replace("script-src 'self'", `script-src 'self' '${hash}'`);
    assert.notEqual(csp, header);
    page = `<!doctype html>\n<html lang="en">\n<title>Pinned</title>\n${stdout}<script type="module" src="${CDN}prove-verify.js"></script>\n<prove-verify backend-url="/api"></prove-verify>\n`;
    browser = await launchBrowser();
  });
  after(() => browser?.close());

  /** The flow's chunk, a numbering plan and Prove's SDK: the three kinds of file the element imports later. */
  function later(): { flow: string; plan: string; sdk: string } {
    const flow = Object.keys(integrityJson()).find((file) => /^flow-[\w-]+\.js$/.test(file));
    assert.ok(flow, 'no flow chunk in integrity.json');
    return { flow, plan: 'metadata/1.js', sdk: 'prove-auth.js' };
  }

  /** Opens the page from a site that alters `altered` (if any) on its way, and submits the person's details. */
  async function visit(
    altered: string | undefined,
    run: (visit: { site: Site; tab: Page; refusals: () => string[] }) => Promise<void>,
  ) {
    const site = await serveSite({
      pages: { '/': page },
      headers: { 'Content-Security-Policy': csp },
      api: { verify: REFUSED },
      alter: (file, bytes) => (file === altered ? Buffer.concat([bytes, Buffer.from('\n// altered\n')]) : bytes),
    });
    const tab = await browser.newPage();
    const messages: ConsoleMessage[] = [];
    tab.on('console', (message) => messages.push(message));
    try {
      await tab.goto(site.origin);
      await submitDetails(tab);
      await run({
        site,
        tab,
        refusals: () => messages.filter((message) => message.type() === 'error').map((message) => message.text()),
      });
    } finally {
      await Promise.all([tab.close(), site.close()]);
    }
  }

  /** Chromium's console error for a module whose hash is not the import map's. */
  const refusalOf = (site: Site, file: string) => (text: string) =>
    text.includes(`'${site.origin}${CDN}${file}'`) &&
    text.includes("Failed to find a valid digest in the 'integrity' attribute");

  const backendCalls = (site: Site) => site.requests.filter((request) => request.path.startsWith('/api/'));

  it('with the files as built: each loads, Verify reaches the backend with the number in E.164, and nothing is refused', async () => {
    await visit(undefined, async ({ site, tab, refusals }) => {
      await seen(heading(tab, 'We couldn’t verify this phone number'));
      // E.164 needs the flow's code and the +1 plan; the start needs Prove's SDK (possession-type auto).
      assert.deepEqual(
        backendCalls(site).map((request) => (request.body as { phoneNumber?: string }).phoneNumber),
        [ADDY.e164],
      );
      for (const file of Object.values(later())) {
        assert.ok(
          site.requests.some((request) => request.path === `${CDN}${file}` && request.status === 200),
          `${file} was not served`,
        );
      }
      assert.deepEqual(refusals(), []);
    });
  });

  for (const kind of ['flow', 'plan'] as const) {
    it(`with the ${kind === 'flow' ? "flow's chunk" : 'numbering plan'} altered: Chromium refuses it, and the form says it could not load`, async () => {
      const file = later()[kind];
      await visit(file, async ({ site, tab, refusals }) => {
        await until(`Chromium to refuse ${file}`, () => refusals().some(refusalOf(site, file)));
        await seen(tab.getByText('We couldn’t load this form. Check your connection and try again.'));
        assert.deepEqual(backendCalls(site), []);
      });
    });
  }

  it("with Prove's SDK altered: Chromium refuses it, and Verify says the server cannot be reached and sends nothing", async () => {
    const file = later().sdk;
    await visit(file, async ({ site, tab, refusals }) => {
      await until(`Chromium to refuse ${file}`, () => refusals().some(refusalOf(site, file)));
      await seen(tab.getByText('We couldn’t reach the server. Check your connection and try again.'));
      assert.deepEqual(backendCalls(site), []);
    });
  });
});
