/**
 * The real stack on loopback, in this process: the sandbox emulator and the demo backend, with
 * every start budget and rate limit out of the way so hundreds of flows in a few minutes are
 * answered at once, as the benchmarks assume.
 *
 * Every page is served by the demo backend itself, under `/cdn/` (its `static.cdnDir` option), from
 * a temporary folder holding a byte-for-byte copy of dist/cdn/ beside `bench/`: the fixtures and
 * the baseline bundle. So the element, Prove's SDK, the vanilla page and the baseline all come from
 * one server with the same headers (`Cache-Control: no-cache`, no validators: fetched anew by every
 * fresh browser context), and the pages are same-origin with `/api`, as the backend's session
 * cookie (`SameSite=Strict`) and its Origin check want.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NO_LIMITS, startApp } from '../demo/server/app/index.js';
import { startEmulator } from '../demo/server/emulator/index.js';
import { REPO_ROOT } from '../test/e2e/support/stack.js';
import { bundleBaseline, CDN_DIR } from './build.js';

const FIXTURES = path.join(REPO_ROOT, 'bench', 'fixtures');
/** Copied as they are into `/cdn/bench/`. */
const STATIC_FIXTURES = ['element.html', 'vanilla.html', 'vanilla.js', 'submit-probe.js', 'memory.html'];
/** Far above anything a benchmark sends: the emulator must never answer 429 here. */
const EMULATOR_RATE = 1_000_000;
const CLIENT = { clientId: 'bench-client-id', clientSecret: 'bench-client-secret' };

/** The first-paint pages: one template, differing only in the module and the element. */
export const PAINT_PAGES = {
  element: {
    file: 'paint-element.html',
    module: '../prove-verify.js',
    tag: 'prove-verify',
    attributes: 'backend-url="/api"',
  },
  baseline: { file: 'paint-baseline.html', module: './bare-form.js', tag: 'bare-form', attributes: '' },
} as const;

export interface Site {
  /** The demo backend's origin, e.g. http://localhost:41234. */
  appUrl: string;
  /** A page or file under `/cdn/bench/`. */
  page(file: string): string;
  stop(): Promise<void>;
}

function fillServedFolder(dir: string): void {
  cpSync(CDN_DIR, dir, { recursive: true });
  const bench = path.join(dir, 'bench');
  mkdirSync(bench);
  for (const file of STATIC_FIXTURES) cpSync(path.join(FIXTURES, file), path.join(bench, file));
  const template = readFileSync(path.join(FIXTURES, 'first-paint.html'), 'utf8');
  for (const { file, module, tag, attributes } of Object.values(PAINT_PAGES)) {
    const html = template
      .replaceAll('{{tag}}', tag)
      .replaceAll('{{module}}', module)
      .replaceAll('{{element}}', `<${tag}${attributes ? ` ${attributes}` : ''}></${tag}>`);
    writeFileSync(path.join(bench, file), html);
  }
}

export async function startSite(): Promise<Site> {
  // What to undo, last started first; one failing step does not keep the others from running.
  const undo: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (let step = undo.pop(); step; step = undo.pop())
      await Promise.resolve()
        .then(step)
        .catch(() => undefined);
  };
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'prove-verify-bench-'));
    undo.push(() => rmSync(dir, { recursive: true, force: true }));
    fillServedFolder(dir);
    await bundleBaseline(path.join(dir, 'bench', 'bare-form.js'));

    const emulator = await startEmulator({ port: 0, ...CLIENT, rateLimitPerSecond: EMULATOR_RATE });
    undo.push(() => emulator.close());
    const emulatorUrl = emulator.url.replace(/\/+$/, '');
    const app = await startApp({
      port: 0,
      mode: 'emulator',
      prove: { baseUrl: emulatorUrl, ...CLIENT },
      emulatorUrl,
      // Nothing here sends webhooks; set so the backend never looks for PROVE_WEBHOOK_SECRET.
      webhookSecret: 'bench-webhook-secret',
      static: { cdnDir: dir, bundleMain: false },
      // No budgets on starts and status calls: a run starts a few hundred flows from one address
      // with one number in a couple of minutes.
      limits: NO_LIMITS,
    });
    undo.push(() => app.close());
    return { appUrl: app.url, page: (file) => `${app.url}/cdn/bench/${file}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
