#!/usr/bin/env node
// `npx prove-verify-import-map <where dist/cdn/ is served>`: an import map whose `integrity`
// section pins every file <prove-verify> loads after the page's own script tag (the flow's chunk,
// each numbering plan, the languages, Prove's SDK), from this version's dist/cdn/integrity.json.
// The tag's `integrity` attribute covers only the file it names; browsers that read import maps'
// `integrity` check the rest, `import()` included. Plain Node, no dependency: it runs from the
// installed package.
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The files a page names in its own tags, each pinned by that tag's `integrity`. */
const PAGE_ENTRIES = new Set(['prove-verify.js', 'instant-link.js']);

const USAGE = `Usage: prove-verify-import-map <URL of the served dist/cdn/ folder>
  e.g. prove-verify-import-map https://cdn.jsdelivr.net/npm/prove-verify@0.1.0/dist/cdn/
       prove-verify-import-map /prove-verify/
Prints <script type="importmap"> with the sha384 of every file the element loads later; put it
before the <script type="module"> that loads prove-verify.js.`;

/**
 * The import map's JSON: each lazily loaded file of `hashes` (integrity.json) under `base`. A
 * browser compares the URL it fetches with these keys as written once resolved, so `base` is the
 * folder's full URL (or a path from the site's root) and ends with `/`.
 */
export function importMap(base, hashes) {
  const folder = base.endsWith('/') ? base : `${base}/`;
  if (!/^(https?:\/\/[^/]|\/)/.test(folder))
    throw new Error(`${base} is neither an http(s) URL nor a path from the site's root`);
  const integrity = Object.fromEntries(
    Object.entries(hashes)
      .filter(([file]) => !PAGE_ENTRIES.has(file))
      .map(([file, hash]) => [`${folder}${file}`, hash]),
  );
  return JSON.stringify({ integrity }, null, 2);
}

/** `sha256-…` of an inline script's text, as a CSP `script-src` names it. */
export function cspHash(text) {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

// Run, not imported (npx runs it through a symlink in node_modules/.bin).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const [base] = process.argv.slice(2);
  if (!base || base === '--help' || base === '-h') {
    console.error(USAGE);
    process.exit(base ? 0 : 2);
  }
  const hashes = JSON.parse(readFileSync(new URL('../dist/cdn/integrity.json', import.meta.url), 'utf8'));
  let json;
  try {
    json = importMap(base, hashes);
  } catch (error) {
    console.error(`prove-verify-import-map: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const text = `\n${json}\n`;
  process.stdout.write(`<script type="importmap">${text}</script>\n`);
  // stderr, so stdout stays the snippet: an inline script needs its hash in a strict CSP.
  console.error(
    `A Content-Security-Policy without 'unsafe-inline' needs script-src '${cspHash(text)}' for this map, as printed.`,
  );
}
