/**
 * Attack 8: once the budget for everyone is spent, every start is refused; what a refused start
 * costs the server must not grow with the number of addresses and phone numbers that ask.
 * In-process (a hundred thousand client addresses), heap measured after full collections.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ADDY, numberOf } from './browser.js';
import { call, inProcessHandlers, startBody } from './in-process.js';
import { Bound, seconds, workers } from './pace.js';
import { isStart } from './prove-counter.js';
import { row, type Row } from './report.js';
import { withProve } from './stack.js';

type Say = (line: string) => void;

/** Bytes kept per refused start above which the counters are said to grow with the attack. */
const BYTES_PER_START = 100;

function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** heapUsed after full collections (twice: the first can leave what only the next finds unreachable). */
function heapUsed(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Another address (and /24, and /48 for the mapped form) for every n. */
const addressOf = (n: number) => `${12 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}.1`;

export function refusedStarts(say: Say): Promise<Row[]> {
  return withProve(async (prove) => {
    const gc = collector();
    const handlers = inProcessHandlers(prove.proveUrl);
    try {
      // Spend the budget for everyone: each start from its own address, for its own number.
      let n = 0;
      const warm = new Bound(2_000, 10_000);
      await workers(32, async () => {
        while (warm.take())
          await call(handlers.verify, '/api/verify', startBody({ ...ADDY, phoneNumber: numberOf(n) }), addressOf(n++));
      });
      const reachedBefore = prove.counter.calls(isStart).length;
      const before = heapUsed(gc);

      const bound = new Bound(100_000, 10_000);
      const statuses = new Map<number, number>();
      await workers(64, async () => {
        while (bound.take()) {
          const outcome = await call(
            handlers.verify,
            '/api/verify',
            startBody({ ...ADDY, phoneNumber: numberOf(n) }),
            addressOf(n++),
          );
          statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
        }
      });
      const reached = prove.counter.calls(isStart).length - reachedBefore;
      prove.counter.clear();
      const after = heapUsed(gc);
      const refused = statuses.get(429) ?? 0;
      const growth = after - before;
      const perStart = refused ? growth / refused : 0;
      say(
        `in-process: ${warm.used} starts from as many addresses first (${reachedBefore} reached Prove), then ${bound.used} more in ${seconds(bound.elapsedMs)}, each from a new address and /24 for a new number`,
      );
      say(
        `answers: ${[...statuses].map(([status, count]) => `${count}× ${status}`).join(', ')}; reached Prove: ${reached}`,
      );
      say(
        `heap after full GC: ${(before / 1e6).toFixed(1)} MB before, ${(after / 1e6).toFixed(1)} MB after: ${(growth / 1e6).toFixed(1)} MB, ${perStart.toFixed(0)} bytes a refused start`,
      );
      const grows = perStart > BYTES_PER_START;
      return [
        row({
          attack: '8. counters: refused starts, new keys',
          sent: `${bound.used} starts in ${seconds(bound.elapsedMs)} after the budget was spent`,
          through: `${refused} refused; heap ${growth >= 0 ? '+' : ''}${(growth / 1e6).toFixed(1)} MB (${perStart.toFixed(0)} B each); ${reached} reached Prove`,
          legitRefused: 'n/a',
          gotThrough: grows,
          why: grows
            ? `a refused start keeps ${perStart.toFixed(0)} bytes (over ${BYTES_PER_START})`
            : 'refused starts keep (almost) nothing',
        }),
      ];
    } finally {
      await handlers.close();
    }
  });
}
