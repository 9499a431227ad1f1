/**
 * Attacks 1 and 2: texts (SMS pumping). Each start lets the browser have Prove send up to three
 * texts (the first and two resends), to the number started with or, through the SDK's "change
 * number", to another one the backend never sees.
 */
import { ADDY, Browser, couldNotStart, legitColumn, numberOf, refusedForLong, TEXTED_NUMBERS } from './browser.js';
import { describe, retryAfter, send, type Answer } from './http-client.js';
import { budgetNamed } from './limits.js';
import { Bound, Pacer, perTenMinutes, seconds, sleep, workers } from './pace.js';
import { isStart } from './prove-counter.js';
import { row, type Row } from './report.js';
import { ProveSdk } from './sdk.js';
import { withStack, type Stack } from './stack.js';

type Say = (line: string) => void;

/** Texts the emulator's inbox holds for `phone`. */
async function inbox(stack: Stack, phone: string): Promise<number> {
  const answer = await send(`${stack.emulatorUrl}/sandbox/messages?phone=${encodeURIComponent(phone)}`);
  return Array.isArray(answer.body) ? answer.body.length : 0;
}

/** Every text a started flow allows, as its browser can ask for them; how many Prove sent. */
async function textAll(authToken: string, from: string, changeTo?: string): Promise<number> {
  const sdk = new ProveSdk(authToken, from);
  if (!(await sdk.toOtp())) return 0;
  let sent = 0;
  for (let i = 0; i < 5; i++) if (await sdk.text(changeTo)) sent++;
  return sent;
}

/**
 * Starts for `person` from `browser` until the budgets refuse for long; each started flow's texts
 * asked for (to `changeTo` when given). Prove's own 429 (a second or two) is waited out.
 */
async function startUntilRefused(browser: Browser, person: typeof ADDY, bound: Bound, changeTo?: string) {
  let started = 0;
  let texts = 0;
  let last: Answer | undefined;
  while (bound.take()) {
    last = await browser.start(person);
    if (last.status === 200 && typeof last.body?.authToken === 'string') {
      started++;
      texts += await textAll(last.body.authToken, browser.from, changeTo);
    } else if (refusedForLong(last)) {
      break;
    } else if (last.status === 429) {
      await sleep(1000 * Math.min(5, retryAfter(last) ?? 1));
    } else {
      break;
    }
  }
  return { started, texts, last };
}

/** 1 and 1b: one address, one number, first by starting with it, then by changing to it in-flow. */
export function textsToOneNumber(say: Say): Promise<Row[]> {
  return withStack(async (stack) => {
    const target = ADDY.phoneNumber;
    const browser = new Browser(stack.appUrl, '127.0.1.1');
    const phoneBudget = budgetNamed(/phone/i);
    const yardstick = phoneBudget
      ? `the per-number budget (${phoneBudget.name} ${phoneBudget.value})`
      : 'the per-number budget';
    const overBudget = (texts: number) => (phoneBudget ? texts > phoneBudget.value : undefined);

    const bound = new Bound(1_000, 20_000);
    const direct = await startUntilRefused(browser, ADDY, bound);
    const directTexts = await inbox(stack, target);
    say(
      `starts naming ${target} from ${browser.from}: ${direct.started} started, then ${direct.last ? describe(direct.last) : 'the bound'}`,
    );
    say(
      `texts in ${target}'s inbox: ${directTexts} (${direct.texts} sends answered "sent") in ${seconds(bound.elapsedMs)}`,
    );
    const directPer10 = perTenMinutes(
      directTexts,
      bound.elapsedMs,
      direct.last && refusedForLong(direct.last) ? retryAfter(direct.last) : undefined,
    );

    // The same address goes on with the other sandbox numbers, each flow's texts changed to the target.
    let changedStarts = 0;
    let last: Answer | undefined;
    for (const phoneNumber of TEXTED_NUMBERS.filter((n) => n !== target)) {
      const run = await startUntilRefused(browser, { ...ADDY, phoneNumber }, bound, target);
      changedStarts += run.started;
      last = run.last;
      if (bound.over) break;
    }
    const allTexts = await inbox(stack, target);
    say(
      `then starts naming the other sandbox numbers, each flow's texts changed to ${target}: ${changedStarts} started, last ${last ? describe(last) : 'none'}`,
    );
    say(
      `texts in ${target}'s inbox now: ${allTexts} in ${seconds(bound.elapsedMs)} (${bound.used} requests to the app)`,
    );
    const allPer10 = perTenMinutes(
      allTexts,
      bound.elapsedMs,
      last && refusedForLong(last) ? retryAfter(last) : undefined,
    );

    return [
      row({
        attack: '1. texts to one number, one address (start flood)',
        sent: `${direct.started + (direct.last ? 1 : 0)} starts naming the number`,
        through: `${directTexts} texts to it (${directPer10} per 10 min)`,
        legitRefused: 'n/a',
        gotThrough: overBudget(directTexts),
        why: `${directTexts} texts vs ${yardstick}`,
      }),
      row({
        attack: '1b. same, other numbers changed in-flow to it',
        sent: `${changedStarts} more starts, ${TEXTED_NUMBERS.length - 1} numbers`,
        through: `${allTexts} texts to it in all (${allPer10} per 10 min)`,
        legitRefused: 'n/a',
        gotThrough: overBudget(allTexts),
        why: `${allTexts} texts vs ${yardstick}; the backend never sees a number changed in the SDK`,
      }),
    ];
  });
}

