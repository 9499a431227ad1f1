// The framework snippets of docs/frameworks.md, and the backend's of docs/server.md and README's
// quick start (prove-verify-server, Hono, Express, Redis, Next.js), as fixtures in test/stacks/,
// compiled against the built package the way an app would import it
// (`prove-verify/react`, `prove-verify/vue`, `prove-verify/vite`, `prove-verify/svelte`,
// `prove-verify/angular`, `prove-verify/jsx`, `prove-verify-server`: resolved through package.json
// `exports`). Misspelt props and events must not
// compile: each is a file of its own in one copy per stack, so a stack costs two compiler runs, two
// run at a time. Each fixture is the doc's block itself, after a first comment line naming the
// doc, its section and the block.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { after, before, describe, it } from 'node:test';
import vue, { type Api as VueApi } from '@vitejs/plugin-vue';
import { resolveConfig, type InlineConfig, type Plugin } from 'vite';
import { compileTemplate, parse, type CompilerOptions } from 'vue/compiler-sfc';
import { REPO_ROOT, ensureCdnBuild } from '../e2e/support/stack.js';

const STACKS = path.join(REPO_ROOT, 'test/stacks');
const BIN = path.join(REPO_ROOT, 'node_modules/.bin');

/** What these tests import besides the CDN file ensureCdnBuild() looks for. */
const BUILT = [
  'dist/react.js',
  'dist/react.d.ts',
  'dist/frameworks/jsx.d.ts',
  'dist/frameworks/vue.d.ts',
  'dist/frameworks/svelte.d.ts',
  'dist/vite.js',
  'dist/angular/prove-verify.d.ts',
  'packages/server/dist/server/index.js',
  'packages/server/dist/server/index.d.ts',
];

const COMPILERS: Record<string, (dir: string) => [string, string[]]> = {
  react: (dir) => ['tsc', ['-p', dir]],
  // create-vite's vue-ts layout: tsconfig.json only references tsconfig.app.json, whose
  // vueCompilerOptions are the ones vue-tsc (and the editor) apply to the .vue files.
  vue: (dir) => ['vue-tsc', ['-p', path.join(dir, 'tsconfig.app.json')]],
  svelte: (dir) => [
    'svelte-check',
    ['--workspace', dir, '--tsconfig', './tsconfig.json', '--output', 'machine', '--fail-on-warnings'],
  ],
  // noEmit in its tsconfig: ngc type-checks the templates and writes nothing.
  angular: (dir) => ['ngc', ['-p', dir]],
  // Node's own resolution (NodeNext), with Node's types: the backend's snippets, Express and ioredis.
  server: (dir) => ['tsc', ['-p', dir]],
  // docs/server.md's Next.js route handlers, as the App Router lays them out (the bundler matrix
  // builds them with next build).
  next: (dir) => ['tsc', ['-p', dir]],
};
const STACK_NAMES = Object.keys(COMPILERS);

interface Compiled {
  ok: boolean;
  output: string;
}

function compile(stack: string, dir: string): Promise<Compiled> {
  const [command, args] = COMPILERS[stack]!(dir);
  return new Promise((resolve, reject) => {
    execFile(
      path.join(BIN, command),
      args,
      { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an Error, whose type (Omit<…> & …) does not say so
        if (error && typeof error.code !== 'number') return reject(error);
        // ngc colours its messages whether or not it writes to a terminal.
        resolve({ ok: !error, output: stripVTControlCharacters(`${stdout}${stderr}`) });
      },
    );
  });
}

/** Runs `jobs` two at a time (the machine has two cores; each compiler uses one). */
async function twoAtATime<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

