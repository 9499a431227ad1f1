/**
 * `npm run load`: N complete verification flows over HTTP (200 at once by default) against the
 * demo backend and the sandbox emulator, started here on loopback (its own process, start budgets
 * off, the emulator's rate limit raised, flows living seconds) or running elsewhere
 * (--app-url/--emulator-url). Prints flows/s, errors, p50/p99 per request kind and per flow, and
 * the servers' memory before, during, after the flows and after they expired. Bounded: N flows
 * and a hard deadline, after which everything stops. Flags: scripts/load/options.ts.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { drive } from './load/drive.js';
import { parseOptions, USAGE, type LoadOptions } from './load/options.js';
import { Recorder } from './load/recorder.js';
import { formatMarkdown, formatText, recordSection, type LoadReport, type MemoryPoint } from './load/report.js';
import { startServerProcess, type ServerProcess } from './load/server-process.js';

/**
 * Flows run (and left to expire) before the baseline, at the run's concurrency: compiled code and
 * what grows with open connections (Node keeps up to 1,000 HTTP parsers for reuse, the backend's
 * pool of sockets to Prove) are warm-up, not growth.
 */
const warmUpFlows = (options: LoadOptions) => Math.min(options.flows, Math.max(50, options.concurrency));
const SAMPLE_EVERY_MS = 500;

/** Resolves after `ms`, or at once when the signal fires; leaves no listener behind either way. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

async function point(server: ServerProcess, gc: boolean): Promise<MemoryPoint> {
  const { memory, stores } = await server.memory(gc);
  return { rss: memory.rss, heapUsed: memory.heapUsed, flows: stores.flows };
}

/** Waits (polling) until the emulator holds no flow and no text; false when the deadline came first. */
async function untilExpired(server: ServerProcess, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    const stores = await server.stats();
    if (stores.flows === 0 && stores.messages === 0) return true;
    await sleep(250, signal);
  }
  return false;
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync(
      'git',
      ['status', '--porcelain', '--', 'demo/server', 'scripts/load', 'scripts/load.ts'],
      { encoding: 'utf8' },
    ).trim();
    return dirty ? `${head} with uncommitted changes to the servers or this script` : head;
  } catch {
    return 'unknown';
  }
}

async function run(options: LoadOptions, deadline: AbortSignal): Promise<LoadReport> {
  const loadBefore = loadavg();
  const recorder = new Recorder();
  let server: ServerProcess | undefined;
  let memory: LoadReport['memory'];
  let result: Awaited<ReturnType<typeof drive>>;
  try {
    let target = options.target;
    if (!target) {
      server = await startServerProcess({
        ttlMs: options.ttlMs,
        maxConnections: Math.max(1024, options.concurrency * 4),
      });
      target = { appUrl: server.appUrl, emulatorUrl: server.emulatorUrl };
      const warmUp = new Recorder();
      await drive(target, warmUpFlows(options), options.concurrency, warmUp, deadline, options.requestTimeoutMs);
      if (warmUp.failed > 0) throw new Error(`the warm-up flows failed: ${JSON.stringify(warmUp.summary().errors)}`);
      if (!(await untilExpired(server, deadline)))
        throw new Error('the deadline came before the warm-up flows expired');
    }
    const before = server ? await point(server, true) : undefined;
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (server && sampling && !deadline.aborted) {
        await sleep(SAMPLE_EVERY_MS, deadline);
        if (!sampling) break;
        const now = await point(server, false);
        peak = {
          rss: Math.max(now.rss, peak!.rss),
          heapUsed: Math.max(now.heapUsed, peak!.heapUsed),
          flows: Math.max(now.flows, peak!.flows),
        };
      }
    })();
    result = await drive(target, options.flows, options.concurrency, recorder, deadline, options.requestTimeoutMs);
    sampling = false;
    await sampler;
    if (server && before && peak) {
      const afterFlows = await point(server, true);
      const expiryBegan = performance.now();
      const expired = await untilExpired(server, deadline);
      const expiryWaitMs = performance.now() - expiryBegan;
      memory = { before, peak, afterFlows, afterExpiry: expired ? await point(server, true) : undefined, expiryWaitMs };
    }
  } finally {
    await server?.stop();
  }
  const summary = recorder.summary();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: {
      cpus: `${cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${cpus().length}`,
      node: process.version,
      loadBefore,
      loadAfter: loadavg(),
      commit: commit(),
    },
    settings: {
      flows: options.flows,
      concurrency: options.concurrency,
      ttlS: options.ttlMs / 1000,
      target: options.target
        ? `${options.target.appUrl} and ${options.target.emulatorUrl}`
        : `its own stack on loopback (flows and sessions live ${options.ttlMs / 1000} s, start budgets off)`,
    },
    flows: {
      completed: recorder.completed,
      failed: recorder.failed,
      notStarted: result.notStarted,
      elapsedMs: result.elapsedMs,
      perSecond: recorder.completed / (result.elapsedMs / 1000),
    },
    errors: summary.errors,
    requests: summary.requests,
    flow: summary.flow,
    memory,
  };
}

async function main(): Promise<number> {
  let options: LoadOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const deadline = AbortSignal.timeout(options.deadlineMs);
  let report: LoadReport;
  try {
    report = await run(options, deadline);
  } catch (error) {
    console.error(`load: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.log(options.json ? JSON.stringify(report, null, 2) : formatText(report));
  if (options.record) console.error(`load: wrote ${recordSection(formatMarkdown(report))}`);
  const healthy =
    report.flows.failed === 0 &&
    report.flows.notStarted === 0 &&
    (!report.memory || report.memory.afterExpiry !== undefined);
  return healthy ? 0 : 1;
}

process.exitCode = await main();
