/** A load run's figures: as text for the terminal, JSON, and the `## Load` section of bench/results.md. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REQUEST_KINDS, type Percentiles, type RequestKind } from './recorder.js';

export interface MemoryPoint {
  rss: number;
  heapUsed: number;
  /** Flows the emulator held when it was taken. */
  flows: number;
}

export interface LoadReport {
  date: string;
  machine: { cpus: string; node: string; loadBefore: number[]; loadAfter: number[]; commit: string };
  settings: { flows: number; concurrency: number; ttlS: number; target: string };
  flows: { completed: number; failed: number; notStarted: number; elapsedMs: number; perSecond: number };
  errors: Record<string, number>;
  requests: Record<RequestKind, Percentiles>;
  flow: Percentiles;
  /** Absent against a running stack: its process is not ours to measure. */
  memory?: {
    /** After a warm-up batch expired and a full GC: code compiled, caches filled, no flows. */
    before: MemoryPoint;
    /** The highest of each figure seen while the flows ran, every 0.5 s (no GC forced). */
    peak: MemoryPoint;
    afterFlows: MemoryPoint;
    /** Absent when the deadline came before every flow had expired. */
    afterExpiry?: MemoryPoint;
    /** From the last flow's end until the emulator held none (or the deadline). */
    expiryWaitMs: number;
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const signedMb = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / 1024 / 1024).toFixed(2)} MB`;
const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(1) : value.toFixed(0));

/**
 * What "back to its level" means here: the heap after expiry within 2 MB of the heap before. What
 * stays is bounded by the number of connections open at once, not by the flows (undici's client
 * objects in the backend's pool to Prove, Node's free list of HTTP parsers): measured +1.4 MB
 * after 1,000 flows and +1.0 MB after 3,000, at 200 at once.
 */
const HEAP_RETURN_TOLERANCE = 2 * 1024 * 1024;

function rows(report: LoadReport): string[][] {
  const line = (name: string, p: Percentiles) => [name, String(p.count), ms(p.p50), ms(p.p99), ms(p.max)];
  return [...REQUEST_KINDS.map((kind) => line(kind, report.requests[kind])), line('whole flow', report.flow)];
}

function memoryRows(memory: NonNullable<LoadReport['memory']>): string[][] {
  const line = (name: string, point: MemoryPoint) => [name, mb(point.rss), mb(point.heapUsed), String(point.flows)];
  const later = `${(memory.expiryWaitMs / 1000).toFixed(1)} s later`;
  return [
    line('before (warm, GC)', memory.before),
    line('peak during the run', memory.peak),
    line('after the flows (GC)', memory.afterFlows),
    memory.afterExpiry
      ? line(`after expiry (GC, ${later})`, memory.afterExpiry)
      : [`after expiry: not reached (deadline, ${later})`, '–', '–', '–'],
  ];
}

function heapVerdict(memory: NonNullable<LoadReport['memory']>): string {
  if (!memory.afterExpiry) return 'heap after expiry: not measured, the deadline came before every flow had expired';
  const heap = memory.afterExpiry.heapUsed - memory.before.heapUsed;
  const rss = memory.afterExpiry.rss - memory.before.rss;
  const back = heap < HEAP_RETURN_TOLERANCE && memory.afterExpiry.flows === 0;
  return `heap after expiry ${signedMb(heap)} against before (${back ? 'back to its level' : 'NOT back to its level'}: within 2 MB), RSS ${signedMb(rss)}`;
}

function errorLines(report: LoadReport): string[] {
  const entries = Object.entries(report.errors);
  return entries.length === 0 ? ['none'] : entries.map(([what, n]) => `${n} × ${what}`);
}

export function formatText(report: LoadReport): string {
  const { settings, flows } = report;
  const table = (header: string[], body: string[][]) =>
    [header, ...body]
      .map((cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(34) : cell.padStart(9))).join(''))
      .join('\n');
  const out = [
    `Load: ${settings.flows} flows, ${settings.concurrency} at once, against ${settings.target}`,
    `  ${flows.completed} completed, ${flows.failed} failed${flows.notStarted ? `, ${flows.notStarted} not started (deadline)` : ''} in ${(flows.elapsedMs / 1000).toFixed(2)} s: ${flows.perSecond.toFixed(1)} flows/s`,
    `  errors: ${errorLines(report).join('; ')}`,
    '',
    table(['request', 'count', 'p50 ms', 'p99 ms', 'max ms'], rows(report)),
  ];
  if (report.memory) {
    out.push(
      '',
      table(['server memory (emulator + backend)', 'RSS', 'heap', 'flows'], memoryRows(report.memory)),
      '',
      heapVerdict(report.memory),
    );
  } else {
    out.push('', 'server memory: not measured (a running stack)');
  }
  return `${out.join('\n')}\n`;
}

function markdownTable(header: string[], body: string[][]): string {
  return [header, header.map((_, i) => (i === 0 ? '---' : '---:')), ...body]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

export function formatMarkdown(report: LoadReport): string {
  const { machine, settings, flows } = report;
  const lines = [
    '## Load',
    '',
    `Written by \`npm run load -- --record\` on ${report.date}. Machine: ${machine.cpus}; Node ${machine.node}; tree ${machine.commit}.`,
    `Load average (1, 5, 15 min) ${machine.loadBefore.map((n) => n.toFixed(2)).join(', ')} before the run, ${machine.loadAfter.map((n) => n.toFixed(2)).join(', ')} after: the cores are shared, so timings are noisy.`,
    '',
    `${settings.flows} complete mobile flows, ${settings.concurrency} at once, against ${settings.target}.`,
    "Each flow makes the requests a page, Prove's SDK and the person make: `POST /api/verify` on the backend;",
    'a CORS preflight and `POST /v1/client/mobile/otp/start` at the emulator; the code read from the sandbox inbox;',
    'a preflight and `POST /v1/client/mobile/otp/finish`; `POST /api/verify-status`. The load script and the servers',
    'share the two cores; the servers run in one process of their own, whose memory is what is reported. Times are',
    'from sending to the last byte of the answer, so they include the wait behind the other flows in flight.',
    '',
    `**${flows.completed} completed, ${flows.failed} failed, in ${(flows.elapsedMs / 1000).toFixed(2)} s: ${flows.perSecond.toFixed(1)} flows/s.** Errors: ${errorLines(report).join('; ')}.`,
    '',
    markdownTable(['Request', 'Count', 'p50 ms', 'p99 ms', 'Max ms'], rows(report)),
    '',
  ];
  if (report.memory) {
    lines.push(
      markdownTable(
        ['Server memory (emulator + backend)', 'RSS', 'Heap used', 'Flows held'],
        memoryRows(report.memory),
      ),
      '',
      `${heapVerdict(report.memory).replace(/^h/, 'H')}. The emulator keeps flows until they expire, as`,
      'Prove does (the backend ends its sessions when it reads the verdict); the run shortens their lifetime so that expiry',
      'comes seconds after the run. What stays in the heap is bounded by the connections open at once, not by the flows.',
      '',
    );
  }
  return `${lines.join('\n')}`;
}

const RESULTS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/results.md');
const TITLE = '# prove-verify: benchmark and load results';

/** Replaces the `## Load` section (up to the next level-2 heading), or adds it at the end; the rest is left alone. */
export function recordSection(section: string, file = RESULTS_FILE): string {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : `${TITLE}\n`;
  const start = text.search(/^## Load[ \t]*$/m);
  let next: string;
  if (start === -1) {
    next = `${text.trimEnd()}\n\n${section}`;
  } else {
    const after = text.slice(start).slice('## Load'.length);
    const end = after.search(/^## /m);
    next = `${text.slice(0, start)}${section}${end === -1 ? '' : `\n${after.slice(end)}`}`;
  }
  writeFileSync(file, `${next.trimEnd()}\n`);
  return file;
}
