#!/usr/bin/env node
// `npm test`: makes sure a Chromium is there, builds, then runs every suite: browser
// (component, unit, integration), Node (servers) and end to end. Stops at the first failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChrome } from './find-chrome.mjs';

function run(command, args, env = process.env) {
  console.log(`\n> ${[command, ...args].join(' ')}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit', env });
  return status === 0;
}

function ensureChrome() {
  const found = findChrome();
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  const hasApt = ['/usr/bin/apt-get', '/bin/apt-get'].some((p) => existsSync(p));
  if (isRoot && hasApt) {
    console.log('No Chrome/Chromium found: installing Debian\'s chromium with apt-get (once).');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (run('apt-get', ['update', '-qq'], env) && run('apt-get', ['install', '-y', '-qq', 'chromium'], env)) {
      const installed = findChrome();
      if (installed) return installed;
    }
  }
  console.error(
    'No Chrome/Chromium found: install one (Debian/Ubuntu: sudo apt-get install chromium; macOS: install Google Chrome) or set CHROME_PATH to its executable.',
  );
  process.exit(1);
}

const chrome = ensureChrome();
const env = { ...process.env, CHROME_PATH: chrome };
const suites = [
  ['npm', ['run', 'build']],
  ['npm', ['run', 'test:browser']],
  ['npm', ['run', 'test:server']],
  ['npm', ['run', 'test:e2e']],
];
for (const [command, args] of suites) {
  if (!run(command, args, env)) process.exit(1);
}
