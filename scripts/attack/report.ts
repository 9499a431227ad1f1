/**
 * One row per attack, printed as a plain table and, with `--record`, written into
 * docs/security.md between markers (the text around them is kept).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface Row {
  attack: string;
  sent: string;
  through: string;
  /** Whether a legitimate person was refused during or after the attack. */
  legitRefused: string;
  /** true: the attack got through (a finding); false: it held; undefined: not judged. */
  gotThrough: boolean | undefined;
  verdict: string;
}

export function row(fields: Omit<Row, 'verdict'> & { why: string }): Row {
  const { why, ...rest } = fields;
  const word = rest.gotThrough === undefined ? 'not judged' : rest.gotThrough ? 'GOT THROUGH' : 'held';
  return { ...rest, verdict: `${word}: ${why}` };
}

const COLUMNS = ['attack', 'sent', 'got through', 'legit refused?', 'verdict'] as const;
const cells = (r: Row) => [r.attack, r.sent, r.through, r.legitRefused, r.verdict];

export function formatText(rows: readonly Row[]): string {
  const widths = COLUMNS.map((title, i) =>
    Math.min(60, Math.max(title.length, ...rows.map((r) => cells(r)[i]!.length))),
  );
  const line = (values: readonly string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join(' | ');
  return [line(COLUMNS), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map((r) => line(cells(r)))].join('\n');
}

export function summary(rows: readonly Row[]): string {
  const through = rows.filter((r) => r.gotThrough === true).length;
  const held = rows.filter((r) => r.gotThrough === false).length;
  const other = rows.length - through - held;
  return `attack: ${through} of ${rows.length} got through, ${held} held${other ? `, ${other} not judged or could not run` : ''}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function formatMarkdown(
  rows: readonly Row[],
  about: { date: string; seconds: number; commit: string; node: string },
): string {
  return [
    `Written by \`npm run attack -- --record\` on ${about.date} in ${about.seconds} s (Node ${about.node}, tree ${about.commit}).`,
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cells(r).map(cell).join(' | ')} |`),
    '',
    summary(rows),
  ].join('\n');
}

const BEGIN = '<!-- npm run attack -- --record: begin -->';
const END = '<!-- npm run attack -- --record: end -->';

const INTRO = `# prove-verify: the server entry under attack

\`npm run attack\` (scripts/attack.ts) replays attacks on the backend as an attacker would, on
loopback: it starts the demo backend (\`npm start\`'s, with its default budgets) and the Prove
sandbox emulator in its own process on 127.0.0.1, sends each attack bounded in count and time,
counts what got through where it lands (the texts in the emulator's inbox, the calls that reach
Prove at a counter in front of the emulator), checks whether a legitimate person is refused
meanwhile, and stops everything (about 2 minutes). On Linux every 127.x.y.z is loopback, so one
machine is many client addresses; the IPv6, counter and webhook attacks call the handlers
in-process (loopback has only ::1; a hundred thousand addresses; ten thousand signed deliveries).
The flows and budgets are in memory: Redis (a verdict raced for there, Redis stopping mid-flow)
and Prove's error texts reaching the log are covered by tests, not here.

It is a report, not a test: it exits 0 when an attack gets through, and prints one row per attack.
\`npm run attack -- --record\` writes the table below; \`--only 1,5\` runs some of the attacks.
`;

/** Writes the table between the markers of docs/security.md (made with its introduction if missing). */
export function record(table: string, file = 'docs/security.md'): string {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : `${INTRO}\n${BEGIN}\n${END}\n`;
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const section = `${BEGIN}\n${table}\n${END}`;
  const next =
    start === -1 || end < start
      ? `${text.trimEnd()}\n\n${section}\n`
      : `${text.slice(0, start)}${section}${text.slice(end + END.length)}`;
  writeFileSync(file, next);
  return file;
}
