/**
 * Attack 4: `X-Forwarded-For` written by the attacker, against the settings README's server
 * snippet gives, as README prints them: its fixture (test/stacks/server/handlers.ts, byte-equal to
 * the README block) is loaded with its package import pointed at this tree's source, Prove at the
 * counter, and called in-process from one peer address.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEMO_WEBHOOK_SECRET } from '../../demo/server/app/index.js';
import type { ProveVerifyHandlers } from '../../src/server/index.js';
import { ADDY, numberOf } from './browser.js';
import { call } from './in-process.js';
import { Pacer } from './pace.js';
import { isStart } from './prove-counter.js';
import { row, type Row } from './report.js';
import { CLIENT, withProve } from './stack.js';

type Say = (line: string) => void;

const FIXTURE = 'test/stacks/server/handlers.ts';
/** More than one address may make, fewer than the network (/24) around the forwarded ones may. */
const STARTS = 40;

/** README's handlers, made as README makes them, with Prove's address and credentials in the environment. */
async function readmeHandlers(proveUrl: string): Promise<{ prove: ProveVerifyHandlers; trustLine: string }> {
  const source = readFileSync(FIXTURE, 'utf8');
  const trustLine = /^\s*(trustProxy:.*)$/m.exec(source)?.[1]?.trim() ?? 'no trustProxy';
  const dir = mkdtempSync(join(tmpdir(), 'prove-verify-attack-'));
  const env = {
    PROVE_CLIENT_ID: CLIENT.clientId,
    PROVE_CLIENT_SECRET: CLIENT.clientSecret,
    PROVE_BASE_URL: proveUrl,
    PROVE_WEBHOOK_SECRET: DEMO_WEBHOOK_SECRET,
  };
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const warn = console.warn;
  try {
    const file = join(dir, 'readme-handlers.ts');
    writeFileSync(
      file,
      source.replace(
        /from 'prove-verify-server'/g,
        `from ${JSON.stringify(pathToFileURL(resolve('src/server/index.ts')).href)}`,
      ),
    );
    Object.assign(process.env, env);
    // The snippet logs each refusal with console.warn; the flood's 429s are counted, not printed.
    console.warn = () => {};
    const module = (await import(pathToFileURL(file).href)) as { prove: ProveVerifyHandlers };
    return { prove: module.prove, trustLine };
  } finally {
    console.warn = warn;
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export function forwardedFor(say: Say): Promise<Row[]> {
  return withProve(async (prove) => {
    const { prove: handlers, trustLine } = await readmeHandlers(prove.proveUrl);
    try {
      let number = 0;
      // As many starts from one peer, with and without a new X-Forwarded-For each time, paced
      // (and tried again when told to wait a second) so that only the per-address budgets decide.
      const pacer = new Pacer(10);
      const run = async (peer: string, rotate: boolean) => {
        const before = prove.counter.calls(isStart).length;
        for (let i = 0; i < STARTS; i++) {
          const headers: Record<string, string> = rotate ? { 'x-forwarded-for': `203.0.113.${i + 1}` } : {};
          const body = { possessionType: 'mobile', ...ADDY, phoneNumber: numberOf(number++) };
          for (let attempt = 0; attempt < 3; attempt++) {
            await pacer.slot();
            const outcome = await call(handlers.verify, '/api/verify', body, peer, headers);
            if (outcome.status !== 429 || (outcome.retryAfter ?? 0) > 2) break;
          }
        }
        return prove.counter.calls(isStart).length - before;
      };
      const rotated = await run('127.0.0.1', true);
      const plain = await run('127.0.4.2', false);
      say(`README block 1 (${FIXTURE}): ${trustLine}; peer 127.0.0.1 as block 2's getConnInfo gives it`);
      say(
        `${STARTS} starts with a new X-Forwarded-For each: ${rotated} reached Prove; ${STARTS} from another peer without it: ${plain}`,
      );
      const passed = rotated > plain;
      return [
        row({
          attack: '4. X-Forwarded-For rotation, README settings',
          sent: `${STARTS} starts, one peer, ${STARTS} XFF values`,
          through: `${rotated} reached Prove (${plain} without XFF)`,
          legitRefused: 'n/a',
          gotThrough: passed,
          why: passed ? 'the header picked the budget key' : 'the header did not widen the per-address budget',
        }),
      ];
    } finally {
      await handlers.close();
    }
  });
}
