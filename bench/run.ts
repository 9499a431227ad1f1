/**
 * `npm run bench`: builds dist/ if it is older than src/, starts the real stack on loopback,
 * runs the first-paint, submit-to-code and memory benchmarks in headless Chromium (each with its
 * own browser and its own deadline), prints the figures and writes bench/results.md's Benchmarks
 * section. Whatever happens (a failure, a deadline, Ctrl-C), the browser and the servers are
 * stopped before the process ends. Flags: `npm run bench -- --help`.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import type { Browser } from 'playwright-core';
import { launchBrowser, REPO_ROOT } from '../test/e2e/support/stack.js';
import { ensureFreshDist } from './build.js';
import { benchFirstPaint } from './first-paint.js';
import { benchMemory } from './memory.js';
import { HELP, parseOptions, type BenchName, type BenchOptions } from './options.js';
import { renderSection, writeSection, RESULTS_FILE, type Report } from './results.js';
import { startSite, type Site } from './site.js';
import { benchSubmitToCode } from './submit-to-code.js';

const log = (line: string) => console.log(line);

/** Rejects after `ms`; the caller's `finally` then closes whatever the late work was using. */
async function withDeadline<T>(what: string, ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} passed its ${Math.round(ms / 1000)} s deadline`)), ms);
  });
  try {
    return await Promise.race([work(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Each benchmark's own deadline: generous per sample, so only a hang reaches it. */
function deadlineMs(name: BenchName, o: BenchOptions): number {
  switch (name) {
    case 'paint':
      return 30_000 + o.paintPairs * 2 * 3_000;
    case 'submit':
      return 30_000 + o.submitPairs * 2 * 10_000;
    case 'memory':
      return 30_000 + (o.cycles + o.linkCycles) * 4_000;
  }
}

const loadAverage = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');

function describeTree(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  try {
    const head = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src', 'rollup.config.mjs', 'package.json');
    return dirty
      ? `${head} with uncommitted changes to ${dirty.split('\n').length} file(s) of src/ or the build`
      : `${head}, src/ as committed`;
  } catch {
    return 'not a git checkout';
  }
}

async function main(): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }
  const o = options;
  const began = Date.now();
  const loadBefore = loadAverage();
  if (o.build) log(`# dist/cdn: ${ensureFreshDist(log)}`);

  let site: Site | undefined;
  let browser: Browser | undefined;
  const stopAll = async () => {
    const [b, s] = [browser, site];
    browser = site = undefined;
    await Promise.allSettled([b?.close(), s?.stop()]);
  };
  // A hard stop for the whole run, and for Ctrl-C: close everything, then leave.
  let leaving = false;
  const leave = (code: number, why: string) => {
    leaving = true;
    console.error(`# ${why}: stopping the browser and the servers`);
    void stopAll().finally(() => process.exit(code));
  };
  const deadlineS = o.deadlineS ?? Math.round(o.only.reduce((sum, name) => sum + deadlineMs(name, o), 0) / 1000) + 120;
  const hardStop = setTimeout(() => leave(3, `the run passed its ${deadlineS} s deadline`), deadlineS * 1000);
  const onSignal = (signal: NodeJS.Signals) => leave(130, signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const report: Report = {
    date: new Date(),
    machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, ${osType()} ${release()}`,
    loadBefore,
    loadAfter: '',
    loadAtStart: {},
    chromium: '',
    node: process.version,
    tree: describeTree(),
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    paint: undefined,
    submit: undefined,
    memory: undefined,
    seconds: 0,
  };

  try {
    site = await startSite();
    log(`# stack: ${site.appUrl} (demo backend + emulator)`);
    const runs: Record<BenchName, (b: Browser, s: Site) => Promise<unknown>> = {
      paint: async (b, s) => (report.paint = { ok: true, value: await benchFirstPaint(b, s, o.paintPairs, log) }),
      submit: async (b, s) => (report.submit = { ok: true, value: await benchSubmitToCode(b, s, o.submitPairs, log) }),
      memory: async (b, s) => {
        const code = await benchMemory(b, s, { possession: 'mobile', cycles: o.cycles, warmCycle: o.warmCycle }, log);
        const link =
          o.linkCycles > 0
            ? await benchMemory(
                b,
                s,
                { possession: 'desktop', cycles: o.linkCycles, warmCycle: Math.min(o.warmCycle, o.linkCycles - 1) },
                log,
              )
            : undefined;
        report.memory = { ok: true, value: link ? [code, link] : [code] };
      },
    };
    for (const name of o.only) {
      if (leaving) break;
      log(`# ${name} (load average ${loadAverage()})`);
      report.loadAtStart[name] = loadavg()[0]!.toFixed(2);
      // A browser of its own per benchmark: one that hangs or misses its deadline is closed
      // with it and cannot disturb the next.
      browser = await launchBrowser();
      report.chromium ||= browser.version();
      try {
        await withDeadline(name, deadlineMs(name, o), () => runs[name](browser!, site!));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        console.error(`# ${name} failed: ${message}`);
        report[name] = { ok: false, error: message };
      } finally {
        // Already closed and cleared when a hard stop came first.
        const closing = browser;
        browser = undefined;
        await closing?.close().catch(() => undefined);
      }
    }
  } finally {
    await stopAll();
    clearTimeout(hardStop);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  report.loadAfter = loadAverage();
  report.seconds = (Date.now() - began) / 1000;
  const section = renderSection(report);
  console.log(`\n${section}`);
  if (o.write) {
    writeSection(section);
    log(`# written: ${RESULTS_FILE}`);
  }
  return o.only.every((name) => report[name]?.ok) ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`# bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
});
