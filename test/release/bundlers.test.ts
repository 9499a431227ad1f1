// The bundler matrix: the packed prove-verify, installed as a user installs it, built by
// users' own tools (Vite vanilla and Vue, webpack 5, esbuild, Rollup, Parcel, Next with Turbopack,
// Angular), each app's production build and its dev server opened in Chromium, where a person
// fills the form and presses Verify. Each app must format the phone with its lazily loaded
// numbering plan, send the start in E.164 to the backend (a stub on the page's origin), fetch
// Prove's SDK when the person reaches the form, end in the failure state firing prove-verify-failure, with
// no request refused and no page error. The apps and the docs' fixtures they build: test/bundlers/apps.ts.
//
// The deliberate break (numbering plans loaded through one computed import of `…/${code}.js`)
// must fail it: the last suite proves that of Vite's build and dev server on every
// run; BUNDLERS_BREAK=template-import runs the whole matrix against that tarball instead.
//
//   node --import tsx --test test/release/bundlers.test.ts   (after `npm run build && npm run pack`)
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { freeLoopbackPort } from '../../demo/server/loopback.js';
import { packed } from '../../scripts/pack.mjs';
import { APPS, copyApp, nextHasRoutes, possessionTypeOf, type App } from '../bundlers/apps.js';
import {
  checkInstalledFrom,
  installTarballs,
  installTools,
  MATRIX_DIR,
  tarballWithTemplateImport,
  WORK_DIR,
} from '../bundlers/install.js';
import { verifyAsAPerson } from '../bundlers/person.js';
import { answering, run, start, type Child } from '../bundlers/processes.js';
import { serveFolder } from '../bundlers/static-server.js';
import { launchBrowser, REPO_ROOT } from '../e2e/support/stack.js';

const BREAK = process.env.BUNDLERS_BREAK === 'template-import';
/** A build on two busy cores: Next's and Angular's take a minute or more. */
const BUILD_TIMEOUT = 5 * 60_000;
/** A dev server answering its page the first time (Next compiles it at that request). */
const DEV_TIMEOUT = 3 * 60_000;

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Builds the app in `dir` and serves the output; answers its page's URL and how to stop serving it. */
async function buildAndServe(app: App, dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const started = Date.now();
  const output = await run('npm', ['run', 'build'], dir, BUILD_TIMEOUT);
  for (const said of app.says?.build ?? [])
    assert.match(output, said, `${app.title}'s build did not say ${said}:\n${output}`);
  console.log(`# ${app.title}: production build in ${seconds(started)}`);
  if (app.output) return serveFolder(path.join(dir, app.output));
  const port = await freeLoopbackPort();
  const server = start('npm', ['run', 'start', '--', ...app.startArgs!(port)], dir);
  const url = `http://127.0.0.1:${port}/`;
  try {
    await answering(url, server, DEV_TIMEOUT);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, close: () => server.stop() };
}

