import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { a11ySnapshotPlugin } from '@web/test-runner-commands/plugins';
import { CHROME_ARGS, requireChrome } from './scripts/find-chrome.mjs';
import { wtrCounts } from './scripts/test-counts.mjs';
import { fakeBackend } from './test/support/fake-backend.mjs';
import { liveStack, liveStackProxy } from './test/support/live-stack.mjs';
import { reactAsEsm } from './test/support/react-as-esm.mjs';

/**
 * `executeServerCommand('emulate-forced-colors', {active})`: the runner's own emulateMedia passes
 * only colour scheme and reduced motion to Chromium (and puppeteer refuses `forced-colors`), so
 * this sets it over the DevTools protocol.
 */
function forcedColors() {
  const sessions = new Map();
  return {
    name: 'forced-colors',
    async executeCommand({ command, payload, session }) {
      if (command !== 'emulate-forced-colors') return undefined;
      const page = session.browser.getPage(session.id);
      let cdp = sessions.get(session.id);
      if (!cdp) {
        cdp = await page.createCDPSession();
        sessions.set(session.id, cdp);
      }
      await cdp.send('Emulation.setEmulatedMedia', {
        features: [{ name: 'forced-colors', value: payload?.active ? 'active' : 'none' }],
      });
      return true;
    },
  };
}

const executablePath = requireChrome();

/** A free port for the runner's own server: `npm test` runs two runners at once, and both would take 8000. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The test files under `dir`, sorted. */
const testFiles = (dir) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => `${dir}/${name}`);

/**
 * Two groups, each a half of the unit and component tests (every other file), the second with the
 * integration tests (Prove's real SDK, the demo backend and the emulator, which start on those
 * tests' first request). `web-test-runner` alone (`npm test`'s way) runs both in one Chromium,
 * one page at a time (`concurrency: 1`: a second page would sit in the background, where timers
 * slow down and nothing takes focus): one runner's start-up (esbuild, Chromium, the live stack)
 * instead of two, about 36 s against 60 s for the groups run one by one. `--group browser-2` runs
 * one; files named on the command line run alone (the runner would otherwise run every group
 * besides them).
 */
const unitAndComponent = [...testFiles('test/unit'), ...testFiles('test/component')];
const groups = [
  { name: 'browser-1', files: unitAndComponent.filter((_, i) => i % 2 === 0) },
  { name: 'browser-2', files: [...unitAndComponent.filter((_, i) => i % 2 === 1), 'test/integration/**/*.test.ts'] },
];
/**
 * Whether test files are named on the command line, read as the runner reads it: its options that
 * take a value (so `--group browser-2` names no file), and the files as its default option, after
 * any option that takes no value or one value (`wtr --watch a.test.ts`, `--files a.test.ts b.test.ts`).
 * A name after an option that takes several (`--browsers chrome firefox`) is that option's.
 */
function filesOnCommandLine(args = process.argv.slice(2)) {
  const taking = (names) => names.map((name) => [name, { type: 'string' }]);
  const valued = ['root-dir', 'concurrent-browsers', 'concurrency', 'config', 'port', 'groups', 'group'];
  const several = ['files', 'browsers', 'esbuild-target'];
  const options = Object.fromEntries(taking([...valued, ...several]));
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  let takes = 'files';
  let files = 0;
  for (const token of tokens) {
    if (token.kind === 'option') {
      if (token.name === 'files' && token.value !== undefined) files++;
      takes = several.includes(token.name) ? token.name : 'files';
    } else if (token.kind === 'positional' && takes === 'files') {
      files++;
    }
  }
  return files > 0;
}

/** The depth of generated-input tests (test/support/depth.ts): `release` in `npm run test:release`. */
const testRunnerHtml = (testFramework) =>
  `<html><body><script>globalThis.TEST_DEPTH = ${JSON.stringify(process.env.TEST_DEPTH ?? 'quick')};</script><script type="module" src="${testFramework}"></script></body></html>`;

export default {
  groups: filesOnCommandLine() ? undefined : groups,
  port: await freePort(),
  testRunnerHtml,
  nodeResolve: true,
  concurrency: 1,
  // One process for the browser and its pages: the runner opens a page per test file, and a new
  // renderer process for each costs about as much CPU as the tests in it (measured: the browser
  // tests take a quarter less CPU). The end-to-end tests, with several contexts, keep Chromium's
  // usual processes.
  browsers: [
    chromeLauncher({ launchOptions: { executablePath, headless: true, args: [...CHROME_ARGS, '--single-process'] } }),
  ],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2021' }),
    liveStack(),
    forcedColors(),
    reactAsEsm(),
    a11ySnapshotPlugin(),
  ],
  middleware: [fakeBackend, liveStackProxy],
  // The usual report, and the counts `npm test`'s closing line adds up.
  reporters: [defaultReporter(), wtrCounts()],
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  testFramework: { config: { timeout: 20000 } },
};
