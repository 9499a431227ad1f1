/**
 * The matrix's one shared install, as a monorepo of apps has it: test/bundlers/node_modules holds
 * the tools (`npm ci` from test/bundlers/package-lock.json, npm's cache first) and the packed
 * prove-verify and prove-verify-server (`npm install <tarball>`, as a user installs them), and every
 * app under test/bundlers/.work/ resolves them from there.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../e2e/support/stack.js';
import { run } from './processes.js';

export const MATRIX_DIR = path.join(REPO_ROOT, 'test/bundlers');
/** Where the apps are copied and built; removed at the start of each run. */
export const WORK_DIR = path.join(MATRIX_DIR, '.work');

const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
/** The lockfile's hash, written after a good `npm ci`: the tools are already what it says. */
const STAMP = path.join(MATRIX_DIR, 'node_modules/.matrix-lock-sha256');
const lockHash = () =>
  createHash('sha256')
    .update(readFileSync(path.join(MATRIX_DIR, 'package-lock.json')))
    .digest('hex');

/** `npm ci` in test/bundlers, unless node_modules already holds what the lockfile says; answers whether it ran. */
export async function installTools(): Promise<boolean> {
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === lockHash()) return false;
  // npm ci takes several minutes only with an empty npm cache (a first run on a new machine).
  await run('npm', ['ci', ...NPM_FLAGS], MATRIX_DIR, 15 * 60_000);
  writeFileSync(STAMP, lockHash());
  return true;
}

/**
 * Installs the tarballs into `dir` as a user does. `--no-save`: the matrix's package.json and
 * lockfile name only the tools, since a tarball's hash changes with every build.
 */
export async function installTarballs(dir: string, tarballs: string[]): Promise<void> {
  await run('npm', ['install', '--no-save', ...NPM_FLAGS, ...tarballs], dir, 5 * 60_000);
}

/**
 * Checks that `dir`'s prove-verify is `tarball`'s: a rebuilt tarball has the name and version of
 * the one installed before, and the matrix must build the new one.
 */
export async function checkInstalledFrom(dir: string, tarball: string): Promise<void> {
  for (const file of ['dist/cdn/integrity.json', 'dist/phone/metadata/index.js']) {
    const packed = await run('tar', ['-xzOf', tarball, `package/${file}`], dir, 60_000);
    const installed = readFileSync(path.join(dir, 'node_modules/prove-verify', file), 'utf8');
    if (installed !== packed) throw new Error(`${dir}/node_modules/prove-verify/${file} is not ${tarball}'s`);
  }
}

/**
 * A way of loading numbering plans that the matrix must catch (the deliberate break): one computed import that
 * Vite leaves alone inside node_modules, so the browser asks for a file the build never emitted.
 */
export const TEMPLATE_IMPORT_LOADER = 'export default (code) => import(`../../cdn/metadata/${code}.js`);\n';

/**
 * A copy of the prove-verify tarball whose dist/phone/metadata/index.js loads the plans through
 * TEMPLATE_IMPORT_LOADER (the deliberate break); answers its path, in `into`.
 */
export async function tarballWithTemplateImport(tarball: string, into: string): Promise<string> {
  const unpacked = mkdtempSync(path.join(WORK_DIR, 'unpacked-'));
  try {
    await run('tar', ['-xzf', tarball, '-C', unpacked], WORK_DIR, 60_000);
    const loader = path.join(unpacked, 'package/dist/phone/metadata/index.js');
    if (!readFileSync(loader, 'utf8').includes("() => import('../../cdn/metadata/1.js')")) {
      throw new Error(`${loader} is no longer the table of static imports this break replaces`);
    }
    writeFileSync(loader, TEMPLATE_IMPORT_LOADER);
    mkdirSync(into, { recursive: true });
    const packed = await run(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', into, path.join(unpacked, 'package')],
      WORK_DIR,
      60_000,
    );
    const [tarballMade] = JSON.parse(packed.slice(packed.indexOf('['))) as { filename: string }[];
    if (!tarballMade) throw new Error(`npm pack named no tarball: ${packed}`);
    return path.join(into, tarballMade.filename);
  } finally {
    rmSync(unpacked, { recursive: true, force: true });
  }
}
