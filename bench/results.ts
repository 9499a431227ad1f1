/**
 * bench/results.md's `## Benchmarks` section: written whole from one run, replacing only that
 * section (the file's other sections, such as `## Load`, belong to other scripts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../test/e2e/support/stack.js';
import type { FirstPaintSamples } from './first-paint.js';
import type { MemoryPoint, MemoryResult } from './memory.js';
import { ms, pairedRatios, ratio, spread, summarize, taken } from './stats.js';
import type { SubmitSamples } from './submit-to-code.js';

export const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'results.md');
const TITLE = '# prove-verify: benchmark and load results';
const HEADING = '## Benchmarks';

const GOALS = { paint: 1.2, submit: 1.15, heapGrowthBytes: 1024 * 1024 } as const;

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string } | undefined;

export interface Report {
  date: Date;
  machine: string;
  loadBefore: string;
  loadAfter: string;
  /** The 1-minute load average as each benchmark began. */
  loadAtStart: Partial<Record<'paint' | 'submit' | 'memory', string>>;
  chromium: string;
  node: string;
  tree: string;
  command: string;
  paint: Outcome<FirstPaintSamples>;
  submit: Outcome<SubmitSamples>;
  memory: Outcome<MemoryResult[]>;
  seconds: number;
}

const met = (ok: boolean) => (ok ? '**yes**' : '**no**');
const median = (values: number[]) => summarize(taken(values)).median;
const cell = (values: number[]) => {
  const s = summarize(taken(values));
  return `${ms(s.median)} (${spread(s, ms)})`;
};

/** One table row comparing a candidate with its baseline: medians, spreads, both ratios, the goal. */
function ratioRow(label: string, candidate: number[], baseline: number[], goal?: number): string {
  const ofMedians = median(candidate) / median(baseline);
  const paired = summarize(pairedRatios(candidate, baseline));
  const verdict = goal === undefined ? 'cross-check' : `≤ ${ratio(goal)}: ${met(ofMedians <= goal)}`;
  return `| ${label} | ${cell(candidate)} | ${cell(baseline)} | ${ratio(ofMedians)} | ${ratio(paired.median)} (${spread(paired, ratio)}) | ${verdict} |`;
}

function timingRows(r: Report): string[] {
  const rows: string[] = [];
  if (r.paint?.ok) {
    const { painted, fcp } = r.paint.value;
    rows.push(
      ratioRow(
        `First paint: module request → form painted (${painted.element.length} pairs)`,
        painted.element,
        painted.baseline,
        GOALS.paint,
      ),
    );
    const [element, baseline] = [taken(fcp.element).length, taken(fcp.baseline).length];
    if (element && baseline && pairedRatios(fcp.element, fcp.baseline).length) {
      rows.push(
        ratioRow(
          `First paint: module request → first-contentful-paint (reported ${element}/${baseline} times)`,
          fcp.element,
          fcp.baseline,
        ),
      );
    }
  }
  if (r.submit?.ok) {
    const { focused } = r.submit.value;
    rows.push(
      ratioRow(
        `Submit → code input focused, iPhone (${focused.element.length} pairs)`,
        focused.element,
        focused.vanilla,
        GOALS.submit,
      ),
    );
  }
  return rows;
}

function paintNotes(p: FirstPaintSamples): string[] {
  const at = (arm: 'element' | 'baseline') =>
    `${(p.bytes[arm] / 1024).toFixed(1)} KiB received at ${ms(median(p.received[arm]))}, defined at ${ms(median(p.defined[arm]))}, form painted at ${ms(median(p.painted[arm]))}`;
  return [
    `  Where the time goes (medians from the module's request; served uncompressed over loopback): element`,
    `  ${at('element')}; baseline ${at('baseline')}.`,
  ];
}