/** Starts the app's dev server in `dir`, waits until its page answers; answers its URL and the server. */
async function startDev(app: App, dir: string): Promise<{ url: string; server: Child }> {
  const started = Date.now();
  const port = await freeLoopbackPort();
  const server = start('npm', ['run', app.dev!.script, '--', ...app.dev!.args(port)], dir);
  const url = `http://127.0.0.1:${port}/`;
  try {
    await answering(url, server, DEV_TIMEOUT, app.dev!.failed);
    for (const said of app.says?.dev ?? [])
      assert.match(server.output(), said, `${app.title}'s dev server did not say ${said}:\n${server.output()}`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  console.log(`# ${app.title}: dev server answered in ${seconds(started)}`);
  return { url, server };
}

/** The code blocks of docs/frameworks.md's `## heading` section. */
function frameworkBlocks(heading: string): string[] {
  const page = readFileSync(path.join(REPO_ROOT, 'docs/frameworks.md'), 'utf8');
  const start = page.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `docs/frameworks.md has no ## ${heading}`);
  const section = page.slice(start + 1).split(/\n#{1,2} /)[0]!;
  return [...section.matchAll(/^```\w*\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

test(`the vanilla apps are docs/frameworks.md's "From npm" snippet: its import, and README's tag`, () => {
  const [, imports] = frameworkBlocks('From npm');
  const entry = "import 'prove-verify';";
  assert.ok(imports!.startsWith(`${entry} `), `docs/frameworks.md's "From npm" snippet starts with ${entry}`);
  const tag = '<prove-verify backend-url="/api"></prove-verify>';
  assert.ok(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8').includes(`\n${tag}\n`), `README.md shows ${tag}`);
  for (const app of APPS.filter((a) => a.entry)) {
    assert.equal(
      readFileSync(path.join(MATRIX_DIR, app.name, app.entry!), 'utf8'),
      `${entry}\n`,
      `${app.name}/${app.entry}`,
    );
    assert.ok(
      readFileSync(path.join(MATRIX_DIR, app.name, app.tagFile), 'utf8').includes(tag),
      `${app.name}/${app.tagFile} has ${tag}`,
    );
  }
});

let browser: Browser | undefined;

before(async () => {
  const started = Date.now();
  rmSync(WORK_DIR, { recursive: true, force: true });
  // Parcel keeps its cache in the project root it finds (test/bundlers, by the lockfile): each run builds cold.
  rmSync(path.join(MATRIX_DIR, '.parcel-cache'), { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  const tarballs = packed();
  const [ranCi] = await Promise.all([installTools(), launchBrowser().then((b) => (browser = b))]);
  const element = BREAK
    ? await tarballWithTemplateImport(tarballs['prove-verify'], path.join(WORK_DIR, 'template-import'))
    : tarballs['prove-verify'];
  await installTarballs(MATRIX_DIR, [element, tarballs['prove-verify-server']]);
  await checkInstalledFrom(MATRIX_DIR, element);
  console.log(
    `# matrix tools ${ranCi ? 'installed (npm ci)' : 'already installed'}, tarballs installed${BREAK ? ' (with the template-import break)' : ''}: ${seconds(started)}`,
  );
  if (!nextHasRoutes) console.log('# test/stacks/next/ has no route handlers yet: the Next app builds its page only');
});

after(async () => {
  await browser?.close();
});

for (const app of APPS) {
  describe(app.title, () => {
    test('production build: a person verifies, the start reaches the backend in E.164, the element ends in failure', async () => {
      const dir = copyApp(app, path.join(WORK_DIR, app.name, 'build'));
      const site = await buildAndServe(app, dir);
      try {
        const visit = await verifyAsAPerson(browser!, site.url, {
          possessionType: possessionTypeOf(app, dir),
          heard: app.heard,
        });
        console.log(
          `# ${app.title} build: Prove's SDK came in ${visit.sdkFile}${visit.remarks.map((remark) => `\n#   ${remark}`).join('')}`,
        );
      } finally {
        await site.close();
      }
    });

    if (app.dev) {
      test('dev server: the same, as the developer sees it', async () => {
        const dir = copyApp(app, path.join(WORK_DIR, app.name, 'dev'));
        const { url, server } = await startDev(app, dir);
        try {
          const visit = await verifyAsAPerson(browser!, url, {
            possessionType: possessionTypeOf(app, dir),
            heard: app.heard,
            firstPaint: DEV_TIMEOUT,
          });
          console.log(
            `# ${app.title} dev: Prove's SDK came in ${visit.sdkFile}${visit.remarks.map((remark) => `\n#   ${remark}`).join('')}`,
          );
        } finally {
          await server.stop();
        }
      });
    }
  });
}

describe(
  'the deliberate break: plans through a computed import fail the matrix',
  { skip: BREAK && 'the whole matrix runs with the break' },
  () => {
    const vite = APPS.find((app) => app.name === 'vite-vanilla')!;
    // A user's own install of the broken tarball, beside the shared one: its apps resolve
    // prove-verify here first, and the tools from test/bundlers/node_modules.
    const broken = path.join(WORK_DIR, 'template-import');

    /** The visit fails at the browser's request for the US plans, a file the build never emitted. */
    const plansMissing = (where: string) => (error: Error) => {
      console.log(`# the break, ${vite.title} ${where}: ${error.message.split('\n')[0]}`);
      return /^404 for GET \S+\/metadata\/1\.js\n/.test(error.message);
    };

    before(async () => {
      mkdirSync(broken, { recursive: true });
      writeFileSync(path.join(broken, 'package.json'), JSON.stringify({ name: 'template-import', private: true }));
      const tarball = await tarballWithTemplateImport(packed()['prove-verify'], broken);
      await installTarballs(broken, [tarball]);
      await checkInstalledFrom(broken, tarball);
    });

    test(`${vite.title} build fails`, async () => {
      const dir = copyApp(vite, path.join(broken, 'build'));
      const site = await buildAndServe(vite, dir);
      try {
        await assert.rejects(
          verifyAsAPerson(browser!, site.url, { possessionType: possessionTypeOf(vite, dir) }),
          plansMissing('build'),
        );
      } finally {
        await site.close();
      }
    });

    test(`${vite.title} dev server fails`, async () => {
      const dir = copyApp(vite, path.join(broken, 'dev'));
      const { url, server } = await startDev(vite, dir);
      try {
        await assert.rejects(
          verifyAsAPerson(browser!, url, { possessionType: possessionTypeOf(vite, dir), firstPaint: DEV_TIMEOUT }),
          plansMissing('dev'),
        );
      } finally {
        await server.stop();
      }
    });
  },
);
