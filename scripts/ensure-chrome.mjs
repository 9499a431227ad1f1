#!/usr/bin/env node
// `npm test`'s first step: makes sure there is a Chrome or Chromium for the browser and end-to-end
// tests. With none, as root on a machine with apt-get it installs Debian's chromium (and says so);
// anywhere else it stops with one line saying how to get one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChrome, NO_CHROME } from './find-chrome.mjs';

function run(command, args, env) {
  console.log(`> ${[command, ...args].join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env }).status === 0;
}

if (!findChrome()) {
  const isRoot = process.getuid?.() === 0;
  const hasApt = ['/usr/bin/apt-get', '/bin/apt-get'].some((p) => existsSync(p));
  if (isRoot && hasApt) {
    console.log("No Chrome/Chromium found: installing Debian's chromium with apt-get.");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], env);
    run('apt-get', ['install', '-y', '-qq', 'chromium'], env);
  }
  if (!findChrome()) {
    console.error(NO_CHROME);
    process.exit(1);
  }
}
