// The budgets (README "Performance"), through the code `npm run size` runs: what a page loads before
// the person acts is one file within 13 KB gzip; everything the mobile flow loads, from the first
// paint to the result, Prove's SDK included, stays within the figure scripts/size.mjs explains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BUDGETS, CDN_DIR, measure, overBudget, readManifest, report, type Sizes } from '../../scripts/size.mjs';
import { LANGUAGES } from '../../src/i18n/registry.js';
import { ensureCdnBuild } from '../e2e/support/stack.js';

function sizes(): Sizes {
  ensureCdnBuild();
  return measure();
}

test('every CDN script is measured and printed, and both budgets hold', () => {
  const measured = sizes();
  for (const line of report(measured)) console.log(line);
  assert.deepEqual(overBudget(measured), []);
  // The whole mobile flow's budget itself stays at or under 66.6 KB: raising it cannot let the flow grow past that.
  assert.ok(BUDGETS.mobileFlow <= 66_680, `${BUDGETS.mobileFlow} B`);
});

test('prove-verify.js, all a page loads before the person acts, is the first paint and imports nothing at load', () => {
  const { firstPaint } = sizes();
  assert.deepEqual(firstPaint.files, ['prove-verify.js']);
  assert.equal(BUDGETS.firstPaint, 13 * 1024);
  assert.ok(firstPaint.gzip <= BUDGETS.firstPaint, `${firstPaint.gzip} B gzip`);
  // A static import would be a second request before the first paint; dynamic import() is fine.
  const code = readFileSync(path.join(CDN_DIR, 'prove-verify.js'), 'utf8');
  const staticImports = code.match(/(?:^|[;}])\s*import\s*(?:[\w{},*\s]+from\s*)?["'][^"']+["']/g) ?? [];
  assert.deepEqual(staticImports, []);
});

test("the first paint's templates arrive compiled, so its first render does not prepare them", () => {
  ensureCdnBuild();
  const code = readFileSync(path.join(CDN_DIR, 'prove-verify.js'), 'utf8');
  // As Lit's template compiler writes them (scripts/compile-first-paint-templates.mjs): the HTML
  // with a marker for each binding, and the bindings' list beside it.
  for (const compiled of ['<h2 part="title"><?></h2>', '<label part="label"><?></label>', '<input part="input">'])
    assert.ok(code.includes(compiled), compiled);
  // A template left to Lit keeps its bindings in place: `<p id="${…}"…`.
  assert.deepEqual(code.match(/`<[a-z][^`]*\$\{/g) ?? [], []);
});

test("the mobile flow, read from the build graph: our code, the US numbering plans and Prove's SDK, no other language", () => {
  const manifest = readManifest();
  const { mobileFlow } = sizes();
  const modulesIn = (file: string) => manifest.chunks[file]?.modules ?? [];
  const flowModules = mobileFlow.files.flatMap(modulesIn);
  // The CDN build bundles tsc's output: dist/*.js for src/*.ts.
  for (const module of [
    'dist/prove-verify.js',
    'dist/flow/lazy.js',
    'dist/flow/runner.js',
    'dist/phone-rules.js',
    'dist/sdk.js',
    'dist/ui/code-entry.js',
  ]) {
    assert.ok(flowModules.includes(module), `${module} is in the mobile flow`);
  }
  const phoneRules = flowModules.filter((module) => module.includes('node_modules/libphonenumber-js/'));
  assert.ok(phoneRules.length > 0, 'libphonenumber-js is in the mobile flow');
  // Its modern build (no Babel helpers copied into each of its modules), never the one its exports name.
  assert.ok(phoneRules.some((module) => module.includes('/libphonenumber-js/es6-modern/')));
  assert.deepEqual(
    phoneRules.filter((module) => module.includes('/libphonenumber-js/es6/')),
    [],
  );
  assert.ok(mobileFlow.files.includes('prove-auth.js'), "Prove's SDK is in the mobile flow");
  assert.ok(mobileFlow.files.includes('metadata/1.js'), 'the +1 numbering plans are in the mobile flow');
  assert.equal(
    mobileFlow.files.filter((file) => file.startsWith('metadata/')).length,
    1,
    "one calling code's plans, no other",
  );
  const others = LANGUAGES.filter((tag) => tag !== 'en').map((tag) => `dist/i18n/${tag}.js`);
  assert.ok(others.includes('dist/i18n/es.js') && others.includes('dist/i18n/fr.js'), others.join(', '));
  for (const language of others) assert.ok(!flowModules.includes(language), `${language} is not`);
  // Each file counted once, and the total is theirs.
  assert.equal(new Set(mobileFlow.files).size, mobileFlow.files.length);
});

test('a figure one byte over either budget fails, one at it passes', () => {
  const total = (gzip: number) => ({ files: [], gzip });
  const at: Sizes = { files: [], firstPaint: total(BUDGETS.firstPaint), mobileFlow: total(BUDGETS.mobileFlow) };
  assert.deepEqual(overBudget(at), []);
  assert.equal(overBudget({ ...at, firstPaint: total(BUDGETS.firstPaint + 1) }).length, 1);
  assert.match(overBudget({ ...at, mobileFlow: total(BUDGETS.mobileFlow + 1) })[0] ?? '', /whole mobile flow/);
});
