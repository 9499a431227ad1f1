// Builds only the CDN files, from the npm build: `tsc -b` has compiled (and checked) src/ into
// dist/, so the CDN file is those same modules bundled, and nothing is compiled or checked twice.
// Lit is inlined so one script tag is enough. Prove's SDK stays Prove's own file beside ours,
// copied byte for byte (its licence forbids changing or merging it) and imported only when a flow
// starts. The numbering plans are dist/cdn/metadata/ (scripts/phone-metadata.mjs --dist), which
// the npm modules load too: the chunk imports them as they are.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import resolve from '@rollup/plugin-node-resolve';
import { CDN_LOADER_TEXT, planCodes } from './scripts/phone-metadata.mjs';
import terser from '@rollup/plugin-terser';
import minifyHTML from '@lit-labs/rollup-plugin-minify-html-literals';
import { compileFirstPaintTemplates } from './scripts/compile-first-paint-templates.mjs';

const SDK = '@prove-identity/prove-auth/build/bundle/release/prove-auth.js';
const SDK_FILE = 'prove-auth.js';
const SDK_LICENCE_FILE = 'prove-auth.js.LICENSE.txt';
const CDN_DIR = 'dist/cdn';
/** The first paint's file is this module and what it imports statically (tsc's output). */
const ENTRY = 'dist/prove-verify.js';
/** The numbering plans, one file per calling code (scripts/phone-metadata.mjs --dist). */
const PLANS_DIR = `${CDN_DIR}/metadata`;
/** What each CDN file is and loads, for scripts/size.mjs (outside dist/cdn: no page fetches it). */
export const CDN_MANIFEST = 'dist/cdn-manifest.json';
const require = createRequire(import.meta.url);

/** Prove's file, and its licence (CC BY-NC-ND 4.0) beside it, both as Prove ships them. */
function copyProveSdk() {
  return {
    name: 'copy-prove-sdk',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: SDK_FILE, source: readFileSync(require.resolve(SDK)) });
      const licence = path.join(path.dirname(require.resolve('@prove-identity/prove-auth/package.json')), 'LICENSE');
      this.emitFile({ type: 'asset', fileName: SDK_LICENCE_FILE, source: readFileSync(licence) });
    },
  };
}

/**
 * Writes CDN_MANIFEST: every chunk with what it imports (statically, dynamically: Prove's file
 * included), the source modules in it, and the language of a language's table; the phone plans by
 * calling code. scripts/size.mjs adds up the flows from it rather than from hashed names.
 */
function cdnManifest() {
  const relative = (id) => path.relative(process.cwd(), id).split(path.sep).join('/');
  return {
    name: 'cdn-manifest',
    writeBundle(_options, bundle) {
      const chunks = {};
      const phoneMetadata = Object.fromEntries(planCodes(PLANS_DIR).map((code) => [code, `metadata/${code}.js`]));
      for (const [fileName, output] of Object.entries(bundle)) {
        if (output.type === 'asset') continue;
        const language = /\/dist\/i18n\/([a-z]{2,3}(?:-[A-Z]{2})?)\.js$/.exec(output.facadeModuleId ?? '')?.[1];
        chunks[fileName] = {
          ...(output.isEntry && { entry: true }),
          ...(language && { language }),
          imports: output.imports,
          // Prove's file is an external: rollup names it by its path from the chunk.
          dynamicImports: [
            ...new Set(output.dynamicImports.map((file) => (file === `./${SDK_FILE}` ? SDK_FILE : file))),
          ],
          modules: Object.keys(output.modules).map(relative),
        };
      }
      writeFileSync(CDN_MANIFEST, `${JSON.stringify({ sdk: SDK_FILE, chunks, phoneMetadata }, null, 2)}\n`);
    },
  };
}

/**
 * Two files of our code, and a table per extra language. What the first paint needs, statically
 * imported from the entry, stays in it (one file). Everything else a flow needs is what the lazy
 * entry (src/flow/lazy.ts: libphonenumber-js, the phone field, the form's check, the flow's code and
 * the later steps' views) imports, in one chunk that loads when the person reaches the form: a flow
 * needs all of it, and one file gzips smaller than several. Naming the entry's modules too keeps
 * rollup from pulling the ones the flow shares into the flow's chunk.
 */
