// Builds only the CDN file; the npm output is plain `tsc`. Lit is inlined so one script tag is
// enough. Prove's SDK stays Prove's own file beside ours, copied byte for byte (its licence
// forbids changing or merging it) and imported only when a flow starts.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import minifyHTML from '@lit-labs/rollup-plugin-minify-html-literals';
import typescript from '@rollup/plugin-typescript';
import { GENERATED_HEADER, METADATA_DIR } from './scripts/phone-metadata.mjs';

const SDK = '@prove-identity/prove-auth/build/bundle/release/prove-auth.js';
const SDK_FILE = 'prove-auth.js';
const SDK_LICENCE_FILE = 'prove-auth.js.LICENSE.txt';
const CDN_DIR = 'dist/cdn';
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
 * The numbering plans of each calling code, as `metadata/<code>.js` beside the phone rules' chunk:
 * src/phone/loaded-metadata.ts imports them by a computed path, which rollup leaves as it is.
 * They are already minimal JSON; only the generated-file comment goes.
 */
function copyPhoneMetadata() {
  return {
    name: 'copy-phone-metadata',
    generateBundle() {
      for (const name of readdirSync(METADATA_DIR)) {
        const source = readFileSync(path.join(METADATA_DIR, name), 'utf8');
        this.emitFile({ type: 'asset', fileName: `metadata/${name}`, source: source.replace(GENERATED_HEADER, '') });
      }
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
      const phoneMetadata = {};
      for (const [fileName, output] of Object.entries(bundle)) {
        if (output.type === 'asset') {
          const code = /^metadata\/(\d+)\.js$/.exec(fileName)?.[1];
          if (code) phoneMetadata[code] = fileName;
          continue;
        }
        const language = /\/src\/i18n\/([a-z]{2,3}(?:-[A-Z]{2})?)\.ts$/.exec(output.facadeModuleId ?? '')?.[1];
        chunks[fileName] = {
          ...(output.isEntry && { entry: true }),
          ...(language && { language }),
          imports: output.imports,
          // Prove's file is an external: rollup names it by its path from the chunk.
          dynamicImports: [...new Set(output.dynamicImports.map((file) => (file === `./${SDK_FILE}` ? SDK_FILE : file)))],
          modules: Object.keys(output.modules).map(relative),
        };
      }
      writeFileSync(CDN_MANIFEST, `${JSON.stringify({ sdk: SDK_FILE, chunks, phoneMetadata }, null, 2)}\n`);
    },
  };
}

/**
 * Two files of our code, and a table per extra language. What the first paint needs, statically
 * imported from the entry, stays in it (one file). Everything else a flow needs (libphonenumber-js,
 * the phone field, the form's check, the flow's code and the later steps' views) is one chunk that
 * loads when the person reaches the form: a flow needs all of it, and one file gzips about 0.7 KB
 * smaller than the two it was (phone rules, then the flow's code at the first keystroke). Naming
 * the entry's modules too keeps rollup from pulling the ones the flow shares into the flow's chunk.
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
    if (id.includes('/src/i18n/')) return undefined;
    return 'flow';
  };
}

const plugins = () => [
  // Lit's own minifier for the `html` and `css` templates (whitespace, comments): terser leaves
  // template strings alone, and they are most of the first paint's markup and styles.
  minifyHTML(),
  typescript({ tsconfig: './tsconfig.json', declaration: false, declarationMap: false, outDir: CDN_DIR, sourceMap: true }),
  resolve({ browser: true }),
  // A second pass: about 0.1 KB gzip less over the flow. (Our private fields keep their names: no
  // property mangling.)
  terser({ format: { comments: false }, compress: { passes: 2 } }),
];

export default [
  {
    input: 'src/prove-verify.ts',
    external: [SDK],
    // The lazily loaded flow code imports what it shares with the entry from the entry itself,
    // so the first paint stays one file.
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: CDN_DIR,
      format: 'es',
      entryFileNames: 'prove-verify.js',
      chunkFileNames: '[name]-[hash].js',
      manualChunks: firstPaintAndFlow('src/prove-verify.ts'),
      paths: { [SDK]: `./${SDK_FILE}` },
      sourcemap: true,
    },
    plugins: [...plugins(), copyProveSdk(), copyPhoneMetadata(), cdnManifest()],
  },
  // The Instant Link landing page's entry, on its own so a landing page loads only it (and Prove's file).
  {
    input: 'src/instant-link.ts',
    external: [SDK],
    output: { dir: CDN_DIR, format: 'es', entryFileNames: 'instant-link.js', paths: { [SDK]: `./${SDK_FILE}` }, sourcemap: true },
    plugins: plugins(),
  },
];
