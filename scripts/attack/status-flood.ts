/**
 * Attack 5: status calls cost no text, but each may be a Prove call, and Prove allows a client
 * about 25 a second in all: a burst of them from a few flows takes Prove's rate from everyone,
 * starts included.
 */
import { ADDY, Browser, legitColumn, TEXTED_NUMBERS, couldNotStart } from './browser.js';
import { describe, type Answer } from './http-client.js';
import { Bound, Pacer, seconds, sleep, workers } from './pace.js';
import { isStatus } from './prove-counter.js';
import { row, type Row } from './report.js';
import { withStack } from './stack.js';

type Say = (line: string) => void;

/** Prove's documented rate, per client, a second (the emulator's default). */
const PROVE_PER_SECOND = 25;

export function statusFlood(say: Say): Promise<Row[]> {
  return withStack(async (stack) => {
    // Up to 25 pending flows, from 5 addresses, 5 for each sandbox number but the legitimate
    // person's (so no per-number budget is spent for them), started under Prove's rate.
    const numbers = TEXTED_NUMBERS.filter((n) => n !== ADDY.phoneNumber);
    const flows: { browser: Browser; flowId: string }[] = [];
    const pacer = new Pacer(8);
    await workers(5, async (index) => {
      const browser = new Browser(stack.appUrl, `127.0.5.${index + 1}`);
      for (const phoneNumber of numbers) {
        await pacer.slot();
        const answer = (await browser.startPatiently({ ...ADDY, phoneNumber })).at(-1)!;
        if (answer.status === 200 && typeof answer.body?.flowId === 'string')
          flows.push({ browser, flowId: answer.body.flowId });
      }
    });
    if (flows.length === 0) throw new Error('no flow started before the burst');
    // Prove's one-second window of the starts has closed.
    await sleep(1100);

    // Each flow polled every 25 ms (40 a second, 1,000 in all) for 5 s, the flows a fraction of
    // a second apart so their calls spread over the second rather than meet in one instant.
    // The legitimate person starts at an odd moment 1 s in and, told to wait, tries again twice
    // after the wait and a moment to press the button, as the element lets them.
    const bound = new Bound(5_000, 5_000);
    const burstStart = performance.now();
    const answers = new Map<string, number>();
    let legit: Answer[] | undefined;
    const legitimate = (async () => {
      await sleep(1_137);
      legit = await new Browser(stack.appUrl, '127.9.9.9').startPatiently(ADDY);
    })();
    await workers(flows.length, async (index) => {
      const flow = flows[index]!;
      await sleep((index * 1000) / flows.length);
      const pacer = new Pacer(40);
      for (;;) {
        await pacer.slot();
        if (!bound.take()) return;
        const answer = await flow.browser.status(flow.flowId);
        const key = describe(answer).replace(/ \(Retry-After \d+\)/, '');
        answers.set(key, (answers.get(key) ?? 0) + 1);
      }
    });
    await legitimate;
    const burstMs = bound.elapsedMs;
    const atProve = stack.counter.calls(isStatus, burstStart);
    const proveRefused = atProve.filter((c) => c.status === 429).length;
    const peak = stack.counter.peakPerSecond(isStatus, burstStart);
    const mean = atProve.length / Math.max(1, burstMs / 1000);
    const legitRefused = couldNotStart(legit);
    const legitWhy = legitRefused
      ? 'a legitimate start was refused every try'
      : legit?.[0]?.status === 200
        ? 'a legitimate start went through'
        : 'a legitimate start was refused at first, then went through';
    const answered = [...answers].map(([key, n]) => `${n}× ${key}`).join(', ');
    say(
      `${flows.length} pending flows from 5 addresses; burst: ${bound.used} status calls in ${seconds(burstMs)}, each flow asked 40 times a second`,
    );
    say(`the backend answered: ${answered}`);
    say(
      `status calls that reached Prove: ${atProve.length} (peak ${peak} in one second, mean ${mean.toFixed(0)}/s; Prove's rate ${PROVE_PER_SECOND}/s); Prove answered 429 to ${proveRefused}`,
    );
    say(`legitimate start from 127.9.9.9 1 s into the burst: ${legit?.map(describe).join(', then ') ?? 'not tried'}`);
    const over = peak > PROVE_PER_SECOND;
    return [
      row({
        attack: `5. status-call flood, ${flows.length} flows`,
        sent: `${bound.used} status calls in ${seconds(burstMs)}`,
        through: `${atProve.length} reached Prove, peak ${peak}/s; Prove's 429: ${proveRefused}`,
        legitRefused: legitColumn(legit),
        gotThrough: over || legitRefused,
        why: [
          over
            ? `peak ${peak}/s over Prove's ${PROVE_PER_SECOND}/s`
            : `peak ${peak}/s within Prove's ${PROVE_PER_SECOND}/s`,
          legitWhy,
        ].join('; '),
      }),
    ];
  });
}
