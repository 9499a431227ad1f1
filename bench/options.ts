/** `npm run bench -- [flags]`: the counts, which benchmarks run, and whether results.md is written. */
import { parseArgs } from 'node:util';

const BENCHES = ['paint', 'submit', 'memory'] as const;
export type BenchName = (typeof BENCHES)[number];

export interface BenchOptions {
  only: BenchName[];
  /**
   * First paint: candidate/baseline pairs. 60, not fewer: each load's paint lands on a 16.7 ms frame,
   * and with 30 pairs two arms serving the same file came out up to 0.05× apart.
   */
  paintPairs: number;
  /** Submit to code input: candidate/baseline pairs. */
  submitPairs: number;
  /** Memory: insert/start/remove cycles, and the cycle whose heap is the warm reference. */
  cycles: number;
  warmCycle: number;
  /** Memory, Instant Link flow (the one with a WebSocket): cycles; 0 skips it. */
  linkCycles: number;
  /** Skip the stale-dist check and use dist/ as it is. */
  build: boolean;
  /** Write bench/results.md's Benchmarks section. */
  write: boolean;
  /** Hard limit for the whole run, seconds (default: the benchmarks' own deadlines added up, plus two minutes). */
  deadlineS?: number;
}

const HELP = `npm run bench -- [flags]
  --only=paint,submit,memory  run only these (default: all three)
  --paint-pairs=N             first-paint candidate/baseline pairs (default 60)
  --submit-pairs=N            submit-to-code pairs (default 20)
  --cycles=N                  memory cycles (default 200)
  --warm-cycle=N              memory: the warm reference cycle (default 10)
  --link-cycles=N             memory: Instant Link cycles after the code cycles (default 50, 0 skips)
  --no-build                  use dist/ as it is, even if older than src/
  --no-write                  print the results, leave bench/results.md alone
  --deadline=S                hard limit for the whole run in seconds (default: the sum of the
                              benchmarks' own deadlines, which grow with the counts, plus 120)`;

function count(value: string | undefined, fallback: number, name: string, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${value}`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      'paint-pairs': { type: 'string' },
      'submit-pairs': { type: 'string' },
      cycles: { type: 'string' },
      'warm-cycle': { type: 'string' },
      'link-cycles': { type: 'string' },
      'no-build': { type: 'boolean' },
      'no-write': { type: 'boolean' },
      deadline: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const only = values.only ? values.only.split(',').map((name) => name.trim()) : [...BENCHES];
  for (const name of only) {
    if (!(BENCHES as readonly string[]).includes(name))
      throw new Error(`--only: unknown benchmark ${name} (${BENCHES.join(', ')})`);
  }
  const cycles = count(values.cycles, 200, 'cycles', 2);
  const warmCycle = count(values['warm-cycle'], Math.min(10, cycles - 1), 'warm-cycle');
  if (warmCycle >= cycles) throw new Error(`--warm-cycle (${warmCycle}) must be below --cycles (${cycles})`);
  const linkCycles = count(values['link-cycles'], 50, 'link-cycles', 0);
  if (linkCycles === 1) throw new Error('--link-cycles must be 0 (skip) or at least 2: a warm cycle and a last one');
  return {
    only: only as BenchName[],
    paintPairs: count(values['paint-pairs'], 60, 'paint-pairs'),
    submitPairs: count(values['submit-pairs'], 20, 'submit-pairs'),
    cycles,
    warmCycle,
    linkCycles,
    build: !values['no-build'],
    write: !values['no-write'],
    deadlineS: values.deadline === undefined ? undefined : count(values.deadline, 0, 'deadline', 10),
  };
}

export { HELP };
