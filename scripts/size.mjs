#!/usr/bin/env node
// `npm run size` (after `npm run build`): every dist/cdn script's gzip size, and the two budgets:
// what a page loads before the person acts, and everything the mobile flow loads. Exits 1 when a
// budget is exceeded. test/server/budget.test.ts enforces the same figures through these functions.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { getCountryCallingCode } from 'libphonenumber-js/min';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CDN_DIR = path.join(ROOT, 'dist/cdn');
/** Written by rollup.config.mjs: each chunk's imports, and the numbering plans by calling code. */
export const CDN_MANIFEST = path.join(ROOT, 'dist/cdn-manifest.json');

const KB = 1024;

/**
 * Bytes of gzip (zlib, level 9; GNU `gzip -9` comes out about 0.5 % smaller).
 *
 * - First paint: prove-verify.js, all a page loads before the person acts (README "Performance"):
 *   13 KB, which leaves room for the next feature. Lit is 5.8 KB of it; the rest is the element,
 *   the flow's state and controller, the form, its styles and English for the form only, 12.8 KB
 *   in all as measured for this budget.
 * - The whole mobile flow, English, US, from the first paint to the result, Prove's SDK included,
 *   65 KB (66,560 B). Of its 65,927 B as measured (sizes below in thousands of bytes):
 *   - Prove's SDK, 24.3 KB, as Prove ships it (its licence: never minified, trimmed or merged by
 *     us);
 *   - libphonenumber-js/core's code for formatting as you type (AsYouType) and parsing and length
 *     checks, 11.7 KB in its modern build (rollup.config.mjs);
 *   - ours: the first paint 12.8 KB (Lit 5.8 of it); the flow's chunk without libphonenumber-js,
 *     16.3 KB (the flow's code, requests, Prove's SDK adapter, the later steps' views and their
 *     English, the phone field, the calling-code index 1.0); the US numbering plans 1.1 KB.
 */
export const BUDGETS = { firstPaint: 13 * KB, mobileFlow: 65 * KB };

/** The country whose flow is budgeted: the element's `default-country`. */
export const FLOW_COUNTRY = 'US';

export const gzipSize = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** dist/cdn's scripts, paths relative to it with `/`, sorted. */
function scriptsIn(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? scriptsIn(path.join(dir, entry.name), `${prefix}${entry.name}/`)
        : entry.name.endsWith('.js')
          ? [`${prefix}${entry.name}`]
          : [],
    )
    .sort();
}

export function readManifest(file = CDN_MANIFEST) {
  if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build\` first`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * What the mobile flow loads, from the build graph: the entry, then every chunk it imports,
 * statically or dynamically (the flow's chunk, and from it Prove's SDK), but no language's table
 * other than English (it loads only for its `lang`); then the numbering plans of `country`'s calling
 * code, which the flow's chunk imports by a computed path rollup cannot see.
 */
export function mobileFlowFiles(manifest, country = FLOW_COUNTRY) {
  const files = new Set();
  const visit = (file) => {
    if (files.has(file)) return;
    const chunk = manifest.chunks[file];
    if (chunk?.language && chunk.language !== 'en') return;
    files.add(file);
    for (const next of [...(chunk?.imports ?? []), ...(chunk?.dynamicImports ?? [])]) visit(next);
  };
  const entries = Object.keys(manifest.chunks).filter((file) => manifest.chunks[file].entry);
  if (entries.length !== 1)
    throw new Error(`expected one entry chunk in the manifest, found ${entries.join(', ') || 'none'}`);
  visit(entries[0]);
  const plans = manifest.phoneMetadata[getCountryCallingCode(country)];
  if (!plans) throw new Error(`no numbering plans for ${country} in the manifest`);
  files.add(plans);
  return [...files];
}

/** Every script's gzip size, and the two totals with the files in them. */
export function measure(dir = CDN_DIR, manifest = readManifest()) {
  const files = scriptsIn(dir).map((file) => ({ file, gzip: gzipSize(readFileSync(path.join(dir, file))) }));
  const size = new Map(files.map(({ file, gzip }) => [file, gzip]));
  const total = (list) => {
    for (const file of list) if (!size.has(file)) throw new Error(`the manifest names ${file}, which is not in ${dir}`);
    return { files: list, gzip: list.reduce((sum, file) => sum + size.get(file), 0) };
  };
  const entry = Object.keys(manifest.chunks).find((file) => manifest.chunks[file].entry);
  return { files, firstPaint: total([entry]), mobileFlow: total(mobileFlowFiles(manifest)) };
}

/** One line per budget exceeded; none when all hold. */
export function overBudget(sizes, budgets = BUDGETS) {
  const over = [];
  if (sizes.firstPaint.gzip > budgets.firstPaint) {
    over.push(`first paint: ${sizes.firstPaint.gzip} B gzip, over its ${budgets.firstPaint} B budget`);
  }
  if (sizes.mobileFlow.gzip > budgets.mobileFlow) {
    over.push(`whole mobile flow: ${sizes.mobileFlow.gzip} B gzip, over its ${budgets.mobileFlow} B budget`);
  }
  return over;
}

const bytes = (n) => n.toLocaleString('en-US');

/** The lines `npm run size` prints: each script (the plans of calling codes together), then the totals. */
export function report(sizes, budgets = BUDGETS) {
  const inFlow = new Set(sizes.mobileFlow.files);
  const lines = ['dist/cdn, bytes of gzip -9 (zlib):'];
  const plans = [];
  for (const { file, gzip } of sizes.files) {
    const code = /^metadata\/(\d+)\.js$/.exec(file)?.[1];
    if (code && !inFlow.has(file)) plans.push({ code: Number(code), text: `+${code} ${bytes(gzip)}` });
    else lines.push(`${bytes(gzip).padStart(8)}  ${file}${inFlow.has(file) ? '  (mobile flow)' : ''}`);
  }
  plans.sort((a, b) => a.code - b.code);
  lines.push(`  metadata/<calling code>.js, the other ${plans.length}, each loaded only for a number with that code:`);
  for (let i = 0; i < plans.length; i += 10)
    lines.push(
      `    ${plans
        .slice(i, i + 10)
        .map((plan) => plan.text)
        .join(' · ')}`,
    );
  const line = (name, { gzip, files }, budget) =>
    `${name}: ${bytes(gzip)} B of ${bytes(budget)} (${budget / KB} KB)${gzip > budget ? ' OVER BUDGET' : ''} = ${files.join(' + ')}`;
  lines.push(line('First paint', sizes.firstPaint, budgets.firstPaint));
  lines.push(line(`Whole mobile flow (English, ${FLOW_COUNTRY})`, sizes.mobileFlow, budgets.mobileFlow));
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let sizes;
  try {
    sizes = measure();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
  console.log(report(sizes).join('\n'));
  const over = overBudget(sizes);
  for (const problem of over) console.error(`Over budget: ${problem}`);
  process.exit(over.length ? 1 : 0);
}