function submitNotes(s: SubmitSamples): string[] {
  const requested = (arm: 'element' | 'vanilla') =>
    `${s.requested[arm].list || 'nothing'} (${s.requested[arm].samples} of ${s.focused[arm].length} samples)`;
  return [
    `  From the click to the backend's start call (\`POST /api/verify\`) leaving the page: element`,
    `  ${ms(median(s.verifySent.element))}, vanilla ${ms(median(s.verifySent.vanilla))} (medians). Requested between the click and the`,
    `  focus: element ${requested('element')}; vanilla ${requested('vanilla')}.`,
  ];
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const signedKb = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / 1024).toFixed(0)} KB`;

function memoryTable(m: MemoryResult): string[] {
  const { warm, last } = m;
  const growth = last.heapUsed - warm.heapUsed;
  const row = <T>(
    label: string,
    pick: (p: MemoryPoint) => T,
    goal: string,
    ok: boolean,
    format: (value: T) => string = String,
  ) => `| ${label} | ${format(pick(warm))} | ${format(pick(last))} | ${goal}: ${met(ok)} |`;
  const heaps = m.points.map((p) => `${p.cycle}: ${(p.heapUsed / 1024 / 1024).toFixed(2)}`).join(', ');
  const cycle = summarize(m.cycleMs);
  const flow =
    m.possession === 'mobile'
      ? 'code flow (iPhone; Verify → code input focused)'
      : 'Instant Link flow (desktop; Verify → the link wait and its status socket open)';
  return [
    `**${m.cycles} cycles, ${flow}.** WebSockets created: ${m.socketsCreated}. One cycle took ${ms(cycle.median)} (${spread(cycle, ms)}).`,
    '',
    `| After garbage collection | cycle ${m.warmCycle} (warm) | cycle ${m.cycles} | Goal |`,
    '|---|---|---|---|',
    row(
      'JS heap used',
      (p) => p.heapUsed,
      `grows < ${mb(GOALS.heapGrowthBytes)} (${signedKb(growth)})`,
      growth < GOALS.heapGrowthBytes,
      mb,
    ),
    row('Listeners on window', (p) => p.windowListeners, 'none added', last.windowListeners <= warm.windowListeners),
    row(
      'Listeners on document',
      (p) => p.documentListeners,
      'none added',
      last.documentListeners <= warm.documentListeners,
    ),
    row('JS event listeners, all targets', (p) => p.jsListeners, 'none added', last.jsListeners <= warm.jsListeners),
    row('Timers that can still fire', (p) => p.liveTimers, 'none left', last.liveTimers === 0),
    row('WebSockets open', (p) => p.openSockets, 'none left', last.openSockets === 0),
    row('DOM nodes', (p) => p.nodes, 'none added', last.nodes <= warm.nodes),
    row(
      '`<prove-verify>` objects alive (0 in the page) a second after the count',
      (p) => p,
      'none kept',
      last.elements === 0,
      (p) => `${p.elements}${p.elementsAtOnce > p.elements ? ` (${p.elementsAtOnce} at the first count)` : ''}`,
    ),
    '',
    `Heap (MB) by cycle: ${heaps}.`,
    ...(m.retainedBy.length
      ? [
          '',
          'What still holds a removed element, from a heap snapshot after the last cycle:',
          ...m.retainedBy.map((c) => `- \`${c}\``),
        ]
      : []),
    '',
  ];
}

const failed = (what: string, error: string) => `**${what} did not complete:** ${error.split('\n')[0]}`;

