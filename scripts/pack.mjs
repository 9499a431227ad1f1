#!/usr/bin/env node
// `npm run pack` (after `npm run build`): the two tarballs npm would publish, prove-verify and
// prove-verify-server, in .tmp/pack/, for the release tests that install them as a user does
// (the bundler matrix, the browser-only install, the server package in a fresh app).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PACK_DIR = path.join(ROOT, '.tmp/pack');

/** The packages, by name, with the folder each is packed from. */
const PACKAGES = { 'prove-verify': ROOT, 'prove-verify-server': path.join(ROOT, 'packages/server') };

/** Packs both into PACK_DIR (replacing what was there); answers each tarball's path by package name. */
export function pack() {
  rmSync(PACK_DIR, { recursive: true, force: true });
  mkdirSync(PACK_DIR, { recursive: true });
  const tarballs = {};
  for (const [name, dir] of Object.entries(PACKAGES)) {
    // --ignore-scripts: the build has run; a prepack script would only build again.
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', PACK_DIR], {
      cwd: dir,
      encoding: 'utf8',
    });
    const [{ filename }] = JSON.parse(out);
    tarballs[name] = path.join(PACK_DIR, filename);
  }
  return tarballs;
}

/** The tarballs `npm run pack` made, by package name; throws when one is not there. */
export function packed() {
  return Object.fromEntries(
    Object.entries(PACKAGES).map(([name, dir]) => {
      const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      const file = path.join(PACK_DIR, `${name}-${version}.tgz`);
      if (!existsSync(file))
        throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build && npm run pack\` first`);
      return [name, file];
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, file] of Object.entries(pack())) console.log(`${name}: ${path.relative(process.cwd(), file)}`);
}
