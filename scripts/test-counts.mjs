// Each suite's counts, written as JSON by the test tools' own reporters (no reading of their
// output), and `npm test`'s closing line adding them up.
//
// - default export: a reporter for node's test runner (`--test-reporter=./scripts/test-counts.mjs`);
// - `wtrCounts()`: a reporter for web-test-runner;
// - `node scripts/test-counts.mjs test:browser test:server test:e2e`: prints
//   `tests: N passed, N failed` from those suites' last counts.
// Each file is named after the npm script that ran the suite (`npm_lifecycle_event`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../node_modules/.cache/prove-verify-tests/', import.meta.url));
const fileOf = (suite) => `${DIR}${suite.replaceAll(':', '-')}.json`;

function writeCounts(counts) {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(fileOf(process.env.npm_lifecycle_event ?? 'tests'), `${JSON.stringify(counts)}\n`);
}

/** node --test reporter: counts passed and failed tests (not suites, not skipped ones). */
// eslint-disable-next-line require-yield -- node's test runner takes a reporter as a generator; this one prints nothing (spec does)
export default async function* nodeCounts(source) {
  const counts = { passed: 0, failed: 0 };
  for await (const event of source) {
    const { details, skip, todo } = event.data ?? {};
    if (details?.type === 'suite' || skip || todo) continue;
    if (event.type === 'test:pass') counts.passed += 1;
    if (event.type === 'test:fail') counts.failed += 1;
  }
  writeCounts(counts);
}

/** web-test-runner reporter: counts every session's tests; a session that failed without a failing test counts one. */
export function wtrCounts() {
  const count = (suite, counts) => {
    for (const test of suite?.tests ?? []) {
      if (test.skipped) continue;
      counts[test.passed ? 'passed' : 'failed'] += 1;
    }
    for (const child of suite?.suites ?? []) count(child, counts);
  };
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0 };
      for (const session of sessions) {
        const before = counts.failed;
        count(session.testResults, counts);
        if (!session.passed && counts.failed === before) counts.failed += 1;
      }
      writeCounts(counts);
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const total = { passed: 0, failed: 0 };
  for (const suite of process.argv.slice(2)) {
    const { passed, failed } = JSON.parse(readFileSync(fileOf(suite), 'utf8'));
    total.passed += passed;
    total.failed += failed;
  }
  console.log(`\ntests: ${total.passed} passed, ${total.failed} failed`);
  process.exit(total.failed ? 1 : 0);
}
