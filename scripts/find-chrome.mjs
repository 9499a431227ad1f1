import { accessSync, constants } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** The Chrome or Chromium the tests drive: CHROME_PATH first, then the usual places. */
export function findChrome() {
  for (const path of [process.env.CHROME_PATH, ...CANDIDATES]) {
    if (!path) continue;
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here; try the next one
    }
  }
  return undefined;
}

/** What to do when there is none, in one line (README's promise). */
export const NO_CHROME =
  'No Chrome/Chromium found: install one (Debian/Ubuntu: sudo apt-get install chromium; macOS: Google Chrome) or set CHROME_PATH to its executable.';

/** The Chrome or Chromium the tests drive; throws NO_CHROME when there is none. */
export function requireChrome() {
  const found = findChrome();
  if (!found) throw new Error(NO_CHROME);
  return found;
}

/**
 * Flags for a headless Chromium on a machine with no outside network: no sandbox as root, and no
 * background calls home, which this network refuses.
 */
export const CHROME_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