function firstPaintAndFlow(entry) {
  let firstPaint;
  return (id, { getModuleInfo }) => {
    if (!firstPaint) {
      firstPaint = new Set();
      const add = (module) => {
        if (firstPaint.has(module)) return;
        firstPaint.add(module);
        for (const imported of getModuleInfo(module)?.importedIds ?? []) add(imported);
      };
      add(path.resolve(entry));
    }
    if (firstPaint.has(id)) return 'prove-verify';
    // Spanish, French…: each loads alone, only for its language.
    if (id.includes('/dist/i18n/')) return undefined;
    return 'flow';
  };
}

/**
 * libphonenumber-js ships its ES modules twice: `es6/` (what its `exports` name), compiled for old
 * browsers with Babel's helpers copied into every file, and `es6-modern/`, the same code as modern
 * JavaScript. The CDN files load in browsers that run the element (custom elements, `??`, private
 * class members), so they take the modern copy: 3 KB gzip less over the flow. Bundlers of the npm
 * package resolve the package's `exports` as ever.
 */
function modernPhoneRules() {
  const legacy = `${path.sep}libphonenumber-js${path.sep}es6${path.sep}`;
  const modern = `${path.sep}libphonenumber-js${path.sep}es6-modern${path.sep}`;
  return {
    name: 'modern-phone-rules',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved?.id.includes(legacy)) return resolved;
      const id = resolved.id.replace(legacy, modern);
      return existsSync(id) ? { ...resolved, id } : resolved;
    },
  };
}

const plugins = (firstPaintEntry) => [
  modernPhoneRules(),
  // Lit's own minifier for the `html` and `css` templates (whitespace, comments): terser leaves
  // template strings alone, and they are most of the first paint's markup and styles.
  minifyHTML(),
  ...(firstPaintEntry ? [compileFirstPaintTemplates(firstPaintEntry)] : []),
  resolve({ browser: true }),
  // A second pass: about 0.1 KB gzip less over the flow. (Our private fields keep their names: no
  // property mangling.)
  // No comments, but the compile hint (see `compileHints`).
  terser({ format: { comments: /^# allFunctionsCalledOnLoad$/ }, compress: { passes: 2 } }),
];

/**
 * The numbering plans' loader of the npm build names each of dist/cdn/metadata/'s files, for
 * bundlers; the CDN build takes the one that loads a plan by its computed path, as the browser
 * can (scripts/phone-metadata.mjs).
 */
function cdnPlanLoader() {
  const loader = path.resolve('dist/phone/metadata/index.js');
  return { name: 'cdn-plan-loader', load: (id) => (id === loader ? CDN_LOADER_TEXT : null) };
}

/**
 * V8's explicit compile hint (https://v8.dev/blog/explicit-compile-hints) on both files of ours:
 * their functions are compiled as the file streams in, off the main thread, rather than each on the
 * main thread at its first call. On the first paint's file that takes about 7 ms of main-thread work
 * out of the task that defines and renders the element (traced side by side; its paint time did not
 * move); the flow's chunk loads
 * when the person reaches the form, and Verify runs much of it at once (the start call leaves about
 * 1 ms sooner).
 */
const compileHints = (chunk) => (chunk.name === 'flow' || chunk.isEntry ? '//# allFunctionsCalledOnLoad' : '');

/** tsc's decorator helper reads `this` at the top of a module, where it is undefined as rollup says: nothing to see. */
function onwarn(warning, warn) {
  if (warning.code === 'THIS_IS_UNDEFINED' && /\bvar __decorate\b/.test(warning.frame ?? '')) return;
  warn(warning);
}

export default [
  {
    input: ENTRY,
    onwarn,
    external: [SDK],
    // The lazily loaded flow code imports what it shares with the entry from the entry itself,
    // so the first paint stays one file.
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: CDN_DIR,
      format: 'es',
      entryFileNames: 'prove-verify.js',
      chunkFileNames: '[name]-[hash].js',
      manualChunks: firstPaintAndFlow(ENTRY),
      paths: { [SDK]: `./${SDK_FILE}` },
      banner: compileHints,
      sourcemap: true,
    },
    plugins: [cdnPlanLoader(), ...plugins(ENTRY), copyProveSdk(), cdnManifest()],
  },
  // The Instant Link landing page's entry, on its own so a landing page loads only it (and Prove's file).
  {
    input: 'dist/instant-link.js',
    onwarn,
    external: [SDK],
    output: {
      dir: CDN_DIR,
      format: 'es',
      entryFileNames: 'instant-link.js',
      paths: { [SDK]: `./${SDK_FILE}` },
      sourcemap: true,
    },
    plugins: plugins(),
  },
];
