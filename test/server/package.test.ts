// The package as a site gets it from npm (issue 9): built `dist/`, read through package.json's
// "exports". Run after `npm run build` (npm test builds first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const bin = (name: string) => path.join(ROOT, 'node_modules/.bin', name);

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function builtDeclarations(dir = path.join(ROOT, 'dist')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return builtDeclarations(file);
    return entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

test.before(() => {
  assert.ok(existsSync(path.join(ROOT, 'dist/prove-verify.d.ts')), 'dist/ is built (npm run build)');
});

test('a consumer that checks every declaration file (skipLibCheck: false) compiles against the built types, and sees no emit()', () => {
  // test/package/consumer.ts imports the package by its name and expects `emit` to be missing.
  const { status, output } = run(process.execPath, [bin('tsc'), '-p', 'test/package/tsconfig.json']);
  assert.equal(output.trim(), '');
  assert.equal(status, 0);
});

test("no published declaration names Prove's SDK: its types are not ours to publish", () => {
  const naming = builtDeclarations().filter((file) => /from ['"]@prove-identity\//.test(readFileSync(file, 'utf8')));
  assert.deepEqual(naming.map((file) => path.relative(ROOT, file)), []);
});
