// `npm start` rebuilds only when the build's inputs are newer than its outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error a plain .mjs script without types
import { staleReason } from '../../scripts/build-if-stale.mjs';

const stale = staleReason as (root: string) => string | undefined;
const OUTPUTS = [
  'dist/cdn/prove-verify.js',
  'dist/cdn/prove-auth.js',
  'dist/cdn-manifest.json',
  'custom-elements.json',
];

function write(root: string, file: string, seconds: number) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), 'x');
  utimesSync(path.join(root, file), seconds, seconds);
}

test('builds when an output is missing or an input is newer, and not otherwise', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'pv-stale-'));
  try {
    write(root, 'src/prove-verify.ts', 1000);
    write(root, 'package.json', 1000);
    assert.equal(stale(root), 'dist/cdn/prove-verify.js is missing');
    for (const output of OUTPUTS) write(root, output, 2000);
    assert.equal(stale(root), undefined, 'everything built after the last change');
    write(root, 'src/ui/field.ts', 3000);
    assert.equal(stale(root), 'src changed since the last build');
    for (const output of OUTPUTS) write(root, output, 4000);
    write(root, 'node_modules/.package-lock.json', 5000);
    assert.equal(
      stale(root),
      'node_modules/.package-lock.json changed since the last build',
      'a dependency was installed',
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
