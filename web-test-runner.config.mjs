import { createRequire } from 'node:module';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
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

/**
 * Two groups: `unit-component` (fake SDK, fake backend) and `integration` (Prove's real SDK, the
 * demo backend and the emulator, which start on the integration tests' first request).
 * `web-test-runner --group integration` runs one. Files named on the command line run alone:
 * the runner would otherwise run every group besides them.
 */
const groups = [
  { name: 'unit-component', files: ['test/unit/**/*.test.ts', 'test/component/**/*.test.ts'] },
  { name: 'integration', files: ['test/integration/**/*.test.ts'] },
];
// The runner's own reading of its command line (its package exports no path to it).
const { readCliArgs } = createRequire(import.meta.resolve('@web/test-runner'))('./dist/config/readCliArgs.js');
const filesOnCommandLine = Boolean(readCliArgs().files?.length);

export default {
  groups: filesOnCommandLine ? undefined : groups,
  nodeResolve: true,
  concurrency: 1,
  browsers: [chromeLauncher({ launchOptions: { executablePath, headless: true, args: CHROME_ARGS } })],
  plugins: [esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2021' }), liveStack(), forcedColors(), reactAsEsm()],
  middleware: [fakeBackend, liveStackProxy],
  // The usual report, and the counts `npm test`'s closing line adds up.
  reporters: [defaultReporter(), wtrCounts()],
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  testFramework: { config: { timeout: 20000 } },
};
