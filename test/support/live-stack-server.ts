/**
 * The real stack for integration tests, in a child process of the test runner: the Prove
 * sandbox emulator and the demo integrator backend, on free ports. Prints one JSON line with
 * their URLs, then runs until its parent closes stdin or kills it.
 */
import { NO_LIMITS, startApp } from '../../demo/server/app/index.js';
import { startEmulator } from '../../demo/server/emulator/index.js';

// The test page (the runner's origin, passed by live-stack.mjs) reads the inbox and arms faults.
const emulator = await startEmulator({
  port: 0,
  sandboxOrigins: process.env.LIVE_PAGE_ORIGIN ? [process.env.LIVE_PAGE_ORIGIN] : [],
});
// Three backends on one emulator: the demo's default (Prove's Unify, allowOTPRetry on), Prove's own
// default (allowOTPRetry off: one wrong code ends possession), and the July 2025 guide's contract
// (verify-status). Each tells the page what its server hook was told, as `serverSaw`, so a test
// sees the verdict the integrator's server got, not only the browser's.
const startBackend = (allowOtpRetry: boolean, flow: 'unify' | 'verify-status' = 'unify') =>
  startApp({
    port: 0,
    prove: { baseUrl: emulator.url, clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
    mode: 'emulator',
    emulatorUrl: emulator.url,
    allowOtpRetry,
    flow,
    onVerified: ({ success, phoneNumber, firstName, lastName }) => ({
      serverSaw: { success, phoneNumber, firstName, lastName },
    }),
    static: { bundleMain: false },
    // Every test starts flows from 127.0.0.1 with the same sandbox numbers: the budgets would
    // refuse them (test/server/app-budgets.test.ts tests the budgets).
    limits: NO_LIMITS,
  });
const app = await startBackend(true);
const noRetryApp = await startBackend(false);
const seedApp = await startBackend(true, 'verify-status');
process.stdout.write(
  `${JSON.stringify({ appUrl: app.url, noRetryAppUrl: noRetryApp.url, seedAppUrl: seedApp.url, emulatorUrl: emulator.url })}\n`,
);

const stop = async () => {
  await Promise.allSettled([app.close(), noRetryApp.close(), seedApp.close(), emulator.close()]);
  process.exit(0);
};
process.stdin.on('end', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