const typos: [stack: string, file: string, from: string, to: string, reported: RegExp][] = [
  ['react', 'verify.tsx', 'backendUrl=', 'backendURL=', /Property 'backendURL' does not exist/],
  ['react', 'verify.tsx', 'onSuccess=', 'onSucess=', /Property 'onSucess' does not exist/],
  ['react', 'verify.tsx', 'possessionType="mobile"', 'possessionType="tablet"', /Type '"tablet"' is not assignable/],
  // The element's read-only step and its methods are no props.
  ['react', 'verify.tsx', 'possessionType="mobile"', 'step="success"', /Property 'step' does not exist/],
  // TypeScript accepts any hyphenated JSX attribute, so on the bare tag a misspelt event shows as
  // its handler's untyped parameter, and a misspelt attribute not at all: the wrapper checks both.
  ['react', 'intrinsic.tsx', 'onprove-verify-success=', 'onprove-verify-sucess=', /error TS7006/],
  [
    'react',
    'intrinsic.tsx',
    'possession-type="desktop"',
    'possession-type="laptop"',
    /Type '"laptop"' is not assignable/,
  ],
  ['vue', 'Verify.vue', 'backend-url=', 'backend-ulr=', /'backendUlr' does not exist/],
  ['vue', 'Verify.vue', '@prove-verify-success=', '@prove-verify-sucess=', /'onProveVerifySucess' does not exist/],
  ['svelte', 'Verify.svelte', 'backend-url=', 'backend-ulr=', /'\\?"backend-ulr\\?"' does not exist/],
  [
    'svelte',
    'Verify.svelte',
    'onprove-verify-success=',
    'onprove-verify-sucess=',
    /'\\?"onprove-verify-sucess\\?"' does not exist/,
  ],
  // prove-verify/angular: its inputs and outputs, checked by strictTemplates with no schema.
  // backendUrl is required, so a misspelt one is missing; a bound property no input claims is
  // checked against the DOM's.
  [
    'angular',
    'verify.component.ts',
    'backendUrl=',
    'backendURL=',
    /error NG8008: Required input 'backendUrl' from directive ProveVerify must be specified/,
  ],
  [
    'angular',
    'verify.component.ts',
    '[firstName]=',
    '[firstname]=',
    /error NG8002: Can't bind to 'firstname' since it isn't a known property of 'prove-verify'/,
  ],
  [
    'angular',
    'verify.component.ts',
    'possessionType="mobile"',
    'possessionType="tablet"',
    /error TS2322: Type '"tablet"' is not assignable to type '"auto" \| "mobile" \| "desktop" \| undefined'/,
  ],
  // An output no directive has is the element's DOM event of that name: a plain Event.
  [
    'angular',
    'verify.component.ts',
    '(success)=',
    '(sucess)=',
    /error TS2345: Argument of type 'Event' is not assignable to parameter of type 'CustomEvent<ProveVerifyResultDetail>'/,
  ],
  [
    'angular',
    'verify.component.ts',
    '(failure)=',
    '(error)=',
    /error TS2345: Argument of type 'CustomEvent<ProveVerifyErrorDetail>' is not assignable to parameter of type 'CustomEvent<ProveVerifyResultDetail>'/,
  ],
  [
    'angular',
    'verify.component.ts',
    'done($event)',
    'dne($event)',
    /error TS2551: Property 'dne' does not exist on type 'VerifyComponent'/,
  ],
  [
    'angular',
    'verify.component.ts',
    'imports: [ProveVerify],',
    'imports: [],',
    /error NG8001: 'prove-verify' is not a known element/,
  ],
  ['server', 'handlers.ts', 'pageOrigins:', 'pageOrigin:', /'pageOrigin' does not exist in type 'ProveVerifyOptions'/],
  ['server', 'hono.ts', '.remote.address', '.remote.adress', /Property 'adress' does not exist/],
  [
    'server',
    'express.ts',
    '{ clientAddress:',
    '{ clientAdress:',
    /'clientAdress' does not exist in type 'RequestContext'/,
  ],
];

/** The file a misspelt copy is written to, beside the fixture it copies. */
const typoFile = (index: number) => `typo${index}-${typos[index]![1]}`;

/**
 * A copy of the stack's fixtures with one more file per misspelling (the fixture's file with one
 * change each), so one compiler run reports them all, each under its own file's name. Inside the
 * repository, so `prove-verify` still resolves to this package.
 */
function withTypos(stack: string): string {
  const copy = mkdtempSync(path.join(STACKS, `.typo-${stack}-`));
  cpSync(path.join(STACKS, stack), copy, { recursive: true });
  typos.forEach(([typoStack, file, from, to], index) => {
    if (typoStack !== stack) return;
    const source = readFileSync(path.join(copy, file), 'utf8');
    assert.ok(source.includes(from), `${stack}/${file} no longer contains ${from}`);
    writeFileSync(path.join(copy, typoFile(index)), source.replace(from, to));
  });
  return copy;
}

