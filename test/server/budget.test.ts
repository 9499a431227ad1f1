// The first-paint budget (DESIGN.md): what a page loads before the person acts, the CDN entry,
// is one file of at most 14 KB gzip; everything else loads on demand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { CDN_FILE, ensureCdnBuild } from '../e2e/support/stack.js';

const FIRST_PAINT_BUDGET = 14 * 1024;

test('prove-verify.js, all a page loads before the person acts, stays within 14 KB gzip and imports nothing at load', () => {
  ensureCdnBuild();
  const code = readFileSync(CDN_FILE);
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`# prove-verify.js: ${gzipped} bytes gzip (budget ${FIRST_PAINT_BUDGET})`);
  assert.ok(gzipped <= FIRST_PAINT_BUDGET, `prove-verify.js is ${gzipped} bytes gzip, over the ${FIRST_PAINT_BUDGET} budget`);
  // A static import would be a second request before the first paint; dynamic import() is fine.
  const staticImports = code.toString().match(/(?:^|[;}])\s*import\s*(?:[\w{},*\s]+from\s*)?["'][^"']+["']/g) ?? [];
  assert.deepEqual(staticImports, []);
});
