#!/usr/bin/env node
// `npm test`: makes sure a Chromium is there, type-checks and builds, then runs every suite: browser (unit,
// component, integration), Node (servers) and end to end. Stops at the first failing suite and
// ends with one line adding up every suite's count.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChrome, NO_CHROME } from './find-chrome.mjs';

function runQuietly(command, args, env) {
  console.log(`> ${[command, ...args].join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env }).status === 0;
}

/** Runs a suite, passing its output through, and answers its exit status and its output. */
function runSuite(command, args, env) {
  console.log(`\n> ${[command, ...args].join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.on('close', (status) => resolve({ ok: status === 0, output }));
  });
}

/** The counts a suite printed last: web-test-runner's "N passed, N failed" or node's "# pass N". */
function counts(output) {
  const plain = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  const wtr = [...plain.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
  if (wtr) return { passed: Number(wtr[1]), failed: Number(wtr[2]) };
  const pass = [...plain.matchAll(/^# pass (\d+)$/gm)].at(-1);
  const fail = [...plain.matchAll(/^# fail (\d+)$/gm)].at(-1);
  return { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) };
}

function ensureChrome() {
  const found = findChrome();
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  const hasApt = ['/usr/bin/apt-get', '/bin/apt-get'].some((p) => existsSync(p));
  if (isRoot && hasApt) {
    console.log("No Chrome/Chromium found: installing Debian's chromium with apt-get.");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (runQuietly('apt-get', ['update', '-qq'], env) && runQuietly('apt-get', ['install', '-y', '-qq', 'chromium'], env)) {
      const installed = findChrome();
      if (installed) return installed;
    }
  }
  console.error(NO_CHROME);
  process.exit(1);
}

const env = { ...process.env, CHROME_PATH: ensureChrome() };
for (const step of ['typecheck', 'build']) {
  if (!runQuietly('npm', ['run', step], env)) process.exit(1);
}

const total = { passed: 0, failed: 0 };
let ok = true;
for (const suite of ['test:browser', 'test:server', 'test:e2e']) {
  const result = await runSuite('npm', ['run', suite], env);
  const { passed, failed } = counts(result.output);
  total.passed += passed;
  total.failed += failed;
  if (!result.ok) {
    ok = false;
    if (failed === 0) total.failed += 1; // a suite that crashed before counting still failed
    break;
  }
}
console.log(`\ntests: ${total.passed} passed, ${total.failed} failed`);
process.exit(ok ? 0 : 1);