/** The stack's fixtures that have misspelt copies, and every file the compiler may name in the copy. */
function typoFiles(stack: string): { fixtures: string[]; all: string[] } {
  const fixtures = [...new Set(typos.filter(([typoStack]) => typoStack === stack).map(([, file]) => file))];
  return {
    fixtures,
    all: [...fixtures, ...typos.flatMap(([typoStack], i) => (typoStack === stack ? [typoFile(i)] : []))],
  };
}

/**
 * What the compiler said about one file: the lines from each line naming it up to the next line
 * naming a file of the copy (messages run over several lines).
 */
function reportsOn(output: string, file: string, files: string[]): string {
  const lines = output.split('\n');
  const names = (line: string, name: string) =>
    new RegExp(`(^|[\\s"/\\\\])${name.replace(/[.()[\]]/g, '\\$&')}\\b`).test(line);
  let current: string | undefined;
  return lines
    .filter((line) => {
      const named = files.find((name) => names(line, name));
      if (named) current = named;
      return current === file;
    })
    .join('\n');
}

function ensureBuilt() {
  ensureCdnBuild();
  const missing = BUILT.filter((file) => !existsSync(path.join(REPO_ROOT, file)));
  if (missing.length === 0) return;
  console.log(`# ${missing.join(', ')} missing: running \`npm run build\` once`);
  assert.equal(
    spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' }).status,
    0,
    'npm run build failed',
  );
}

describe('framework fixtures (test/stacks) compile against the built package', () => {
  const clean = new Map<string, Compiled>();
  const misspelt = new Map<string, Compiled>();
  const copies: string[] = [];

  before(async () => {
    ensureBuilt();
    const jobs = STACK_NAMES.flatMap((stack) => {
      const copy = withTypos(stack);
      copies.push(copy);
      return [
        async () => clean.set(stack, await compile(stack, path.join(STACKS, stack))),
        async () => misspelt.set(stack, await compile(stack, copy)),
      ];
    });
    await twoAtATime(jobs);
  });
  after(() => copies.forEach((copy) => rmSync(copy, { recursive: true, force: true })));

  for (const stack of STACK_NAMES) {
    it(`${stack}: the docs' snippets compile`, () => {
      const { ok, output } = clean.get(stack)!;
      assert.ok(ok, output);
    });
  }

  typos.forEach(([stack, file, , to, reported], index) => {
    it(`${stack}: ${to.replace(/=.*/, '')} in ${file} does not compile`, () => {
      const { ok, output } = misspelt.get(stack)!;
      assert.equal(ok, false, `compiled with ${to}:\n${output}`);
      assert.match(reportsOn(output, typoFile(index), typoFiles(stack).all), reported, output);
    });
  });

  it('in the misspelt copies, nothing is reported on the fixtures they copy', () => {
    for (const stack of STACK_NAMES) {
      const { fixtures, all } = typoFiles(stack);
      for (const fixture of fixtures)
        assert.equal(reportsOn(misspelt.get(stack)!.output, fixture, all), '', `${stack}/${fixture}`);
    }
  });
});

/**
 * The fenced code blocks of `file`'s section under the heading `heading` (up to the next heading of
 * its level or above), in order, without their fences. Lines in fenced blocks are never headings.
 */
