// Builds only the CDN file; the npm output is plain `tsc`. Lit is inlined so one script tag is
// enough. Prove's SDK stays Prove's own file beside ours, copied byte for byte (its licence
// forbids changing or merging it) and imported only when a flow starts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const SDK = '@prove-identity/prove-auth/build/bundle/release/prove-auth.js';
const require = createRequire(import.meta.url);

function copyProveSdk() {
  return {
    name: 'copy-prove-sdk',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'prove-auth.js', source: readFileSync(require.resolve(SDK)) });
    },
  };
}

const plugins = () => [
  typescript({ tsconfig: './tsconfig.json', declaration: false, declarationMap: false, outDir: 'dist/cdn', sourceMap: true }),
  resolve({ browser: true }),
  terser({ format: { comments: false } }),
];

export default [
  {
    input: 'src/prove-verify.ts',
    external: [SDK],
    // The lazily loaded flow code imports what it shares with the entry from the entry itself,
    // so the first paint stays one file.
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: 'dist/cdn',
      format: 'es',
      entryFileNames: 'prove-verify.js',
      chunkFileNames: '[name]-[hash].js',
      // libphonenumber-js and its metadata load when the person starts typing, under a plain name;
      // so does the flow's code (requests, Prove's SDK adapter, the later steps' views).
      manualChunks: (id) => (id.includes('/node_modules/libphonenumber-js/') ? 'phone-rules' : undefined),
      paths: { [SDK]: './prove-auth.js' },
      sourcemap: true,
    },
    plugins: [...plugins(), copyProveSdk()],
  },
  // The Instant Link landing page's entry, on its own so a landing page loads only it (and Prove's file).
  {
    input: 'src/instant-link.ts',
    external: [SDK],
    output: { dir: 'dist/cdn', format: 'es', entryFileNames: 'instant-link.js', paths: { [SDK]: './prove-auth.js' }, sourcemap: true },
    plugins: plugins(),
  },
];