export function renderSection(r: Report): string {
  const loads = Object.entries(r.loadAtStart)
    .map(([name, load]) => `${name} ${load}`)
    .join(', ');
  const lines = [
    HEADING,
    '',
    `Written by \`${r.command}\` on ${r.date.toISOString().replace(/\.\d+Z$/, 'Z')} in ${Math.round(r.seconds)} s.`,
    `Machine: ${r.machine}. Load average (1, 5, 15 min): ${r.loadBefore} before the run, ${r.loadAfter} after;`,
    `1-minute load as each benchmark began: ${loads || 'n/a'}. The cores are shared with other work, so`,
    'single figures are noisy; the ratios pair each candidate sample with a baseline sample taken next to it.',
    `Browser: headless Chromium ${r.chromium || 'n/a'} (the system's, driven by playwright-core). Node ${r.node}. Tree: ${r.tree}.`,
    '',
    '### Timings',
    '',
    'Candidate and baseline run in the same session, alternating ABBA (A B B A …), each sample in a',
    'fresh browser context (empty cache; every file is served by the demo backend with',
    '`Cache-Control: no-cache` and no validators, so each load fetches it anew). Medians with p25–p75.',
    '"Ratio" is median over median, which the goal is judged on; "paired ratio" is the median of each',
    "pair's own ratio.",
    '',
    '| Benchmark | Candidate | Baseline | Ratio | Paired ratio | Goal |',
    '|---|---|---|---|---|---|',
    ...timingRows(r),
    '',
  ];
  if (r.paint && !r.paint.ok) lines.push(failed('First paint', r.paint.error), '');
  if (r.submit && !r.submit.ok) lines.push(failed('Submit to code', r.submit.error), '');
  lines.push(
    '- **First paint.** Candidate: `dist/cdn/prove-verify.js` with `<prove-verify backend-url="/api">`.',
    '  Baseline: a bare Lit element painting the same form (three labelled inputs and a button, no',
    '  styles; `bench/fixtures/bare-form.js`), bundled at bench time from node_modules by rollup with the',
    "  CDN build's plugins. Both pages come from one template (`bench/fixtures/first-paint.html`). The",
    "  clock starts at the module's request (its resource timing entry) and stops in the first task after",
    '  the frame holding the rendered form: once `updateComplete` has resolved and three inputs are',
    "  visible, a `requestAnimationFrame` callback posts a message, handled after that frame's style,",
    "  layout and paint. Chromium's first-contentful-paint is the cross-check (the page holds nothing else).",
  );
  if (r.paint?.ok) lines.push(...paintNotes(r.paint.value));
  lines.push(
    '- **Submit to code input.** An iPhone (user agent, screen, touch) fills in Addy Epinay, 2001004010,',
    "  pauses until no request has been in flight for 300 ms (a person's pause; the element's lazily",
    '  loaded code and phone rules arrive meanwhile) and clicks Verify. Timed in the page from the click',
    '  event to the `focusin` of the one-time-code input (`bench/fixtures/submit-probe.js`, loaded by both',
    '  pages). The real stack on loopback: the demo backend (start budgets off) and the emulator (rate',
    '  limit out of reach), answering at once. Candidate: `bench/fixtures/element.html`, the CDN build,',
    '  `possession-type` left on auto. Baseline: `bench/fixtures/vanilla.html` + `vanilla.js`, the client',
    "  code of Prove's guide (`isMobileWeb()` on load, POST to the backend, `AuthenticatorBuilder` with",
    '  `withOtpFallback`, the code field shown and focused when the SDK asks for the code) with the same',
    "  `dist/cdn/prove-auth.js`, as the guide's global script.",
  );
  if (r.submit?.ok) lines.push(...submitNotes(r.submit.value));
  lines.push('', '### Memory', '');
  if (r.memory?.ok) {
    lines.push(
      'On one page: insert `<prove-verify backend-url="/api">`, fill it, press Verify, wait for the flow\'s',
      'next screen, remove the element; again and again. At the warm cycle, every 10 cycles and at the',
      'last, once no request has been in flight for 250 ms: three forced collections',
      '(`HeapProfiler.collectGarbage`), then `Performance.getMetrics` (JSHeapUsedSize, Nodes,',
      'JSEventListeners), `DOMDebugger.getEventListeners` on window and on document, the timers that can',
      'still fire (an init script wrapping `setTimeout`/`setInterval` and their clear functions,',
      '`bench/fixtures/timer-probe.js`) and the WebSockets open (`Network.webSocketCreated`/`webSocketClosed`).',
      'Elements alive are counted with `Runtime.queryObjects` (which collects first); when some are, again',
      'every 250 ms for up to a second: one the page lets go of within that second is held a moment, not kept.',
      '',
      ...r.memory.value.flatMap(memoryTable),
    );
  } else {
    lines.push(r.memory ? failed('Memory', r.memory.error) : 'Not run.', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Replaces the Benchmarks section (up to the next level-2 heading), or adds it at the end. */
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