function docBlocks(file: string, heading: string): string[] {
  const lines = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n');
  let fenced = false;
  const levels = lines.map((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return fenced ? 0 : (/^(#{1,6}) /.exec(line)?.[1]!.length ?? 0);
  });
  const start = lines.findIndex((line, index) => levels[index]! > 0 && line.slice(levels[index]! + 1) === heading);
  assert.ok(start >= 0, `${file} has no heading ${heading}`);
  const end = levels.findIndex((level, index) => index > start && level > 0 && level <= levels[start]!);
  const section = lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
  return [...section.matchAll(/^```\w*\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

describe("the docs' framework and backend snippets are the fixtures", () => {
  // Block numbers count every fenced block in the section, from 1. Not here: Vue's block 3
  // (tsconfig.app.json, checked below).
  const snippets: [file: string, heading: string, block: number, fixture: string][] = [
    ['docs/frameworks.md', 'React and Next.js', 1, 'react/verify.tsx'],
    ['docs/frameworks.md', 'React and Next.js', 2, 'react/intrinsic.tsx'],
    ['docs/frameworks.md', 'Vue', 1, 'vue/vite.config.ts'],
    ['docs/frameworks.md', 'Vue', 2, 'vue/prove-verify.d.ts'],
    ['docs/frameworks.md', 'Vue', 4, 'vue/Verify.vue'],
    ['docs/frameworks.md', 'Svelte', 1, 'svelte/app.d.ts'],
    ['docs/frameworks.md', 'Svelte', 2, 'svelte/Verify.svelte'],
    ['docs/frameworks.md', 'Angular', 1, 'angular/verify.component.ts'],
    // Served and opened by test/release/cdn-example.test.ts.
    ['docs/frameworks.md', 'Plain HTML or a CDN', 1, 'cdn/index.html'],
    ['docs/frameworks.md', 'Plain HTML or a CDN', 2, 'cdn/verify.js'],
    ['docs/csp.md', 'Content Security Policy', 1, 'cdn/csp.http'],
    ['README.md', 'Your backend: prove-verify-server', 1, 'server/quick-start.ts'],
    ['docs/server.md', 'prove-verify-server', 1, 'server/handlers.ts'],
    ['docs/server.md', 'Hono', 1, 'server/hono.ts'],
    ['docs/server.md', 'Express', 1, 'server/express.ts'],
    ['docs/server.md', 'More than one machine: Redis', 1, 'server/redis.ts'],
    ['docs/server.md', 'Next.js route handlers', 1, 'next/lib/prove.ts'],
    ['docs/server.md', 'Next.js route handlers', 2, 'next/app/api/verify/route.ts'],
    ['docs/server.md', 'The verdict on your server: `onVerified`', 1, 'server/on-verified.ts'],
  ];
  for (const [file, heading, block, fixture] of snippets) {
    it(`${file} '${heading}' block ${block} is test/stacks/${fixture}, byte for byte after its first comment line`, () => {
      const source = readFileSync(path.join(STACKS, fixture), 'utf8');
      const firstLine = source.slice(0, source.indexOf('\n'));
      const names = `${file} "${heading}", block ${block}`;
      assert.ok(
        [`// ${names}`, `<!-- ${names}`, `# ${names}`].some((start) => firstLine.startsWith(start)),
        `${fixture} starts with ${firstLine}`,
      );
      const blocks = docBlocks(file, heading);
      assert.ok(block <= blocks.length, `the ${heading} section has ${blocks.length} blocks`);
      assert.equal(source.slice(firstLine.length + 1), blocks[block - 1]);
    });
  }

  it("docs/frameworks.md 'Vue' block 3's vueCompilerOptions are test/stacks/vue/tsconfig.app.json's, which vue-tsc compiles", () => {
    const block = docBlocks('docs/frameworks.md', 'Vue')[2]!;
    assert.match(block, /^\/\/ tsconfig\.app\.json\b/, 'the block names another file');
    const tsconfigApp = JSON.parse(readFileSync(path.join(STACKS, 'vue/tsconfig.app.json'), 'utf8'));
    assert.deepEqual(
      JSON.parse(block.slice(block.indexOf('\n') + 1)).vueCompilerOptions,
      tsconfigApp.vueCompilerOptions,
    );
    // As create-vite lays it out: tsconfig.json compiles nothing itself, so options there do nothing.
    const tsconfig = JSON.parse(readFileSync(path.join(STACKS, 'vue/tsconfig.json'), 'utf8'));
    assert.deepEqual(tsconfig, { files: [], references: [{ path: './tsconfig.app.json' }] });
  });
});

