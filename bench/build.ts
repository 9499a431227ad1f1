/**
 * What the benchmarks load: the CDN build (rebuilt only when older than its sources) and the
 * first-paint baseline, a bare Lit element bundled at bench time the way rollup.config.mjs bundles
 * ours (node-resolve for the browser, terser without comments), so the two differ only in code.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terserPlugin from '@rollup/plugin-terser';
import { rollup } from 'rollup';
import { REPO_ROOT } from '../test/e2e/support/stack.js';

// Its types read as CommonJS under NodeNext; imported as ESM, the default export is the plugin itself.
const terser = terserPlugin as unknown as (typeof terserPlugin)['default'];

export const CDN_DIR = path.join(REPO_ROOT, 'dist', 'cdn');
const CDN_ENTRY = path.join(CDN_DIR, 'prove-verify.js');
const BUILD_TIMEOUT_MS = 5 * 60_000;
/** Everything the CDN build is made from. */
const SOURCES = ['src', 'rollup.config.mjs', 'tsconfig.json', 'package-lock.json'];

function newestMtime(file: string): number {
  const info = statSync(file, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(file).map((name) => newestMtime(path.join(file, name))));
}

/** Runs `npm run build` when dist/cdn/prove-verify.js is missing or older than a source. */
export function ensureFreshDist(log: (line: string) => void): 'fresh' | 'rebuilt' {
  const built = statSync(CDN_ENTRY, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(...SOURCES.map((name) => newestMtime(path.join(REPO_ROOT, name))));
  if (built > sources) return 'fresh';
  log(built ? '# dist/cdn is older than its sources: npm run build' : '# dist/cdn is missing: npm run build');
  // Bounded like everything else here: a build takes well under a minute.
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: BUILD_TIMEOUT_MS,
  });
  if (result.status !== 0)
    throw new Error(`npm run build failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
  return 'rebuilt';
}

/** Bundles bench/fixtures/bare-form.js (Lit from node_modules) into `outFile`. */
export async function bundleBaseline(outFile: string): Promise<void> {
  const bundle = await rollup({
    input: path.join(REPO_ROOT, 'bench', 'fixtures', 'bare-form.js'),
    plugins: [nodeResolve({ browser: true }), terser({ format: { comments: false } })],
    onwarn: (warning) => {
      throw new Error(`bundling the baseline: ${warning.message}`);
    },
  });
  try {
    await bundle.write({ file: outFile, format: 'es' });
  } finally {
    await bundle.close();
  }
}