/** Starts from `addresses` as fast as Prove takes them (under its 25 a second), one worker an address. */
async function floodFrom(
  stack: Stack,
  addresses: readonly string[],
  id: string,
  label: string,
  say: Say,
): Promise<Row> {
  const bound = new Bound(5_000, 30_000);
  const pacer = new Pacer(22);
  let number = 0;
  const stoppedFor: number[] = [];
  let legitDuring: Answer[] | undefined;
  const legit = (async () => {
    await sleep(5_000);
    if (!bound.over) legitDuring = await new Browser(stack.appUrl, '127.9.9.9').startPatiently(ADDY);
  })();
  await workers(addresses.length, async (index) => {
    const browser = new Browser(stack.appUrl, addresses[index]);
    for (;;) {
      await pacer.slot();
      if (!bound.take()) return;
      const answer = await browser.start({ ...ADDY, phoneNumber: numberOf(number++) });
      if (refusedForLong(answer)) {
        stoppedFor.push(retryAfter(answer)!);
        return;
      }
      if (answer.status === 429) await sleep(1000 * Math.min(5, retryAfter(answer) ?? 1));
    }
  });
  await legit;
  // Another network than the first legitimate person's: each may have its own share.
  const legitAfter = await new Browser(stack.appUrl, '127.8.8.8').startPatiently(ADDY);
  const reached = stack.counter.calls(isStart).filter((c) => c.status !== 429).length;
  const proveRefused = stack.counter.calls(isStart).filter((c) => c.status === 429).length;
  const allStopped = stoppedFor.length === addresses.length;
  const per10 = perTenMinutes(3 * reached, bound.elapsedMs, allStopped ? Math.min(...stoppedFor) : undefined);
  say(
    `${label}: ${bound.used} starts in ${seconds(bound.elapsedMs)} (paced at 22 a second, under Prove's 25); ${stoppedFor.length} of ${addresses.length} addresses refused for long`,
  );
  say(
    `  starts Prove took: ${reached} (each allows 3 texts: ${3 * reached} texts, ${per10} per 10 min); Prove's 429: ${proveRefused}`,
  );
  say(
    `  legitimate start from 127.9.9.9 at 5 s: ${legitColumn(legitDuring)}; from 127.8.8.8 after the flood: ${legitColumn(legitAfter)}`,
  );
  const lockedOut = couldNotStart(legitDuring) || couldNotStart(legitAfter);
  return row({
    attack: `${id}. starts from ${addresses.length} addresses ${label}`,
    sent: `${bound.used} starts in ${seconds(bound.elapsedMs)}`,
    through: `${reached} starts = ${3 * reached} texts (${per10} per 10 min)`,
    legitRefused: `during: ${legitColumn(legitDuring)}; after: ${legitColumn(legitAfter)}`,
    gotThrough: lockedOut,
    why: lockedOut ? 'a legitimate person could not start' : 'legitimate people could start',
  });
}

/**
 * 2: one attacker on 22 addresses, in one /24 and spread over 22 /24s (each on its own stack, run
 * together), every start for another number so the per-number budget never binds. The emulator
 * starts flows only for its sandbox persons: a start Prove took is counted at Prove, and the texts
 * are the three each start allows (attack 1 shows they go out).
 */
export async function startsFromManyAddresses(say: Say): Promise<Row[]> {
  const oneNetwork = Array.from({ length: 22 }, (_, i) => `127.0.20.${i + 1}`);
  const spread = Array.from({ length: 22 }, (_, i) => `127.0.${30 + i}.1`);
  return Promise.all([
    withStack((stack) => floodFrom(stack, oneNetwork, '2a', 'in one /24', say)),
    withStack((stack) => floodFrom(stack, spread, '2b', 'over 22 /24s', say)),
  ]);
}
