#!/usr/bin/env node
// Run by `npm run build` after the CDN build: the Subresource Integrity hash (sha384) of every
// script in dist/cdn, written to dist/cdn/integrity.json and printed for the files a page names
// itself (the numbering plans under metadata/ are only counted). A page pins prove-verify.js with
// `<script type="module" integrity>`; an import map's `integrity` section can pin the rest.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CDN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cdn');
export const INTEGRITY_FILE = path.join(CDN_DIR, 'integrity.json');

/** `sha384-<base64>`, as the `integrity` attribute takes it. */
export function integrityOf(bytes) {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

/** Every script under dist/cdn, by its path there (with `/`), sorted. */
export function cdnIntegrity(dir = CDN_DIR) {
  const scripts = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((file) => file.split(path.sep).join('/'))
    .filter((file) => file.endsWith('.js'))
    .sort();
  return Object.fromEntries(scripts.map((file) => [file, integrityOf(readFileSync(path.join(dir, file)))]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const hashes = cdnIntegrity();
  writeFileSync(INTEGRITY_FILE, `${JSON.stringify(hashes, null, 2)}\n`);
  const named = Object.keys(hashes).filter((file) => !file.includes('/'));
  console.log('Subresource Integrity (sha384) of dist/cdn:');
  for (const file of named) console.log(`  ${file}  ${hashes[file]}`);
  console.log(
    `  and ${Object.keys(hashes).length - named.length} numbering plans (metadata/*.js): all in ${path.relative(process.cwd(), INTEGRITY_FILE)}`,
  );
}