describe("Vue's isCustomElement, as prove-verify/vite sets it through Vite's own config resolution", () => {
  const { descriptor } = parse(readFileSync(path.join(STACKS, 'vue/Verify.vue'), 'utf8'));
  const compiled = (compilerOptions: CompilerOptions) =>
    compileTemplate({ source: descriptor.template!.content, filename: 'Verify.vue', id: 'verify', compilerOptions })
      .code;
  const asElement = /createElementBlock\("prove-verify"/;
  const asComponent = /resolveComponent\("prove-verify"\)/;

  /**
   * The template options @vitejs/plugin-vue compiles with, once Vite has resolved `config` (its
   * plugins' hooks run).
   */
  async function vueTemplateOptions(config: InlineConfig): Promise<CompilerOptions> {
    const resolved = await resolveConfig({ ...config, configFile: false, logLevel: 'silent' }, 'build');
    const plugin = resolved.plugins.find((p): p is Plugin<VueApi> => p.name === 'vite:vue');
    assert.ok(plugin?.api, 'no @vitejs/plugin-vue in the resolved config');
    return plugin.api.options.template?.compilerOptions ?? {};
  }

  before(ensureBuilt);

  it("docs/frameworks.md's vite.config.ts makes <prove-verify> an element Vue creates, where vue() alone looks for a component", async () => {
    // The fixture's own config (vue-tsc and tsconfig.node.json type-check it).
    const { default: config } = await import('../stacks/vue/vite.config.js');
    assert.match(compiled(await vueTemplateOptions(config)), asElement);
    assert.doesNotMatch(compiled(await vueTemplateOptions(config)), asComponent);
    assert.match(compiled(await vueTemplateOptions({ plugins: [vue()] })), asComponent);
  });

  it('works listed before vue() too, and keeps an isCustomElement the app set', async () => {
    // By name, as an app imports it; a variable keeps `npm run typecheck` (before any build) off dist/.
    const entry: string = 'prove-verify/vite';
    const { default: proveVerify } = (await import(entry)) as { default: () => Plugin };
    const theirs = vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'their-widget' } } });
    const options = await vueTemplateOptions({ plugins: [proveVerify(), theirs] });
    assert.match(compiled(options), asElement);
    assert.equal(options.isCustomElement?.('their-widget'), true);
    assert.equal(options.isCustomElement?.('my-component'), false);
  });
});

describe('prove-verify/angular mirrors custom-elements.json', () => {
  before(ensureBuilt);

  it('has an input for each settable field and an output for each event, and nothing else', () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'custom-elements.json'), 'utf8'));
    const element = manifest.modules
      .flatMap((module: any) => module.declarations ?? [])
      .find((declaration: any) => declaration.tagName === 'prove-verify');
    const fields = element.members
      .filter(
        (member: any) =>
          member.kind === 'field' && !member.static && !member.readonly && (member.privacy ?? 'public') === 'public',
      )
      .map((member: any) => member.name);
    const events = element.events.map((event: any) => event.name.replace(/^prove-verify-/, ''));
    // What Angular reads of a library: the directive's declaration in its .d.ts, e.g.
    // `{ "backendUrl": { "alias": "backendUrl"; … }; … }, { "step": "step"; … }`.
    const declaration = readFileSync(path.join(REPO_ROOT, 'dist/angular/prove-verify.d.ts'), 'utf8');
    const line = declaration
      .split('\n')
      .find((text) => text.includes('ɵɵDirectiveDeclaration<ProveVerify, "prove-verify"'));
    assert.ok(line, 'no directive declaration for prove-verify in dist/angular/prove-verify.d.ts');
    const inputs = [...line.matchAll(/"(\w+)": \{ "alias"/g)].map((match) => match[1]);
    const outputs = [...line.matchAll(/"(\w+)": "\w+";/g)].map((match) => match[1]).filter((name) => name !== 'alias');
    assert.deepEqual(inputs.sort(), [...fields].sort());
    assert.deepEqual(outputs.sort(), [...events].sort());
  });
});

describe('prove-verify/react on a server (as Next.js renders a client component first)', () => {
  before(ensureBuilt);

  it('imports in Node and renders the bare tag, leaving properties and handlers to the browser', async () => {
    // By name, as an app imports it; a variable keeps `npm run typecheck` (before any build) off dist/.
    const entry: string = 'prove-verify/react';
    const { ProveVerify } = await import(entry);
    const React = await import('react');
    const { renderToString } = await import('react-dom/server');
    const html = renderToString(
      React.createElement(ProveVerify, { backendUrl: '/api', possessionType: 'mobile', onSuccess: () => {} }),
    );
    assert.equal(html, '<prove-verify></prove-verify>');
  });
});
