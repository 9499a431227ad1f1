/**
 * `npm run attack`: replays attacks on the backend (docs/security.md), on loopback, as an attacker
 * would, and prints for each what was sent, what got through (texts per 10 minutes, calls that
 * reach Prove a second, ...) and whether a legitimate person was refused meanwhile. Everything runs
 * in this process: the demo backend with its default budgets and the Prove sandbox emulator, a new
 * pair for each attack on 127.0.0.1. Each attack is bounded in requests and time, and the run has a
 * hard deadline. It is a report: it exits 0 when attacks get through (1 only when one could not
 * run). `--record` writes the table into docs/security.md; `--only 1,5` runs some.
 *
 * Not covered here (tests cover them): Prove's error codes reaching the log or the page
 * (prove-client and refusal-log tests), Redis stopping mid-flow (test/release/server-redis-store).
 */
import { execFileSync } from 'node:child_process';
import { closeAgents } from './attack/http-client.js';
import { limitsLine } from './attack/limits.js';
import { formatMarkdown, formatText, record, summary, type Row } from './attack/report.js';
import { slowHeaders } from './attack/connections.js';
import { refusedStarts } from './attack/counters.js';
import { forwardedFor } from './attack/forwarded.js';
import { finalTargets, invisibleNames } from './attack/inputs.js';
import { ipv6Networks } from './attack/ipv6.js';
import { sessionFixation, verdictTwice } from './attack/sessions.js';
import { statusFlood } from './attack/status-flood.js';
import { startsFromManyAddresses, textsToOneNumber } from './attack/texts.js';
import { webhookCache } from './attack/webhook.js';

type Attack = (say: (line: string) => void) => Promise<Row[]>;

const ATTACKS: ReadonlyArray<[id: string, title: string, run: Attack]> = [
  ['1', 'Texts to one number from one address', textsToOneNumber],
  ['2', 'Starts from many addresses, and the lock-out of everyone else', startsFromManyAddresses],
  ['3', 'IPv6: the /64s of one /48', ipv6Networks],
  ['4', 'X-Forwarded-For rotation against README settings', forwardedFor],
  ['5', 'Status-call flood', statusFlood],
  ['6', 'Session fixation', sessionFixation],
  ['7', 'The verdict twice', verdictTwice],
  ['8', 'Counters of refused starts', refusedStarts],
  ['9', 'Invisible characters in names', invisibleNames],
  ['10', 'finalTargetUrl on an allowed origin, leading elsewhere', finalTargets],
  ['11', 'Webhook replay cache full', webhookCache],
  ['12', 'Slow-header sockets', slowHeaders],
];

/** The whole run stops here whatever happens (the attacks' own bounds add up to about 2 minutes). */
const DEADLINE_MS = 5 * 60_000;

/** Settings the demo would read from the environment: the run measures the defaults. */
const DEFAULTS_OVERRIDDEN =
  /^(LIMIT_|TRUST_PROXY$|CLIENT_ADDRESS_HEADER$|ALLOWED_FINAL_TARGET_|PUBLIC_ORIGIN$|REDIS_URL$|NODE_ENV$)/;

function parse(args: string[]): { record: boolean; only?: Set<string> } | string {
  let recordIt = false;
  let only: Set<string> | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--record') recordIt = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const list = arg.includes('=') ? arg.slice('--only='.length) : (args[++i] ?? '');
      only = new Set(list.split(',').map((id) => id.trim()));
      const unknown = [...only].filter((id) => !ATTACKS.some(([known]) => known === id));
      if (unknown.length || only.size === 0)
        return `--only takes attack numbers 1-${ATTACKS.length}, got ${JSON.stringify(list)}`;
    } else return `unknown argument ${JSON.stringify(arg)}`;
  }
  return { record: recordIt, only };
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync(
      'git',
      ['status', '--porcelain', '--', 'src/server', 'demo/server', 'scripts/attack', 'scripts/attack.ts'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    ).trim();
    return dirty ? `${head} with uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<number> {
  const options = parse(process.argv.slice(2));
  if (typeof options === 'string') {
    console.error(`attack: ${options}\nusage: npm run attack [-- --record] [-- --only 1,5]`);
    return 2;
  }
  for (const name of Object.keys(process.env).filter((n) => DEFAULTS_OVERRIDDEN.test(n))) {
    console.log(`attack: ignoring ${name} from the environment (the run measures the defaults)`);
    delete process.env[name];
  }
  const began = performance.now();
  console.log(`Budgets by default: ${limitsLine()}`);
  const rows: Row[] = [];
  let failed = 0;
  for (const [id, title, run] of ATTACKS) {
    if (options.only && !options.only.has(id)) continue;
    console.log(`\n== ${id}. ${title}`);
    const sectionBegan = performance.now();
    try {
      const found = await run((line) => console.log(`   ${line}`));
      for (const r of found) console.log(`   -> ${r.verdict}`);
      rows.push(...found);
    } catch (error) {
      failed++;
      const message = error instanceof Error ? error.message : String(error);
      console.log(`   -> could not run: ${message}`);
      rows.push({
        attack: `${id}. ${title}`,
        sent: '-',
        through: '-',
        legitRefused: '-',
        gotThrough: undefined,
        verdict: `could not run: ${message}`,
      });
    } finally {
      closeAgents();
    }
    console.log(`   (${((performance.now() - sectionBegan) / 1000).toFixed(1)} s)`);
  }
  const elapsed = Math.round((performance.now() - began) / 1000);
  console.log(`\n${formatText(rows)}\n\n${summary(rows)} (${elapsed} s)`);
  if (options.record) {
    const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    console.log(
      `attack: wrote ${record(formatMarkdown(rows, { date, seconds: elapsed, commit: commit(), node: process.version }))}`,
    );
  }
  return failed ? 1 : 0;
}

const deadline = setTimeout(() => {
  console.error(`attack: stopped at the ${DEADLINE_MS / 60_000}-minute deadline`);
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();
process.exitCode = await main();
