#!/usr/bin/env node
// `npm test` (the quick loop) and `npm run test:release` (the long proofs): each step in order or
// side by side, its output shown whole when it ends (side-by-side output would interleave), and a
// closing summary with every step's time and the tests counted by the tools' own reporters.
//
//   npm test              Chrome, then two chains side by side: the browser suites (one
//                         web-test-runner for both groups: two runners cost a start-up each, about
//                         25 s more in all); and the type check (tsc -b, which also emits the dist/
//                         the CDN build starts from), the CDN build, the server suites (whose budget
//                         test measures that build, in one process: test/server/all.ts) and the
//                         end-to-end suite.
//   npm run test:release  the build, the type check of the release suites (tsconfig.release.json:
//                         their types, Vite's and Vue's among them, are half the quick loop's
//                         type-check time) and the packed tarballs, then the long proofs one after another:
//                         framework stacks, the package, bundlers, screenshots, faults, load, fuzz.
//
// Exit code: 1 when a step fails or a suite counts a failed test (or, under CI=true, a skipped one).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearCounts, countsOf, formatCounts } from './test-counts.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LOG_DIR = path.join(ROOT, 'node_modules/.cache/prove-verify-tests');

/**
 * A step: an npm script, or a node script. Its name is what test-counts.mjs files a suite's counts
 * under (TEST_SUITE).
 */
const npm = (script, ...args) => ({
  name: script,
  command: 'npm',
  args: ['run', '-s', script, ...(args.length ? ['--', ...args] : [])],
});
const node = (name, script, ...args) => ({ name, command: process.execPath, args: [script, ...args] });

/** Steps in order; an array inside runs its members side by side, each a chain of steps. */
const PLANS = {
  quick: [
    node('chrome', 'scripts/ensure-chrome.mjs'),
    node('phone metadata', 'scripts/phone-metadata.mjs'),
    [[npm('test:browser')], [npm('typecheck'), npm('build:cdn'), npm('test:server'), npm('test:e2e')]],
  ],
  release: [
    node('chrome', 'scripts/ensure-chrome.mjs'),
    npm('build'),
    npm('typecheck:release'),
    npm('pack'),
    npm('test:release:node'),
    npm('test:release:browser'),
  ],
};

const SUITES = {
  quick: ['test:browser', 'test:server', 'test:e2e'],
  release: ['test:release:node', 'test:release:browser'],
};

const timings = [];
let failed = false;

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs one step, its output kept and shown whole when it ends; answers whether it passed. */
function runStep(step) {
  const started = Date.now();
  console.log(`▶ ${step.name}`);
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, {
      cwd: ROOT,
      env: { ...process.env, TEST_SUITE: step.name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('close', (code, signal) => {
      const ms = Date.now() - started;
      const ok = code === 0;
      timings.push({ name: step.name, ms, ok });
      mkdirSync(LOG_DIR, { recursive: true });
      writeFileSync(path.join(LOG_DIR, `${step.name.replace(/[^\w.-]+/g, '-')}.log`), output);
      const mark = ok ? '✔' : '✖';
      console.log(
        `\n${mark} ${step.name} (${seconds(ms)})${ok ? '' : `: exit ${code ?? signal}`}\n${output.trimEnd()}\n`,
      );
      resolve(ok);
    });
  });
}

/** Runs a chain of steps, stopping at the first that fails. */
/** Runs a chain of steps, stopping at the first that fails. */
async function runChain(chain) {
  for (const step of chain) {
    if (!(await runStep(step))) return false;
  }
  return true;
}

const mode = process.argv[2] === 'release' ? 'release' : 'quick';
// The full counts of the generated-input tests (test/support/depth.ts).
if (mode === 'release') process.env.TEST_DEPTH = 'release';
const started = Date.now();
clearCounts(SUITES[mode]);
for (const entry of PLANS[mode]) {
  const ok = await (Array.isArray(entry)
    ? Promise.all(entry.map(runChain)).then((chains) => chains.every(Boolean))
    : runChain([entry]));
  if (!ok) {
    failed = true;
    break;
  }
}

const counts = countsOf(SUITES[mode]);
console.log(
  `\n${mode === 'quick' ? 'npm test' : 'npm run test:release'}: ${timings.map((t) => `${t.name} ${seconds(t.ms)}${t.ok ? '' : ' ✖'}`).join(' · ')}`,
);
console.log(`${formatCounts(counts)} in ${seconds(Date.now() - started)}`);
const skippedInCi = process.env.CI === 'true' && counts.skipped > 0;
if (skippedInCi) console.log('CI=true: a skipped test fails the run (a tool it needs is missing).');
process.exit(failed || counts.failed > 0 || skippedInCi || counts.missing.length > 0 ? 1 : 0);
