/**
 * Attacks 9 and 10: what the start accepts. Invisible characters in a name (two names that look
 * alike are not alike to Prove's check, and a log line hides them); an Instant Link target that is
 * on an allowed origin but leads elsewhere (`//evil.example` is a path to this origin and a host
 * to a page that redirects with it; `?next=` feeds a redirecting page).
 */
import { ADDY, Browser, type Person } from './browser.js';
import { describe, type Answer } from './http-client.js';
import { row, type Row } from './report.js';
import { withStack } from './stack.js';

type Say = (line: string) => void;

const INVISIBLE: ReadonlyArray<[string, string]> = [
  ['U+200B', '\u200B'],
  ['U+FEFF', '\uFEFF'],
  ['U+00AD', '\u00AD'],
  ['U+2060', '\u2060'],
  ['U+180E', '\u180E'],
  ['tag U+E0041', '\u{E0041}'],
];

/**
 * Each start from its own address, so no per-address budget decides, one after the other and
 * tried again when told to wait a second, so no budget on Prove calls decides either.
 */
async function tryEach<T>(appUrl: string, network: number, cases: readonly T[], person: (item: T) => Person) {
  const results: { item: T; answer: Answer; accepted: boolean }[] = [];
  for (const [i, item] of cases.entries()) {
    const answer = (await new Browser(appUrl, `127.0.${network}.${i + 1}`).startPatiently(person(item))).at(-1)!;
    results.push({ item, answer, accepted: answer.status === 200 });
  }
  return results;
}

export function invisibleNames(say: Say): Promise<Row[]> {
  return withStack(async (stack) => {
    const control = (await new Browser(stack.appUrl, '127.0.9.100').startPatiently(ADDY)).at(-1)!;
    const results = await tryEach(stack.appUrl, 9, INVISIBLE, ([, char]) => ({ ...ADDY, firstName: `Ad${char}dy` }));
    for (const { item, answer } of results) say(`firstName "Ad<${item[0]}>dy": ${describe(answer)}`);
    say(`control, plain "Addy": ${describe(control)}`);
    const accepted = results.filter((r) => r.accepted).map((r) => r.item[0]);
    return [
      row({
        attack: '9. invisible characters in names',
        sent: `${INVISIBLE.length} names (${INVISIBLE.map(([name]) => name).join(', ')})`,
        through: accepted.length ? `accepted: ${accepted.join(', ')}` : 'none accepted',
        legitRefused: control.status === 200 ? 'no (200)' : `YES: ${describe(control)}`,
        gotThrough: control.status === 200 ? accepted.length > 0 : undefined,
        why: accepted.length ? 'hidden characters pass the name rule' : 'every one refused',
      }),
    ];
  });
}

export function finalTargets(say: Say): Promise<Row[]> {
  return withStack(async (stack) => {
    const landing = `${stack.appUrl}/link-opened.html`;
    const desktop = (finalTargetUrl: string): Person => ({
      ...ADDY,
      phoneNumber: '+12001004014',
      possessionType: 'desktop',
      finalTargetUrl,
    });
    const control = (await new Browser(stack.appUrl, '127.0.10.100').startPatiently(desktop(landing))).at(-1)!;
    const targets = [`${stack.appUrl}//evil.example/`, `${landing}?next=https://evil.example/`];
    const results = await tryEach(stack.appUrl, 10, targets, desktop);
    for (const { item, answer } of results) say(`finalTargetUrl ${item}: ${describe(answer)}`);
    say(`control, the landing page itself: ${describe(control)}`);
    const accepted = results.filter((r) => r.accepted).map((r) => r.item.slice(stack.appUrl.length));
    return [
      row({
        attack: '10. finalTargetUrl //evil.example, ?next=',
        sent: `${targets.length} targets on the allowed origin`,
        through: accepted.length ? `accepted: ${accepted.join(', ')}` : 'none accepted',
        legitRefused: control.status === 200 ? 'no (200)' : `YES: ${describe(control)}`,
        gotThrough: control.status === 200 ? accepted.length > 0 : undefined,
        why: accepted.length ? 'the allow-list checks the origin only' : 'both refused',
      }),
    ];
  });
}
