/**
 * bench/results.md's `## Benchmarks` section: written whole from one run, replacing only that
 * section (the file's other sections, such as `## Load`, belong to other scripts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../test/e2e/support/stack.js';
import type { FirstPaintSamples } from './first-paint.js';
import type { MemoryPoint, MemoryResult } from './memory.js';
import { ms, pairedRatios, ratio, spread, summarize } from './stats.js';

export const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'results.md');
const TITLE = '# prove-verify: benchmark and load results';
const HEADING = '## Benchmarks';

export const GOALS = { paint: 1.2, submit: 1.05, heapGrowthBytes: 1024 * 1024 } as const;

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string } | undefined;

export interface Report {
  date: Date;
  machine: string;
  loadBefore: string;
  loadAfter: string;
  chromium: string;
  node: string;
  tree: string;
  command: string;
  paint: Outcome<FirstPaintSamples>;
  submit: Outcome<{ element: number[]; vanilla: number[] }>;
  memory: Outcome<MemoryResult & { cycles: number; warmCycle: number }>;
  seconds: number;
}

const met = (ok: boolean) => (ok ? '**yes**' : '**no**');
const cell = (values: number[]) => {
  const s = summarize(values);
  return `${ms(s.median)} (${spread(s, ms)})`;
};

/** One table row comparing a candidate with its baseline: medians, spreads, both ratios, the goal. */
function ratioRow(label: string, candidate: number[], baseline: number[], goal?: number): string {
  const ofMedians = summarize(candidate).median / summarize(baseline).median;
  const paired = summarize(pairedRatios(candidate, baseline));
  const verdict = goal === undefined ? 'cross-check' : `≤ ${ratio(goal)}: ${met(ofMedians <= goal)}`;
  return `| ${label} | ${cell(candidate)} | ${cell(baseline)} | ${ratio(ofMedians)} | ${ratio(paired.median)} (${spread(paired, ratio)}) | ${verdict} |`;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const signedKb = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / 1024).toFixed(0)} KB`;

function memoryTable(m: MemoryResult & { cycles: number; warmCycle: number }): string[] {
  const { warm, last } = m;
  const growth = last.heapUsed - warm.heapUsed;
  const row = (label: string, pick: (p: MemoryPoint) => number, goal: string, ok: boolean | undefined, format: (n: number) => string = String) =>
    `| ${label} | ${format(pick(warm))} | ${format(pick(last))} | ${goal}${ok === undefined ? '' : `: ${met(ok)}`} |`;
  const heaps = m.points.map((p) => `${p.cycle}: ${(p.heapUsed / 1024 / 1024).toFixed(2)}`).join(', ');
  const cycle = summarize(m.cycleMs);
  return [
    `| After garbage collection | cycle ${m.warmCycle} (warm) | cycle ${m.cycles} | Goal |`,
    '|---|---|---|---|',
    row('JS heap used', (p) => p.heapUsed, `grows < ${mb(GOALS.heapGrowthBytes)} (${signedKb(growth)})`, growth < GOALS.heapGrowthBytes, mb),
    row('Listeners on window', (p) => p.windowListeners, 'none added', last.windowListeners <= warm.windowListeners),
    row('Listeners on document', (p) => p.documentListeners, 'none added', last.documentListeners <= warm.documentListeners),
    row('JS event listeners in the page (all targets)', (p) => p.jsListeners, 'none added', last.jsListeners <= warm.jsListeners),
    row('Timers that can still fire', (p) => p.liveTimers, 'none left', last.liveTimers === 0),
    row('WebSockets open', (p) => p.openSockets, 'none left', last.openSockets === 0),
    row('DOM nodes', (p) => p.nodes, 'none added', last.nodes <= warm.nodes),
    '',
    `WebSockets created over the whole run: ${m.socketsCreated} (the mobile flow opens none; the`,
    'Instant Link wait is the flow that opens one). Heap in MB after each measured cycle:',
    `${heaps}. One cycle took ${ms(cycle.median)} (${spread(cycle, ms)}) of wall time.`,
  ];
}

function failed(error: string): string[] {
  return [`**Did not complete:** ${error.split('\n')[0]}`];
}

export function renderSection(r: Report): string {
  const lines = [
    HEADING,
    '',
    `Written by \`${r.command}\` on ${r.date.toISOString().replace(/\.\d+Z$/, 'Z')} in ${Math.round(r.seconds)} s.`,
    `Machine: ${r.machine}; load average (1, 5, 15 min) ${r.loadBefore} before the run and ${r.loadAfter} after`,
    `(the machine's 2 cores are shared with other work, so single figures are noisy: compare the ratios,`,
    'which pair each candidate sample with a baseline sample taken next to it).',
    `Browser: headless Chromium ${r.chromium} (the system's, through playwright-core). Node ${r.node}. Tree: ${r.tree}.`,
    '',
    '### Timings',
    '',
    'Each candidate is timed against its baseline in the same run, candidate and baseline alternating',
    'ABBA (A B B A …), each sample in a fresh browser context (empty cache; every file is served with',
    '`Cache-Control: no-cache` and no validators, so it is fetched anew). Medians with p25–p75.',
    '"Ratio" is median over median (what the goal is judged on); "paired ratio" is the median of each',
    'pair\'s own ratio.',
    '',
    '| Benchmark | Candidate | Baseline | Ratio | Paired ratio | Goal |',
    '|---|---|---|---|---|---|',
  ];
  if (r.paint?.ok) {
    const { painted, fcp } = r.paint.value;
    lines.push(ratioRow(`First paint, ${painted.element.length} pairs: module request → form painted`, painted.element, painted.baseline, GOALS.paint));
    if (fcp.element.length && fcp.baseline.length) {
      lines.push(ratioRow(`First paint: module request → first-contentful-paint (${fcp.element.length}/${fcp.baseline.length} reported)`, fcp.element, fcp.baseline));
    }
  }
  if (r.submit?.ok) {
    const { element, vanilla } = r.submit.value;
    lines.push(ratioRow(`Submit → code input focused, ${element.length} pairs (iPhone, mobile flow)`, element, vanilla, GOALS.submit));
  }
  lines.push('');
  if (r.paint && !r.paint.ok) lines.push(...failed(`first paint: ${r.paint.error}`), '');
  if (r.submit && !r.submit.ok) lines.push(...failed(`submit to code: ${r.submit.error}`), '');
  lines.push(
    '- **First paint.** Candidate `dist/cdn/prove-verify.js` (`<prove-verify backend-url="/api">`);',
    '  baseline a bare Lit element painting the same form (three labelled inputs and a button, no',
    '  styles: `bench/fixtures/bare-form.js`), bundled at bench time with Lit from node_modules by',
    '  rollup with the same plugins as the CDN build. The clock starts at the module\'s request',
    '  (its resource timing entry) and stops in the first task after the frame that holds the rendered',
    '  form: after the element\'s `updateComplete` and three visible inputs, a `requestAnimationFrame`',
    '  callback posts a message, handled once that frame\'s style, layout and paint are done. Chromium\'s',
    '  own first-contentful-paint time is the cross-check (the page holds nothing else). Both pages come',
    '  from one template (`bench/fixtures/first-paint.html`).',
    '- **Submit to code input.** An iPhone (user agent, screen, touch); the form filled with Addy',
    '  Epinay, 2001004010; a 300 ms pause with no request in flight (a person\'s pause: the element\'s',
    '  lazily loaded code and phone rules arrive meanwhile); then the click on Verify. Timed in the page',
    '  from the click event to the `focusin` of the one-time-code input (`bench/fixtures/submit-probe.js`,',
    '  shared by both pages). The real stack on loopback: the demo backend (start budgets off) and the',
    '  emulator (rate limit out of reach). Candidate: `bench/fixtures/element.html`, the CDN build with',
    '  `possession-type` on auto. Baseline: `bench/fixtures/vanilla.html` + `vanilla.js`, Prove\'s guide\'s',
    '  client code (isMobileWeb, POST to the backend, `AuthenticatorBuilder` with `withOtpFallback`, the',
    '  code field shown and focused when the SDK asks for the code), with the same `dist/cdn/prove-auth.js`',
    '  as a classic script.',
    '',
    '### Memory',
    '',
  );
  if (r.memory?.ok) {
    const m = r.memory.value;
    lines.push(
      `${m.cycles} cycles on one page (iPhone): insert \`<prove-verify backend-url="/api">\`, fill it, press`,
      'Verify, wait for the code input\'s focus, remove the element. Measured once the page had no request',
      `in flight for 250 ms, after three forced collections (\`HeapProfiler.collectGarbage\`): \`Performance.getMetrics\``,
      '(JSHeapUsedSize, Nodes, JSEventListeners), `DOMDebugger.getEventListeners` on window and document, timers',
      'from an init script wrapping `setTimeout`/`setInterval` and their clear functions',
      '(`bench/fixtures/timer-probe.js`), WebSockets from `Network.webSocketCreated`/`webSocketClosed`.',
      '',
      ...memoryTable(m),
    );
  } else if (r.memory) {
    lines.push(...failed(`memory: ${r.memory.error}`));
  } else {
    lines.push('Not run.');
  }
  return `${lines.join('\n')}\n`;
}

/** Replaces the Benchmarks section (up to the next level-2 heading), or adds it after the title. */
export function writeSection(section: string): void {
  const text = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : `${TITLE}\n`;
  const start = text.search(/^## Benchmarks[ \t]*$/m);
  let next: string;
  if (start === -1) {
    next = `${text.trimEnd()}\n\n${section}`;
  } else {
    const after = text.slice(start + HEADING.length);
    const end = after.search(/^## /m);
    const rest = end === -1 ? '' : `\n${after.slice(end)}`;
    next = `${text.slice(0, start)}${section}${rest}`;
  }
  writeFileSync(RESULTS_FILE, next);
}
