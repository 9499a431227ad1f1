// Each suite's counts, written as JSON by the test tools' own reporters (no reading of their
// output), and the closing line of scripts/test.mjs adding them up.
//
// - default export: a reporter for node's test runner (`--test-reporter=./scripts/test-counts.mjs`);
// - `wtrCounts()`: a reporter for web-test-runner;
// - `countsOf(suites)`, `formatCounts(counts)`: the suites' last counts, added up, and the line
//   `tests: N passed, N failed, N skipped (names)`; `clearCounts(suites)` before a run, so a suite
//   that never ran is missing rather than counted from an old run.
// Each file is named after the suite: TEST_SUITE (scripts/test.mjs sets it), else the npm script
// that ran it (`npm_lifecycle_event`). Skipped
// tests are named: a suite that skips for a tool it lacks must not shrink the count unseen.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../node_modules/.cache/prove-verify-tests/', import.meta.url));
const fileOf = (suite) => `${DIR}${suite.replaceAll(':', '-')}.json`;

function writeCounts(counts) {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(
    fileOf(process.env.TEST_SUITE ?? process.env.npm_lifecycle_event ?? 'tests'),
    `${JSON.stringify(counts)}\n`,
  );
}

const emptyCounts = () => ({ passed: 0, failed: 0, skipped: 0, skippedNames: [] });

/** node --test reporter: counts passed, failed and skipped tests (not suites); it prints nothing (spec does). */
// eslint-disable-next-line require-yield -- node's test runner takes a reporter as a generator
export default async function* nodeCounts(source) {
  const counts = emptyCounts();
  for await (const event of source) {
    const { details, skip, todo, name } = event.data ?? {};
    // A skipped suite never runs its tests: it counts as one skipped.
    if (skip || todo) {
      if (event.type === 'test:pass') {
        counts.skipped += 1;
        counts.skippedNames.push(name);
      }
      continue;
    }
    if (details?.type === 'suite') continue;
    if (event.type === 'test:pass') counts.passed += 1;
    if (event.type === 'test:fail') counts.failed += 1;
  }
  writeCounts(counts);
}

/** web-test-runner reporter: counts every session's tests; a session that failed without a failing test counts one. */
export function wtrCounts() {
  const count = (suite, counts) => {
    for (const test of suite?.tests ?? []) {
      if (test.skipped) {
        counts.skipped += 1;
        counts.skippedNames.push(test.name);
      } else counts[test.passed ? 'passed' : 'failed'] += 1;
    }
    for (const child of suite?.suites ?? []) count(child, counts);
  };
  return {
    onTestRunFinished({ sessions }) {
      const counts = emptyCounts();
      for (const session of sessions) {
        const before = counts.failed;
        count(session.testResults, counts);
        if (!session.passed && counts.failed === before) counts.failed += 1;
      }
      writeCounts(counts);
    },
  };
}

/** Forgets the suites' last counts. */
export function clearCounts(suites) {
  for (const suite of suites) rmSync(fileOf(suite), { force: true });
}

/** The suites' last counts added up; `missing` names a suite that wrote none (it never finished). */
export function countsOf(suites) {
  const total = { ...emptyCounts(), missing: [] };
  for (const suite of suites) {
    let counts;
    try {
      counts = JSON.parse(readFileSync(fileOf(suite), 'utf8'));
    } catch {
      total.missing.push(suite);
      continue;
    }
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped ?? 0;
    total.skippedNames.push(...(counts.skippedNames ?? []));
  }
  return total;
}

export function formatCounts({ passed, failed, skipped, skippedNames, missing }) {
  const skips = skipped ? `, ${skipped} skipped (${skippedNames.join('; ')})` : ', 0 skipped';
  const unfinished = missing.length ? `; no counts from ${missing.join(', ')}` : '';
  return `tests: ${passed} passed, ${failed} failed${skips}${unfinished}`;
}
