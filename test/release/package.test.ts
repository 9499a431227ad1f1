// The package as a site gets it from npm: built `dist/`, read through package.json's
// "exports". Run after `npm run build` (npm test builds first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';

const ROOT = path.resolve(import.meta.dirname, '../..');
const bin = (name: string) => path.join(ROOT, 'node_modules/.bin', name);

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Every file under dist/ whose name ends with `suffix`. */
function built(suffix: string, dir = path.join(ROOT, 'dist')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return built(suffix, file);
    return entry.name.endsWith(suffix) ? [file] : [];
  });
}

const relative = (file: string) => path.relative(ROOT, file);

/** Every file under `dir` (relative to ROOT) whose name ends with `suffix`, relative to ROOT. */
function sources(dir: string, suffix: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(suffix) && !file.endsWith('.d.ts'))
    .map((file) => path.posix.join(dir, file.split(path.sep).join('/')));
}

/**
 * What the package should hold: for each source module of the element (the server is a package of
 * its own) its code and types, no map; the loader of the phone plans; the CDN files the build's
 * own record names (its two entries, their chunks with their maps, Prove's file and licence, the
 * phone plans, which the npm modules load from there too); and the five files at the top.
 */
function intendedFiles(): string[] {
  const cdn = JSON.parse(readFileSync(path.join(ROOT, 'dist/cdn-manifest.json'), 'utf8')) as {
    sdk: string;
    chunks: Record<string, unknown>;
    phoneMetadata: Record<string, string>;
  };
  const cdnScripts = [...new Set(['prove-verify.js', 'instant-link.js', ...Object.keys(cdn.chunks)])];
  return [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'custom-elements.json',
    ...sources('src', '.ts')
      .filter((file) => !file.startsWith('src/server/'))
      .flatMap((file) => {
        const built = file.replace(/^src\//, 'dist/').replace(/\.ts$/, '');
        return [`${built}.js`, `${built}.d.ts`];
      }),
    'dist/phone/metadata/index.js',
    // The Angular directive, compiled by ngc in partial mode (tsconfig.angular.json), and the
    // import-map command.
    'dist/angular/prove-verify.js',
    'dist/angular/prove-verify.d.ts',
    'bin/prove-verify-import-map.mjs',
    ...cdnScripts.flatMap((file) => [`dist/cdn/${file}`, `dist/cdn/${file}.map`]),
    `dist/cdn/${cdn.sdk}`,
    `dist/cdn/${cdn.sdk}.LICENSE.txt`,
    'dist/cdn/integrity.json',
    ...Object.values(cdn.phoneMetadata).map((file) => `dist/cdn/${file}`),
    // Framework typings and editor data generated from the manifest (scripts/framework-types.mjs,
    // whose own tests check what is in them): whatever it writes there ships.
    ...(existsSync(path.join(ROOT, 'dist/frameworks'))
      ? built('', path.join(ROOT, 'dist/frameworks')).map(relative)
      : []),
  ].sort();
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
  const naming = built('.d.ts').filter((file) => /from ['"]@prove-identity\//.test(readFileSync(file, 'utf8')));
  assert.deepEqual(naming.map(relative), []);
});

test('source maps only for the minified CDN files, each carrying the text of every source it names', () => {
  // The npm modules are tsc's readable output, which a bundler maps itself; declaration maps would
  // only lead an editor to .ts files the package does not ship.
  assert.deepEqual(built('.d.ts.map').map(relative), []);
  const maps = built('.js.map');
  assert.deepEqual(
    maps.map(relative).filter((file) => !file.startsWith('dist/cdn/')),
    [],
  );
  assert.ok(maps.some((file) => relative(file) === 'dist/cdn/prove-verify.js.map'));
  assert.deepEqual(
    built('.js')
      .filter((file) => !relative(file).startsWith('dist/cdn/') && /sourceMappingURL/.test(readFileSync(file, 'utf8')))
      .map(relative),
    [],
    'an npm module names a map that does not ship',
  );
  for (const file of maps) {
    const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    const missing = map.sources.filter((_source, i) => typeof map.sourcesContent?.[i] !== 'string');
    assert.deepEqual(missing, [], `${relative(file)} names sources it does not carry`);
  }
});

test("Prove's licence text ships beside Prove's file in dist/cdn, as Prove's package ships both", () => {
  const prove = path.join(ROOT, 'node_modules/@prove-identity/prove-auth');
  assert.deepEqual(
    readFileSync(path.join(ROOT, 'dist/cdn/prove-auth.js')),
    readFileSync(path.join(prove, 'build/bundle/release/prove-auth.js')),
  );
  const licence = readFileSync(path.join(ROOT, 'dist/cdn/prove-auth.js.LICENSE.txt'), 'utf8');
  assert.equal(licence, readFileSync(path.join(prove, 'LICENSE'), 'utf8'));
  assert.match(licence, /Prove Identity, Inc\..*CC BY-NC-ND 4\.0/);
});

interface Manifest {
  modules: {
    path: string;
    declarations?: {
      customElement?: boolean;
      tagName?: string;
      events?: { name: string; type?: { text: string } }[];
    }[];
  }[];
}

test('the manifest lists the public entries only, by the files that ship', () => {
  const text = readFileSync(path.join(ROOT, 'custom-elements.json'), 'utf8');
  const manifest = JSON.parse(text) as Manifest;
  const paths = manifest.modules.map((module) => module.path);
  assert.deepEqual(paths.sort(), ['dist/instant-link.js', 'dist/prove-verify-element.js', 'dist/prove-verify.js']);
  for (const file of paths) assert.ok(existsSync(path.join(ROOT, file)), `${file} is built`);
  // References between modules too: nothing may point at the unpublished sources.
  assert.deepEqual(text.match(/"\/?src\/[^"]*"/g), null);
});

test("the manifest types each event as the element's event map does", () => {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'custom-elements.json'), 'utf8')) as Manifest;
  const element = manifest.modules
    .flatMap((module) => module.declarations ?? [])
    .find((d) => d.tagName === 'prove-verify');
  const typed = Object.fromEntries((element?.events ?? []).map((event) => [event.name, event.type?.text]));
  // ProveVerifyEventMap, the types pages get in HTMLElementEventMap, as published.
  const map =
    /interface ProveVerifyEventMap \{([^}]*(?:\}[^}]*)*?)\n\}/.exec(
      readFileSync(path.join(ROOT, 'dist/events.d.ts'), 'utf8'),
    )?.[1] ?? '';
  const declared = Object.fromEntries([...map.matchAll(/'([\w-]+)': (.+);/g)].map((m) => [m[1], m[2]]));
  assert.equal(Object.keys(declared).length, 5);
  assert.deepEqual(typed, declared);
});

