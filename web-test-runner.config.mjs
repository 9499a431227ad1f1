import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROME_ARGS, findChrome } from './scripts/find-chrome.mjs';
import { fakeBackend } from './test/support/fake-backend.mjs';
import { liveStack, liveStackProxy } from './test/support/live-stack.mjs';

const executablePath = findChrome();
if (!executablePath) {
  throw new Error('No Chrome/Chromium found: install one (Debian: apt-get install chromium) or set CHROME_PATH.');
}

export default {
  files: ['test/unit/**/*.test.ts', 'test/component/**/*.test.ts', 'test/integration/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  browsers: [chromeLauncher({ launchOptions: { executablePath, headless: true, args: CHROME_ARGS } })],
  plugins: [esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2021' }), liveStack()],
  middleware: [fakeBackend, liveStackProxy],
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  testFramework: { config: { timeout: 20000 } },
};
