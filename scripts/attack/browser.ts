/**
 * A browser on the demo page: one client address, its cookies (whatever the backend names its
 * session cookie), and the two calls the element makes. The status call always names the flow.
 */
import { describe, retryAfter, send, type Answer } from './http-client.js';
import { sleep } from './pace.js';

export interface Person {
  firstName: string;
  lastName: string;
  phoneNumber: string;
  possessionType?: 'mobile' | 'desktop';
  finalTargetUrl?: string;
}

/** The sandbox person of Prove's integration guide: possession by the code 1234, then Verified Users passes. */
export const ADDY: Person = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '+12001004010' };

/**
 * Sandbox numbers whose flows reach the OTP step and send texts (the others skip possession or
 * start with Mobile Auth), so a flood that spreads over them stays under the per-number budget.
 */
export const TEXTED_NUMBERS = [
  '+12001004010',
  '+12001004012',
  '+12001004013',
  '+12001004014',
  '+12001004015',
  '+12001004053',
] as const;

/**
 * The `n`th of many distinct, possible US numbers. The emulator starts flows only for its sandbox
 * persons and answers 400 for these; real Prove would start each one and text it.
 */
export function numberOf(n: number): string {
  return `+1212${String(2_000_000 + (n % 8_000_000)).padStart(7, '0')}`;
}

export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly appUrl: string,
    /** The client address, a 127.x.y.z. */
    readonly from = '127.0.0.1',
  ) {}

  get origin(): string {
    return new URL(this.appUrl).origin;
  }

  /** The Cookie header this browser would send, or the one given. */
  cookieHeader(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') : undefined;
  }

  async post(path: string, body: unknown, cookie = this.cookieHeader()): Promise<Answer> {
    const headers: Record<string, string> = { origin: this.origin };
    if (cookie) headers.cookie = cookie;
    const answer = await send(`${this.appUrl}${path}`, { from: this.from, headers, body });
    for (const line of answer.headers['set-cookie'] ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const cleared = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || pair.slice(eq + 1).trim() === '';
      if (cleared) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
    return answer;
  }

  start(person: Person): Promise<Answer> {
    return this.post('/api/verify', { possessionType: 'mobile', ...person });
  }

  /**
   * A person's start: refused for a second or two (Prove's rate, or the backend's budget on Prove
   * calls), they wait as the element tells them, then a moment to press the button, and try
   * again. Every answer, the last one last.
   */
  async startPatiently(person: Person, tries = 3): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let i = 0; i < tries; i++) {
      const answer = await this.start(person);
      answers.push(answer);
      const wait = retryAfter(answer);
      if (answer.status !== 429 || wait === undefined || wait > 2) break;
      await sleep(wait * 1000 + 300);
    }
    return answers;
  }

  status(flowId: string, cookie?: string): Promise<Answer> {
    return this.post('/api/verify-status', { flowId }, cookie);
  }
}

/** The budgets' refusal for the rest of a window, not a wait of a second or two (Prove's rate). */
export function refusedForLong(answer: Answer, seconds = 60): boolean {
  return answer.status === 429 && (retryAfter(answer) ?? 0) > seconds;
}

/** Whether a legitimate person's start (its tries) was refused, and how, for the report's column. */
export function legitColumn(answers: Answer | readonly Answer[] | undefined): string {
  const tries: readonly Answer[] = answers === undefined ? [] : Array.isArray(answers) ? answers : [answers as Answer];
  const [first] = tries;
  const last = tries.at(-1);
  if (!first || !last) return 'not tried';
  if (tries.length === 1) return last.status === 200 ? 'no (200)' : `YES: ${describe(last)}`;
  const refused = tries.filter((a) => a.status !== 200).length;
  return last.status === 200
    ? `at first: ${refused} × ${describe(first)}, then 200`
    : `YES: ${refused} of ${tries.length} tries, ${describe(last)}`;
}

/** Whether a legitimate person could not start at all (every try refused); not when not tried. */
export const couldNotStart = (answers: Answer | readonly Answer[] | undefined) =>
  answers !== undefined && (Array.isArray(answers) ? answers : [answers as Answer]).every((a) => a.status !== 200);
