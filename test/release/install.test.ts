// What a user's `npm install` brings, from the tarballs npm would publish (`npm run pack`): a page
// gets the element, Lit, libphonenumber-js and Prove's SDK, nothing of the server or of React; a
// backend gets prove-verify-server with its own dependencies and nothing of the browser. Each is
// installed into an empty app of its own, then used: the element's types compiled with
// skipLibCheck off, the server imported and answering a request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packed } from '../../scripts/pack.mjs';
import { REPO_ROOT } from '../e2e/support/stack.js';

const TSC = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');

/** An empty app with `tarball` installed as a user installs it (npm's cache first: CI ran npm ci). */
function installInto(tarball: string): string {
  const app = mkdtempSync(path.join(tmpdir(), 'pv-install-'));
  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'an-app', version: '1.0.0', private: true, type: 'module' }),
  );
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
    cwd: app,
    stdio: 'pipe',
  });
  return app;
}

/** Every package npm put in the app's node_modules, by name. */
function installedPackages(app: string): string[] {
  const lock = JSON.parse(readFileSync(path.join(app, 'node_modules/.package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  return Object.keys(lock.packages)
    .map((where) => where.replace(/^.*node_modules\//, ''))
    .sort();
}

/** Bytes on disk under `dir` (files' sizes, as `du --apparent-size` counts them). */
function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const file = path.join(dir, entry.name);
    return sum + (entry.isDirectory() ? bytesUnder(file) : entry.isFile() ? statSync(file).size : 0);
  }, 0);
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Compiles `files` (name → text) in `app` with skipLibCheck off; answers tsc's output ('' when clean). */
function compileIn(app: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(app, name), text);
  writeFileSync(
    path.join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'bundler',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: [],
      },
      files: Object.keys(files),
    }),
  );
  const result = spawnSync(process.execPath, [TSC, '-p', app], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.trim();
}

describe('a page installs prove-verify', () => {
  let app: string;
  before(() => {
    app = installInto(packed()['prove-verify']);
  });
  after(() => rmSync(app, { recursive: true, force: true }));

  test('and gets Lit, libphonenumber-js and Prove SDK: nothing of the server, of React or of a type it does not need', () => {
    const bytes = bytesUnder(path.join(app, 'node_modules'));
    console.log(
      `# node_modules of a browser-only install: ${installedPackages(app).length} packages, ${megabytes(bytes)}`,
    );
    assert.deepEqual(installedPackages(app), [
      '@lit-labs/ssr-dom-shim',
      '@lit/reactive-element',
      '@prove-identity/mobile-auth',
      '@prove-identity/prove-auth',
      '@types/trusted-types',
      'libphonenumber-js',
      'lit',
      'lit-element',
      'lit-html',
      'prove-verify',
    ]);
  });

  test('whose every declaration file compiles with skipLibCheck off, with nothing else installed', () => {
    // The published consumer of the package test: the entries a site imports, their events typed.
    cpSync(path.join(REPO_ROOT, 'test/package/consumer.ts'), path.join(app, 'consumer.ts'));
    assert.equal(compileIn(app, { 'consumer.ts': readFileSync(path.join(app, 'consumer.ts'), 'utf8') }), '');
  });

  test('and prove-verify/react asks for @lit/react, an optional peer it names, rather than bringing it', () => {
    const manifest = JSON.parse(readFileSync(path.join(app, 'node_modules/prove-verify/package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    assert.equal(manifest.peerDependenciesMeta['@lit/react']?.optional, true);
    assert.ok(manifest.peerDependencies['@lit/react']);
    assert.match(
      compileIn(app, {
        'react-user.ts': "import { ProveVerify } from 'prove-verify/react';\nconsole.log(ProveVerify);\n",
      }),
      /'@lit\/react'/,
    );
  });
});

describe('a backend installs prove-verify-server', () => {
  let app: string;
  before(() => {
    app = installInto(packed()['prove-verify-server']);
  });
  after(() => rmSync(app, { recursive: true, force: true }));

  test('and gets its own dependencies: nothing of the browser', () => {
    const packages = installedPackages(app);
    console.log(
      `# node_modules of prove-verify-server: ${packages.length} packages, ${megabytes(bytesUnder(path.join(app, 'node_modules')))}`,
    );
    for (const name of ['prove-verify-server', 'zod', 'jose', 'rate-limiter-flexible', 'libphonenumber-js'])
      assert.ok(packages.includes(name), name);
    for (const name of ['lit', '@prove-identity/prove-auth', 'prove-verify', 'react', '@lit/react', 'ioredis'])
      assert.ok(!packages.includes(name), name);
  });

  test('which imports and answers a request as it is installed', () => {
    // Another origin's start: refused before Prove is called, so no Prove is needed to see it answer.
    const script = `
      import { createProveVerifyHandlers } from 'prove-verify-server';
      const prove = createProveVerifyHandlers({
        prove: { baseUrl: 'https://platform.uat.proveapis.com', clientId: 'id', clientSecret: 'secret' },
        finalTarget: { landingUrl: 'https://shop.example/link-opened.html' },
        pageOrigins: ['https://shop.example'],
      });
      const answer = await prove.verify(new Request('https://shop.example/api/verify', {
        method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}',
      }));
      console.log(answer.status);
      await prove.close();`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim().split('\n').at(-1), '403');
  });

  test('whose declaration files compile with skipLibCheck off, ioredis not installed', () => {
    const user =
      "import { createProveVerifyHandlers, redisStore, type RedisClient } from 'prove-verify-server';\nexport { createProveVerifyHandlers, redisStore };\nexport type { RedisClient };\n";
    assert.equal(compileIn(app, { 'server-user.ts': user }), '');
  });
});
