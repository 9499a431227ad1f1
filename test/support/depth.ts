/**
 * How deep a generated-input test goes: a sample in `npm test` (the quick loop), the full count in
 * `npm run test:release`, which sets TEST_DEPTH=release (in the browser, web-test-runner.config.mjs
 * hands it to the page). A sample still draws new inputs every run; the full count is the proof.
 */
const depth =
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.TEST_DEPTH ??
  (globalThis as { TEST_DEPTH?: string }).TEST_DEPTH;

export const releaseDepth = depth === 'release';

/** `full` runs in the release proof, a tenth (at least 10) in the quick loop. */
export const fuzzRuns = (full: number): number => (releaseDepth ? full : Math.max(10, Math.ceil(full / 10)));
