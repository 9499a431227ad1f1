/**
 * The matrix: one app per bundler, each in the shape its scaffolder makes (create-vite's vanilla-ts
 * and vue-ts, create-next-app's App Router, Angular CLI's standalone application) or, for the tools
 * without one, its documented minimal setup (webpack's Getting Started and Development guides,
 * esbuild's code splitting, the public/build layout of Rollup's starter app, Parcel's web app).
 *
 * The sources under test/bundlers/<app>/ are the apps' own; the docs' framework snippets (the
 * fixtures in test/stacks/, which test/release/stacks.test.ts holds byte for byte to the docs)
 * are copied in when the matrix runs, so each framework app builds the docs' code as it is
 * today. The vanilla apps are docs/frameworks.md's "From npm" snippet: `import 'prove-verify';` and the tag.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../e2e/support/stack.js';
import { MATRIX_DIR } from './install.js';

const STACKS = path.join(REPO_ROOT, 'test/stacks');

export interface App {
  /** Its folder under test/bundlers/. */
  name: string;
  title: string;
  /** The docs' fixtures copied in: test/stacks/ path → path in the app (folders are merged). */
  fixtures: [from: string, to: string][];
  /** The file holding the `<prove-verify>` tag (its possession type is what the start request carries). */
  tagFile: string;
  /** A vanilla app's entry: the "From npm" import, the tag in tagFile. */
  entry?: string;
  /** What a framework app shows once its handler heard the element's verdict. */
  heard?: string;
  /** The build's output folder, served as a static host serves it; none: the app serves itself (`npm start`). */
  output?: string;
  /**
   * The npm script that runs the dev server, the arguments that put it on a loopback port, and
   * what it prints when its build failed but it stays up.
   */
  dev?: { script: string; args: (port: number) => string[]; failed?: RegExp };
  /** For an app that serves its own build: the arguments of `npm start`. */
  startArgs?: (port: number) => string[];
  /** What the tool prints when it builds and when it serves (that it is the bundler this row is for; what it built). */
  says?: { build: RegExp[]; dev: RegExp[] };
}

const viteDev = {
  script: 'dev',
  args: (port: number) => ['--host', '127.0.0.1', '--port', String(port), '--strictPort'],
};

/** The Next app's API routes: docs/server.md's route handlers, when test/stacks/next/ has them. */
const nextRoutes: [string, string][] = existsSync(path.join(STACKS, 'next/app'))
  ? [
      ['next/app', 'app'],
      ['next/lib', 'lib'],
    ]
  : [];

export const APPS: App[] = [
  {
    name: 'vite-vanilla',
    title: 'Vite (vanilla-ts)',
    fixtures: [],
    tagFile: 'index.html',
    entry: 'src/main.ts',
    output: 'dist',
    dev: viteDev,
  },
  {
    name: 'vite-vue',
    title: 'Vite (vue-ts)',
    fixtures: [
      ['vue/vite.config.ts', 'vite.config.ts'],
      ['vue/Verify.vue', 'src/components/Verify.vue'],
      ['vue/prove-verify.d.ts', 'src/prove-verify.d.ts'],
    ],
    tagFile: 'src/components/Verify.vue',
    heard: 'Phone verified: no',
    output: 'dist',
    dev: viteDev,
  },
  {
    name: 'webpack',
    title: 'webpack 5',
    fixtures: [],
    tagFile: 'dist/index.html',
    entry: 'src/index.js',
    output: 'dist',
    dev: {
      script: 'start',
      args: (port) => ['--host', '127.0.0.1', '--port', String(port)],
      failed: /compiled with \d+ errors?/,
    },
  },
  {
    name: 'esbuild',
    title: 'esbuild',
    fixtures: [],
    tagFile: 'www/index.html',
    entry: 'src/app.ts',
    output: 'www',
    dev: { script: 'start', args: (port) => [`--serve=127.0.0.1:${port}`] },
  },
  {
    name: 'rollup',
    title: 'Rollup',
    fixtures: [],
    tagFile: 'public/index.html',
    entry: 'src/main.js',
    output: 'public',
  },
  {
    name: 'parcel',
    title: 'Parcel',
    fixtures: [],
    tagFile: 'src/index.html',
    entry: 'src/app.ts',
    output: 'dist',
    dev: { script: 'start', args: (port) => ['--host', '127.0.0.1', '--port', String(port)], failed: /Build failed/ },
  },
  {
    name: 'next',
    title: 'Next (Turbopack)',
    fixtures: [['react/verify.tsx', 'app/verify.tsx'], ...nextRoutes],
    tagFile: 'app/verify.tsx',
    heard: 'Phone verified: no',
    dev: { script: 'dev', args: (port) => ['-H', '127.0.0.1', '-p', String(port)] },
    startArgs: (port) => ['-H', '127.0.0.1', '-p', String(port)],
    says: {
      // The route table lists docs/server.md's route handlers, built with no PROVE_* variable set.
      build: [
        /Next\.js [\d.]+ \(Turbopack\)/,
        ...(nextRoutes.length ? [/ƒ \/api\/verify\n/, /ƒ \/api\/verify-status\n/, /ƒ \/api\/webhook\n/] : []),
      ],
      dev: [/Next\.js [\d.]+ \(Turbopack\)/],
    },
  },
  {
    name: 'angular',
    title: 'Angular',
    fixtures: [['angular/verify.component.ts', 'src/app/verify.component.ts']],
    tagFile: 'src/app/verify.component.ts',
    heard: 'Phone verified: no',
    output: 'dist/angular/browser',
    dev: {
      script: 'start',
      args: (port) => ['--host', '127.0.0.1', '--port', String(port)],
      failed: /Application bundle generation failed/,
    },
  },
];

/** Whether the Next app has docs/server.md's route handlers (test/stacks/next/), or builds its page only. */
export const nextHasRoutes = nextRoutes.length > 0;

/**
 * A fresh copy of the app in `workDir` (inside test/bundlers, so that it resolves the shared
 * install) with the docs' fixtures copied in; answers the copy's folder.
 */
export function copyApp(app: App, workDir: string): string {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(path.dirname(workDir), { recursive: true });
  cpSync(path.join(MATRIX_DIR, app.name), workDir, { recursive: true });
  for (const [from, to] of app.fixtures) cpSync(path.join(STACKS, from), path.join(workDir, to), { recursive: true });
  return workDir;
}

/**
 * The possession type the element sends: the tag's `possession-type` (or React's
 * `possessionType`), and for `auto` or none, what Prove's SDK says of a desktop Chromium.
 */
export function possessionTypeOf(app: App, workDir: string): 'mobile' | 'desktop' {
  const source = readFileSync(path.join(workDir, app.tagFile), 'utf8');
  const set = /possession-?[tT]ype="(\w+)"/.exec(source)?.[1];
  return set === 'mobile' ? 'mobile' : 'desktop';
}
