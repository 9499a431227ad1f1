/**
 * Attack 3: an IPv6 client usually holds a /48 or a /56, so 65,536 or 256 /64s of its own. On
 * loopback only ::1 exists, so this one calls the handlers in-process with the client address each
 * request would have had.
 */
import { ADDY, numberOf } from './browser.js';
import { call, describeOutcome, inProcessHandlers, startBody, type Outcome } from './in-process.js';
import { Bound, perTenMinutes, seconds, sleep, workers } from './pace.js';
import { isStart } from './prove-counter.js';
import { row, type Row } from './report.js';
import { withProve } from './stack.js';

type Say = (line: string) => void;

const longRefusal = (o: Outcome) => o.status === 429 && (o.retryAfter ?? 0) > 60;

export function ipv6Networks(say: Say): Promise<Row[]> {
  return withProve(async (prove) => {
    const handlers = inProcessHandlers(prove.proveUrl);
    try {
      const bound = new Bound(20_000, 10_000);
      let network = 0;
      let number = 0;
      let freshRefused = 0;
      let lastRefusal: Outcome | undefined;
      // Each worker takes the next /64 of 2001:db8:100::/48 and starts from it until refused for
      // long; a /64 refused at its very first start means something above it (the /48, all) is spent.
      await workers(16, async () => {
        while (!bound.over && freshRefused < 5) {
          const address = `2001:db8:100:${(network++).toString(16)}::1`;
          for (let attempt = 0; bound.take(); attempt++) {
            const outcome = await call(
              handlers.verify,
              '/api/verify',
              startBody({ ...ADDY, phoneNumber: numberOf(number++) }),
              address,
            );
            if (longRefusal(outcome)) {
              lastRefusal = outcome;
              if (attempt === 0) freshRefused++;
              break;
            }
          }
        }
      });
      const through = prove.counter.calls(isStart).length;
      // Past Prove's one-second window, so its 429 to the flood is not taken for the budgets' refusal.
      await sleep(1100);
      const legit = await call(handlers.verify, '/api/verify', startBody(ADDY), '2001:db8:ffff::1');
      const lockedOut = legit.status !== 200;
      const per10 = perTenMinutes(through, bound.elapsedMs, freshRefused >= 5 ? lastRefusal?.retryAfter : undefined);
      say("in-process (loopback has only ::1): the handlers called with each request's client address");
      say(
        `${bound.used} starts from ${network} /64s of one /48 in ${seconds(bound.elapsedMs)}; past the budgets to Prove: ${through} (${per10} per 10 min)`,
      );
      say(
        `last long refusal: ${lastRefusal ? describeOutcome(lastRefusal) : 'none'}; legitimate start from another /48: ${describeOutcome(legit)}`,
      );
      return [
        row({
          attack: '3. IPv6: /64s of one /48 (in-process)',
          sent: `${bound.used} starts from ${network} /64s`,
          through: `${through} starts reached Prove (${per10} per 10 min)`,
          legitRefused: lockedOut ? `YES: ${describeOutcome(legit)}` : 'no (200)',
          gotThrough: lockedOut,
          why: lockedOut ? 'one /48 spent the budget of everyone' : 'another /48 still starts',
        }),
      ];
    } finally {
      await handlers.close();
    }
  });
}
