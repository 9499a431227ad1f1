/**
 * Attacks 6 and 7: the session cookie and the verdict. A cookie planted in the victim's browser
 * (a subdomain's page, a cookie set over http) must not let the attacker read the victim's
 * verdict; the verdict of a flow is given once, however many status calls race for it.
 */
import { ADDY, Browser } from './browser.js';
import { describe } from './http-client.js';
import { row, type Row } from './report.js';
import { ProveSdk } from './sdk.js';
import { withStack, type Stack } from './stack.js';

type Say = (line: string) => void;

/** The victim's phone proves possession: the code entered, as the person would. */
async function prove(authToken: string, from: string): Promise<boolean> {
  const sdk = new ProveSdk(authToken, from);
  return (await sdk.toOtp()) && (await sdk.text()) && (await sdk.finish());
}

async function planted(stack: Stack, say: Say): Promise<Row> {
  const attacker = new Browser(stack.appUrl, '127.0.6.1');
  const own = (await attacker.startPatiently({ ...ADDY, phoneNumber: '+12001004014' })).at(-1)!;
  if (own.status !== 200) throw new Error(`the attacker's start was refused: ${describe(own)}`);
  const plantedCookies = new Map(attacker.cookies);

  // The victim's browser carries the attacker's cookie when the victim starts.
  const victim = new Browser(stack.appUrl, '127.0.6.2');
  for (const [name, value] of plantedCookies) victim.cookies.set(name, value);
  const started = (await victim.startPatiently(ADDY)).at(-1)!;
  if (started.status !== 200) throw new Error(`the victim's start was refused: ${describe(started)}`);
  const kept = [...plantedCookies].every(([name, value]) => victim.cookies.get(name) === value);
  const proved = await prove(started.body.authToken, victim.from);

  // The attacker asks for "the newest flow" of the planted key, then for its own flow id: the
  // victim's flow id is the one thing it does not have.
  const newest = await attacker.post('/api/verify-status', {});
  const readVictim = newest.status === 200 && newest.body?.phoneNumber === ADDY.phoneNumber;
  const victimOwn = await victim.status(started.body.flowId);
  say(
    `attacker starts (127.0.6.1), its cookie planted in the victim's browser; the victim starts: ${kept ? 'the planted key kept' : 'a new key issued'}; possession proved: ${proved}`,
  );
  say(
    `attacker's status call with {}: ${describe(newest)}${readVictim ? `, the victim's verdict (phone ${newest.body.phoneNumber}, success ${newest.body.success})` : ''}`,
  );
  say(`the victim's own status call then: ${describe(victimOwn)}`);
  return row({
    attack: '6. session fixation (planted cookie)',
    sent: `victim started with the attacker's cookie; attacker asked status {}`,
    through: readVictim ? "attacker read the victim's verdict" : `attacker got ${describe(newest)}`,
    legitRefused: victimOwn.status === 200 ? 'no (200)' : `YES: ${describe(victimOwn)}`,
    gotThrough: readVictim || kept,
    why: readVictim
      ? "the planted key was adopted and {} read the victim's flow"
      : kept
        ? 'the planted key was adopted'
        : 'a new key was issued',
  });
}

async function duplicated(stack: Stack, say: Say): Promise<Row> {
  const attacker = new Browser(stack.appUrl, '127.0.6.3');
  const victim = new Browser(stack.appUrl, '127.0.6.4');
  const theirs = (await attacker.startPatiently({ ...ADDY, phoneNumber: '+12001004014' })).at(-1)!;
  const own = (await victim.startPatiently(ADDY)).at(-1)!;
  if (theirs.status !== 200 || own.status !== 200)
    throw new Error(`a start was refused: ${describe(theirs)}, ${describe(own)}`);
  // The planted cookie first, as a browser sends a cookie with a longer path before the site's own.
  const header = [attacker.cookieHeader(), victim.cookieHeader()].join('; ');
  const answer = await victim.status(own.body.flowId, header);
  const refused = answer.status === 400;
  say(`status call with two session cookies in one header (the planted one first): ${describe(answer)}`);
  return row({
    attack: '6b. duplicated session cookie',
    sent: 'status call, Cookie: planted=..; own=..',
    through: refused ? 'nothing (refused)' : `answered ${describe(answer)}`,
    legitRefused: 'n/a',
    gotThrough: !refused,
    why: refused ? 'two session cookies are refused' : 'one of the two cookies was picked',
  });
}

export function sessionFixation(say: Say): Promise<Row[]> {
  return withStack(async (stack) => [await planted(stack, say), await duplicated(stack, say)]);
}

/** 7: ten status calls at once for one finished flow. */
export function verdictTwice(say: Say): Promise<Row[]> {
  return withStack(async (stack) => {
    const person = new Browser(stack.appUrl, '127.0.7.1');
    const started = (await person.startPatiently(ADDY)).at(-1)!;
    if (started.status !== 200) throw new Error(`the start was refused: ${describe(started)}`);
    if (!(await prove(started.body.authToken, person.from))) throw new Error('possession was not proved');
    const answers = await Promise.all(Array.from({ length: 10 }, () => person.status(started.body.flowId)));
    const verdicts = answers.filter((a) => a.status === 200 && typeof a.body?.success === 'boolean').length;
    const others = answers.filter((a) => a.status !== 200).map(describe);
    say(
      `10 parallel status calls of one finished flow: ${verdicts} verdicts; the others: ${[...new Set(others)].join(', ') || 'none'}`,
    );
    return [
      row({
        attack: '7. verdict twice (10 parallel status calls)',
        sent: '10 status calls at once',
        through: `${verdicts} verdicts`,
        legitRefused: 'n/a',
        gotThrough: verdicts > 1,
        why: verdicts > 1 ? 'the verdict was given more than once' : 'given once',
      }),
    ];
  });
}