test('npm pack holds exactly the intended files', () => {
  const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stderr);
  const [{ files }] = JSON.parse(packed.stdout) as [{ files: { path: string }[] }];
  const listed = files.map((file) => file.path).sort();
  const intended = intendedFiles();
  // The differences first, so a failure names the files rather than printing hundreds.
  assert.deepEqual(
    { unintended: listed.filter((f) => !intended.includes(f)), missing: intended.filter((f) => !listed.includes(f)) },
    { unintended: [], missing: [] },
  );
  assert.deepEqual(listed, intended);
});

test('publint --strict finds nothing to say about the package', async () => {
  const { publint } = await import('publint');
  const { messages } = await publint({ pkgDir: ROOT, strict: true });
  assert.deepEqual(messages, []);
});

test('@arethetypeswrong/cli passes every entry point for ESM-only consumers (node16 from ESM, bundler)', () => {
  // --pack checks the tarball npm would publish, so it sees what a site installs.
  const { status, output } = run(process.execPath, [
    bin('attw'),
    '--pack',
    '.',
    '--profile',
    'esm-only',
    '--format',
    'json',
  ]);
  const report = JSON.parse(output.slice(output.indexOf('{'))) as {
    analysis: { entrypoints: Record<string, unknown> };
  };
  for (const entry of ['.', './element', './instant-link', './custom-elements.json']) {
    assert.ok(entry in report.analysis.entrypoints, `attw checked ${entry}`);
  }
  assert.equal(status, 0, output);
});

test('dist/cdn/integrity.json holds the SRI hash (sha384) of every script in dist/cdn, as the files are now', async () => {
  const dir = path.join(ROOT, 'dist/cdn');
  const listed = JSON.parse(readFileSync(path.join(dir, 'integrity.json'), 'utf8')) as Record<string, string>;
  const scripts = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => file.split(path.sep).join('/'));
  assert.deepEqual(Object.keys(listed).sort(), scripts.sort());
  assert.ok(
    scripts.includes('prove-verify.js') && scripts.includes('prove-auth.js') && scripts.includes('metadata/1.js'),
  );
  // Computed here as a browser does (Web Crypto), so a hash of a file changed after it was taken fails.
  for (const file of scripts) {
    const digest = await crypto.subtle.digest('SHA-384', readFileSync(path.join(dir, file)));
    assert.equal(listed[file], `sha384-${Buffer.from(digest).toString('base64')}`, file);
  }
});

test('every locked dependency runs on the Node the package and its tools say they need (npm ci warns of no engine)', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean; optional?: boolean; engines?: { node?: string } }>;
  };
  // The oldest Node each range admits: what a consumer (engines) and a developer (devEngines) may have.
  const consumer = semver.minVersion(pkg.engines.node)!.version;
  const developer = semver.minVersion(pkg.devEngines.runtime.version)!.version;
  const refused = Object.entries(lock.packages).flatMap(([where, entry]) => {
    const range = entry.engines?.node;
    if (!where || !range || !semver.validRange(range)) return [];
    const node = entry.dev ? developer : consumer;
    return semver.satisfies(node, range) ? [] : [`${where}@${entry.version} needs Node ${range}, not ${node}`];
  });
  assert.ok(Object.keys(lock.packages).length > 500, 'the lock file lists the dependency tree');
  assert.deepEqual(refused, []);
});

test('prove-verify-server packs its built modules, its README and licence, nothing else, and publint and attw pass it', async () => {
  const dir = path.join(ROOT, 'packages/server');
  const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stderr);
  const [{ files }] = JSON.parse(packed.stdout) as [{ files: { path: string }[] }];
  const listed = files.map((file) => file.path).sort();
  const intended = [
    'LICENSE',
    'README.md',
    'package.json',
    ...[...sources('src/server', '.ts'), 'src/phone-rule.ts', 'src/name-rule.ts', 'src/retry-after.ts'].flatMap(
      (file) => {
        const built = file.replace(/^src\//, 'dist/').replace(/\.ts$/, '');
        return [`${built}.js`, `${built}.d.ts`];
      },
    ),
  ].sort();
  assert.deepEqual(
    { unintended: listed.filter((f) => !intended.includes(f)), missing: intended.filter((f) => !listed.includes(f)) },
    { unintended: [], missing: [] },
  );
  const { publint } = await import('publint');
  assert.deepEqual((await publint({ pkgDir: dir, strict: true })).messages, []);
  const attw = spawnSync(process.execPath, [bin('attw'), '--pack', dir, '--profile', 'esm-only', '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(attw.status, 0, `${attw.stdout}${attw.stderr}`);
});
