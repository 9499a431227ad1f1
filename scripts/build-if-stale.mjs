// `npm start` runs this first: it builds only when something the build reads is newer than what it
// wrote, so a second start answers in seconds instead of rebuilding everything (about 25 s).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What the build reads: our sources, its configs, and the installed dependencies. */
const INPUTS = [
  'src',
  'angular',
  'tsconfig.angular.json',
  'scripts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'packages/server/package.json',
  'packages/server/tsconfig.json',
  'rollup.config.mjs',
  'custom-elements-manifest.config.mjs',
  'node_modules/.package-lock.json',
];

/**
 * What it writes that the demo serves or a package consumer reads, each written anew by every build
 * (tsc -b rewrites only the modules that changed, so dist/prove-verify.js is not among them).
 */
const OUTPUTS = [
  'dist/cdn/prove-verify.js',
  'dist/cdn/prove-auth.js',
  'dist/cdn-manifest.json',
  'custom-elements.json',
];

/** The newest modification time under `entry` (a file or a folder), 0 when it is not there. */
function newest(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const child of readdirSync(entry)) latest = Math.max(latest, newest(path.join(entry, child)));
  return latest;
}

/** Why a build is needed, or undefined when the outputs are newer than every input. */
export function staleReason(root = ROOT) {
  const missing = OUTPUTS.find((output) => !existsSync(path.join(root, output)));
  if (missing) return `${missing} is missing`;
  const built = Math.min(...OUTPUTS.map((output) => statSync(path.join(root, output)).mtimeMs));
  const changed = INPUTS.find((input) => newest(path.join(root, input)) > built);
  return changed ? `${changed} changed since the last build` : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reason = staleReason();
  if (!reason) {
    console.log('dist/ is up to date: not rebuilding (npm run build forces it)');
  } else {
    console.log(`Building: ${reason}`);
    const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
