/**
 * The states gallery (/gallery.html): every state of the real <prove-verify>, side by side.
 *
 * One strip per width (320, 1280), language (en, es, fr) and theme (light, dark): a box of that
 * width with the theme's page colours, in which the element meets its width through its container
 * (the element lays itself out with container queries; its only media queries, reduced motion and
 * forced colours, are the page's anyway).
 *
 * In a strip, each state is one <prove-verify> with its own scenario: a fake Prove SDK (the
 * element's `sdk` property; the `ProveSdk` interface of src/sdk.ts, modelled on
 * test/support/fake-sdk.ts) and a fake backend (a tiny in-page fetch handler for
 * `/gallery-api/<scenario>/verify` and `/verify-status`, answering as the backend contract does).
 * The steps are reached through the element's own UI: fields are typed into, its buttons clicked,
 * the code typed; the fake SDK's hooks stand in for Prove. `Date.now` is stopped so countdowns
 * hold still, and the page says when every state is reached (`data-gallery="ready"` on <html>,
 * and its status line).
 */
import '../src/prove-verify.js';
import type { ProveVerifyElement } from '../src/prove-verify-element.js';
import type { CodeAnswer, FlowSteps, LinkAnswer, PossessionType, ProveSdk, SdkRun } from '../src/sdk.js';
import { enLater } from '../src/i18n/en-later.js';
import { completeEnglish, resolveLanguage } from '../src/i18n/registry.js';
import type { Strings } from '../src/i18n/strings.js';

type StepName = ProveVerifyElement['step'];

const THEMES = ['light', 'dark'] as const;
const LANGS = ['en', 'es', 'fr'] as const;
const WIDTHS = [320, 1280] as const;
const LANG_NAMES: Record<string, string> = { en: 'English', es: 'Spanish (español)', fr: 'French (français)' };

/** The clock every frame stops at: 26 Nov 2026, 12:00 UTC. */
const FROZEN_NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
/** How long one scenario may take to reach its state: all of them run at once, so on a busy two-core machine the last strips take several times the usual 15 s in all. */
const SCENARIO_TIMEOUT_MS = 40_000;

const ADDY = { firstName: 'Addy', lastName: 'Epinay', phone: '2001004010' };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const never = <T>() => new Promise<T>(() => {});

// --- The fake SDK ------------------------------------------------------------------------------

/** What "Prove" says of a typed code. `end`: wrong, and no more tries (Prove's `next: "done"`). */
type Verdict = 'accept' | 'wrong' | 'expired' | 'hold' | 'end';

interface SdkScript {
  /** Hold before the code or link is "sent": the SDK never gets to code entry or the link wait. */
  holdSend?: boolean;
  /** Prove refuses the first number (the SDK asks for another, with Prove's reason). */
  rejectNumber?: boolean;
  /** What Prove says of each typed code (default: 1234 is right, anything else wrong). */
  judge?: (code: string) => Verdict;
}

/** One run of the fake SDK, as the scenario sees it. */
interface GalleryRun {
  possession: PossessionType;
  /** Times the SDK asked for a code (the first ask included). */
  codePrompts: number;
  /** Codes typed and handed to "Prove". */
  codes: string[];
  /** Times the SDK waited for the link to be opened (the retry step). */
  linkWaits: number;
  /** Makes the run reject, as Prove's SDK does on `{error}` with no `next` (e.g. the link expired). */
  fail(message: string, code?: number): void;
}

/** Follows the real SDK's order of steps (see test/support/fake-sdk.ts), holding where told. */
class GallerySdk implements ProveSdk {
  runs: GalleryRun[] = [];

  constructor(private readonly script: SdkScript = {}) {}

  async isMobileWeb(): Promise<boolean> {
    return false;
  }

  async run(_authToken: string, possession: PossessionType, steps: FlowSteps): Promise<SdkRun> {
    const script = this.script;
    let fail!: (error: Error) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    const run: GalleryRun = {
      possession,
      codePrompts: 0,
      codes: [],
      linkWaits: 0,
      fail: (message, code) => fail(Object.assign(new Error(message), { code })),
    };
    this.runs.push(run);
    let cancelled = false;
    const askNumber = async (needed: boolean) => {
      await steps.phoneNumber(needed);
      if (script.rejectNumber && run.codePrompts === 0 && run.linkWaits === 0) {
        await steps.phoneNumber(needed, { proveCode: 8001, proveMessage: "field 'mobileNumber' is not valid" });
      }
    };
    const mobile = async () => {
      await askNumber(false);
      if (script.holdSend) await never();
      let problem: Parameters<FlowSteps['code']>[0];
      for (;;) {
        run.codePrompts++;
        const answer: CodeAnswer = await steps.code(problem);
        problem = undefined;
        if (answer.kind === 'code') {
          run.codes.push(answer.code);
          const verdict = script.judge?.(answer.code) ?? (answer.code === '1234' ? 'accept' : 'wrong');
          if (verdict === 'hold') await never();
          if (verdict === 'accept' || verdict === 'end') return;
          problem =
            verdict === 'expired'
              ? { kind: 'expired', proveCode: 1011, proveMessage: 'That code has expired. Ask for a new one.' }
              : { kind: 'wrong', proveCode: 1010, proveMessage: 'The code is not right.' };
        } else if (answer.kind === 'change-number') {
          await steps.phoneNumber(true);
        }
      }
    };
    const desktop = async () => {
      await askNumber(false);
      if (script.holdSend) await never();
      for (;;) {
        run.linkWaits++;
        const answer: LinkAnswer = await steps.linkSent();
        if (answer === 'change-number') await steps.phoneNumber(true);
      }
    };
    const flow = possession === 'mobile' ? mobile() : desktop();
    const done = Promise.race([flow, failed]).then(() => (cancelled ? never<void>() : steps.finish()));
    return {
      done,
      cancel: () => {
        cancelled = true;
      },
    };
  }
}

// --- The fake backend --------------------------------------------------------------------------

/** What the fake backend answers to one call: a status and JSON body, a network failure, or nothing ever. */
type Answer = 'hold' | 'network' | { status: number; body?: unknown; headers?: Record<string, string> };

interface BackendScript {
  verify?: Answer;
  status?: Answer;
}

const VERIFIED = { success: true, possessionResult: 'success', verifyResult: 'success' };
const backends = new Map<string, BackendScript>();

function json(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** The contract's checks on the start call's body (README: "The backend contract"). */
function invalidStart(body: unknown): string | undefined {
  const b = (body ?? {}) as Record<string, unknown>;
  for (const field of ['firstName', 'lastName', 'phoneNumber']) {
    if (typeof b[field] !== 'string' || !(b[field] as string).trim()) return `${field} is required`;
  }
  if (!/^\+[1-9]\d{6,14}$/.test(b.phoneNumber as string)) return 'phoneNumber must be E.164';
  if (b.possessionType !== 'mobile' && b.possessionType !== 'desktop') return 'possessionType must be mobile or desktop';
  return undefined;
}

async function answerBackend(scenario: string, call: 'verify' | 'verify-status', init: RequestInit | undefined): Promise<Response> {
  const script = backends.get(scenario);
  if (!script) return json(404, { code: 'not_found', message: `no gallery scenario ${scenario}` });
  if (init?.method !== 'POST') return json(405, { code: 'method_not_allowed', message: 'POST only' });
  let body: unknown;
  try {
    body = JSON.parse(String(init.body ?? ''));
  } catch {
    return json(400, { code: 'invalid_json', message: 'The body is not JSON.' });
  }
  if (call === 'verify') {
    const problem = invalidStart(body);
    if (problem) return json(400, { code: 'invalid_request', message: problem });
  }
  const answer: Answer =
    (call === 'verify' ? script.verify : script.status) ??
    (call === 'verify' ? { status: 200, body: { authToken: `gallery.${scenario}` } } : { status: 200, body: VERIFIED });
  if (answer === 'network') throw new TypeError('Failed to fetch');
  if (answer === 'hold') {
    // Never answers; an abort (timeout, cancel) ends it as it would a real request.
    return new Promise<Response>((_, reject) => {
      init.signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')), { once: true });
    });
  }
  return json(answer.status, answer.body, answer.headers);
}

/** Answers `/gallery-api/<scenario>/(verify|verify-status)` in the page; everything else goes out. */
function installFakeBackend(): void {
  const realFetch = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    const match = /^\/gallery-api\/([\w-]+)\/(verify|verify-status)$/.exec(url.pathname);
    if (url.origin !== location.origin || !match) return realFetch(input, init);
    return answerBackend(match[1]!, match[2] as 'verify' | 'verify-status', init);
  };
}

// --- Driving an element through its own UI -----------------------------------------------------

class Driver {
  constructor(
    readonly el: ProveVerifyElement,
    readonly sdk: GallerySdk,
    readonly t: Strings,
  ) {}

  get root(): ShadowRoot {
    if (!this.el.shadowRoot) throw new Error('the element has no shadow root');
    return this.el.shadowRoot;
  }

  /** The newest run of the fake SDK. */
  get run(): GalleryRun {
    const run = this.sdk.runs.at(-1);
    if (!run) throw new Error('the element never ran the SDK');
    return run;
  }

  find<T extends Element>(selector: string, what: string): T {
    const found = this.root.querySelector<T>(selector);
    if (!found) throw new Error(`no ${what} (${selector}) on the ${this.el.step} step`);
    return found;
  }

  /** Types into an input as a person does: its value, then the input event. */
  type(input: HTMLInputElement, value: string): void {
    input.focus({ preventScroll: true });
    input.value = value;
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: value }));
  }

  /** Fills the details form (only the fields given). */
  async fill(values: Partial<typeof ADDY> = ADDY): Promise<void> {
    await this.el.updateComplete;
    if (values.firstName !== undefined) this.type(this.find('input[autocomplete="given-name"]', 'first name field'), values.firstName);
    if (values.lastName !== undefined) this.type(this.find('input[autocomplete="family-name"]', 'last name field'), values.lastName);
    if (values.phone !== undefined) this.type(this.find('input[type="tel"], input[autocomplete^="tel"]', 'phone field'), values.phone);
    await this.el.updateComplete;
  }

  /** Presses the step's main button (part `submit`). */
  async submit(): Promise<void> {
    await this.el.updateComplete;
    const button = this.find<HTMLButtonElement>('[part~="submit"]', 'main button');
    if (button.disabled) throw new Error(`the main button is disabled on the ${this.el.step} step`);
    button.click();
    await this.el.updateComplete;
  }

  /** Clicks the button that reads `label` in the element's language. */
  async press(label: string): Promise<void> {
    await this.el.updateComplete;
    const normal = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();
    const buttons = [...this.root.querySelectorAll<HTMLButtonElement>('button')];
    const button = buttons.find((b) => normal(b.textContent) === label) ?? buttons.find((b) => normal(b.textContent).includes(label));
    if (!button)
      throw new Error(`no "${label}" button on the ${this.el.step} step (buttons: ${buttons.map((b) => JSON.stringify(normal(b.textContent))).join(', ')})`);
    if (button.disabled) throw new Error(`"${label}" is disabled on the ${this.el.step} step`);
    button.click();
    await this.el.updateComplete;
  }

  /** Types a code; if the element does not submit it by itself, presses its main button. */
  async enterCode(code: string): Promise<void> {
    await this.waitFor('otp-entry');
    const typed = this.run.codes.length;
    this.type(this.find('input[autocomplete="one-time-code"]', 'code field'), code);
    await this.el.updateComplete;
    await sleep(0);
    if (this.run.codes.length === typed && this.el.step === 'otp-entry') await this.submit();
  }

  /** Waits until the element is on `step` and `also` holds. */
  async waitFor(step: StepName, also: () => boolean = () => true, what = ''): Promise<void> {
    const deadline = performance.now() + SCENARIO_TIMEOUT_MS;
    for (;;) {
      let ok: boolean;
      try {
        ok = this.el.step === step && also();
      } catch {
        ok = false;
      }
      if (ok) {
        await this.el.updateComplete;
        return;
      }
      if (performance.now() > deadline) throw new Error(`never reached ${step}${what ? ` (${what})` : ''}; it is on ${this.el.step}`);
      // Hundreds of elements wait at once: look again at the next step, or in a while.
      await new Promise<void>((resolve) => {
        const done = () => {
          this.el.removeEventListener('prove-verify-step', done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, 100);
        this.el.addEventListener('prove-verify-step', done);
      });
    }
  }
}

// --- The scenarios -----------------------------------------------------------------------------

interface Scenario {
  id: string;
  /** The step, as `prove-verify-step` names it. */
  step: StepName;
  /** What this cell shows, in English (the gallery's own words). */
  note: string;
  possession?: 'mobile' | 'desktop';
  attrs?: Record<string, string>;
  backend?: BackendScript;
  sdk?: SdkScript;
  drive(d: Driver): Promise<void>;
}

const start = async (d: Driver) => {
  await d.fill();
  await d.submit();
};

const codeEntered = async (d: Driver, code: string) => {
  await start(d);
  await d.enterCode(code);
};

const SCENARIOS: Scenario[] = [
  { id: 'form', step: 'form', note: 'the form, empty', drive: async (d) => d.waitFor('form') },
  {
    id: 'form-errors',
    step: 'form',
    note: 'Verify pressed with a missing first name and a short phone number',
    drive: async (d) => {
      await d.fill({ lastName: ADDY.lastName, phone: '20010' });
      await d.submit();
      await d.waitFor('form', () => d.root.querySelectorAll('[aria-invalid="true"]').length >= 2, 'two fields marked invalid');
    },
  },
  {
    id: 'starting',
    step: 'starting',
    note: 'waiting for the backend to start the flow',
    backend: { verify: 'hold' },
    drive: async (d) => {
      await start(d);
      await d.waitFor('starting');
    },
  },
  {
    id: 'otp-sending',
    step: 'otp-sending',
    note: 'Prove is sending the code',
    sdk: { holdSend: true },
    drive: async (d) => {
      await start(d);
      await d.waitFor('otp-sending');
    },
  },
  {
    id: 'otp-entry',
    step: 'otp-entry',
    note: 'code entry, fresh: 2:00 left, resend in 0:30',
    drive: async (d) => {
      await start(d);
      await d.waitFor('otp-entry', () => d.run.codePrompts === 1);
    },
  },
  {
    id: 'otp-wrong',
    step: 'otp-entry',
    note: 'a wrong code (retries allowed)',
    drive: async (d) => {
      await codeEntered(d, '0000');
      await d.waitFor('otp-entry', () => d.run.codePrompts === 2);
    },
  },
  {
    id: 'otp-last-try',
    step: 'otp-entry',
    note: 'two wrong codes: "Last try" before the third',
    drive: async (d) => {
      await codeEntered(d, '0000');
      await d.waitFor('otp-entry', () => d.run.codePrompts === 2);
      await d.enterCode('1111');
      await d.waitFor('otp-entry', () => d.run.codePrompts === 3);
    },
  },
  {
    id: 'otp-help',
    step: 'otp-entry',
    note: '"Didn’t get the text?" opened',
    drive: async (d) => {
      await start(d);
      await d.waitFor('otp-entry', () => d.run.codePrompts === 1);
      d.find<HTMLElement>('details > summary', 'the help’s summary').click();
      await d.waitFor('otp-entry', () => d.find<HTMLDetailsElement>('details', 'the help').open, 'the help open');
    },
  },
  {
    id: 'otp-expired',
    step: 'otp-entry',
    note: 'the code expired: "Send a new code" is the main action',
    sdk: { judge: () => 'expired' },
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('otp-entry', () => d.run.codePrompts === 2);
    },
  },
  {
    id: 'otp-no-sends',
    step: 'otp-entry',
    note: 'two resends later (3 sends): none left, "Start again"',
    attrs: { 'resend-after': '0' },
    drive: async (d) => {
      await start(d);
      for (const prompts of [2, 3]) {
        await d.waitFor('otp-entry', () => d.run.codePrompts === prompts - 1);
        await d.press(d.t.resendCode);
      }
      await d.waitFor('otp-entry', () => d.run.codePrompts === 3);
    },
  },
  {
    id: 'otp-checking',
    step: 'otp-checking',
    note: 'Prove is checking the code',
    sdk: { judge: () => 'hold' },
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('otp-checking');
    },
  },
  {
    id: 'phone-change',
    step: 'phone-change',
    note: '"Change number" pressed on the code screen',
    drive: async (d) => {
      await start(d);
      await d.waitFor('otp-entry');
      await d.press(d.t.changeNumber);
      await d.waitFor('phone-change');
    },
  },
  {
    id: 'phone-refused',
    step: 'phone-change',
    note: 'Prove refused the number',
    sdk: { rejectNumber: true },
    drive: async (d) => {
      await start(d);
      await d.waitFor('phone-change', () => d.root.querySelector('[aria-invalid="true"]') !== null, 'the refusal shown');
    },
  },
  {
    id: 'link-sending',
    step: 'link-sending',
    note: 'desktop: Prove is sending the Instant Link',
    possession: 'desktop',
    sdk: { holdSend: true },
    drive: async (d) => {
      await start(d);
      await d.waitFor('link-sending');
    },
  },
  {
    id: 'link-waiting',
    step: 'link-waiting',
    note: 'desktop: waiting for the link to be opened, 3:00 left',
    possession: 'desktop',
    drive: async (d) => {
      await start(d);
      await d.waitFor('link-waiting');
    },
  },
  {
    id: 'link-offline',
    step: 'link-waiting',
    note: 'desktop: the connection lost in the link wait (the status socket closed; the backend not yet answering)',
    possession: 'desktop',
    backend: { status: 'hold' },
    drive: async (d) => {
      await start(d);
      await d.waitFor('link-waiting');
      d.run.fail('Failed to receive secondary authentication status: Channel communication stalled');
      await d.waitFor('link-waiting', () => d.root.querySelector('.connection-lost') !== null, 'the connection said lost');
    },
  },
  {
    id: 'link-interrupted',
    step: 'expired',
    note: 'desktop: the link wait broke off with the connection, and the backend had no result',
    possession: 'desktop',
    backend: { status: { status: 202 } },
    drive: async (d) => {
      await start(d);
      await d.waitFor('link-waiting');
      d.run.fail('Failed to receive secondary authentication status: Channel communication stalled');
      await d.waitFor('expired');
    },
  },
  {
    id: 'link-expired',
    step: 'expired',
    note: "desktop: the link expired (Prove's status socket said so)",
    possession: 'desktop',
    drive: async (d) => {
      await start(d);
      await d.waitFor('link-waiting');
      d.run.fail('The verification link has expired', 1014);
      await d.waitFor('expired');
    },
  },
  {
    id: 'verifying',
    step: 'verifying',
    note: 'the right code; waiting for the backend’s result',
    backend: { status: 'hold' },
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('verifying');
    },
  },
  {
    id: 'success',
    step: 'success',
    note: 'verified',
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('success');
    },
  },
  {
    id: 'failure-details',
    step: 'failure',
    note: 'possession proven, but the details did not match',
    backend: { status: { status: 200, body: { success: false, possessionResult: 'success', verifyResult: 'failed' } } },
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('failure');
    },
  },
  {
    id: 'failure-possession',
    step: 'failure',
    note: 'a wrong code, and no more tries allowed',
    sdk: { judge: () => 'end' },
    backend: { status: { status: 200, body: { success: false, possessionResult: 'failed', verifyResult: 'not_applicable' } } },
    drive: async (d) => {
      await codeEntered(d, '0000');
      await d.waitFor('failure');
    },
  },
  {
    id: 'error-network',
    step: 'error',
    note: 'the start call could not reach the backend',
    backend: { verify: 'network' },
    drive: async (d) => {
      await start(d);
      await d.waitFor('error');
    },
  },
  {
    id: 'error-status',
    step: 'error',
    note: 'the status call failed (HTTP 500): "Try again"',
    backend: { status: { status: 500, body: { code: 'internal', message: 'Prove is not answering.' } } },
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('error');
    },
  },
  {
    id: 'error-rate-limited',
    step: 'error',
    note: 'HTTP 429, Retry-After 27: "Try again" held, the wait said once, counting down',
    backend: { verify: { status: 429, body: { code: 'rate_limited', message: 'Too many requests.' }, headers: { 'Retry-After': '27' } } },
    drive: async (d) => {
      await start(d);
      await d.waitFor('error');
    },
  },
  {
    id: 'expired-session',
    step: 'expired',
    note: 'the backend session expired (status call: HTTP 410)',
    backend: { status: { status: 410, body: { code: 'session_expired', message: 'The session expired.' } } },
    drive: async (d) => {
      await codeEntered(d, '1234');
      await d.waitFor('expired');
    },
  },
];

// --- The gallery: one strip per width, language and theme ------------------------------------

function listParam(params: URLSearchParams, name: string, all: readonly string[]): string[] {
  const wanted = (params.get(name) ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const chosen = all.filter((v) => wanted.includes(v));
  return chosen.length > 0 ? chosen : [...all];
}

const make = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

/** One state in one strip: the real element, driven to its state. Answers a failure, if any. */
async function showState(strip: HTMLElement, stripId: string, scenario: Scenario, theme: string, lang: string, t: Strings): Promise<string | undefined> {
  const key = `${stripId}-${scenario.id}`;
  const cell = make('figure', { className: 'state' });
  cell.dataset.scenario = scenario.id;
  cell.dataset.state = 'running';
  const caption = make('figcaption', { lang: 'en' }, make('code', { textContent: scenario.step }), ` ${scenario.note}`);
  const el = document.createElement('prove-verify');
  el.setAttribute('backend-url', `/gallery-api/${key}`);
  el.setAttribute('possession-type', scenario.possession ?? 'mobile');
  el.setAttribute('theme', theme);
  el.setAttribute('lang', lang);
  // Held requests must stay held while the gallery is looked at.
  el.setAttribute('timeout', String(24 * 3600_000));
  for (const [attr, value] of Object.entries(scenario.attrs ?? {})) el.setAttribute(attr, value);
  const sdk = new GallerySdk(scenario.sdk);
  el.sdk = sdk;
  backends.set(key, scenario.backend ?? {});
  cell.append(caption, el);
  strip.append(cell);
  try {
    await scenario.drive(new Driver(el, sdk, t));
    if (el.step !== scenario.step) throw new Error(`ended on ${el.step}, not ${scenario.step}`);
    cell.dataset.state = 'reached';
    return undefined;
  } catch (error) {
    cell.dataset.state = 'failed';
    const message = `${stripId} ${scenario.id}: ${error instanceof Error ? error.message : String(error)}`;
    cell.append(make('p', { className: 'state-failed', lang: 'en', textContent: `Not reached: ${message}` }));
    return message;
  }
}

async function runGallery(params: URLSearchParams): Promise<void> {
  // The clock stops, so countdowns and time left read the same in every screenshot (?live: it runs).
  if (!params.has('live')) Date.now = () => FROZEN_NOW;
  // Steps move focus; that must never scroll the gallery around.
  const focus = HTMLElement.prototype.focus;
  HTMLElement.prototype.focus = function (this: HTMLElement, options?: FocusOptions) {
    focus.call(this, { ...options, preventScroll: true });
  };
  installFakeBackend();
  // No WebOTP: the browser's own prompt for a texted code, asked for by hundreds of code screens at
  // once, is not what the gallery shows (and headless Chromium's renderer does not survive it).
  delete (window as { OTPCredential?: unknown }).OTPCredential;

  // ?themes=dark&langs=es,fr&widths=320&states=otp-entry,success shows part of the gallery.
  const themes = listParam(params, 'themes', THEMES);
  const langs = listParam(params, 'langs', LANGS);
  const widths = listParam(params, 'widths', WIDTHS.map(String)).map(Number);
  const only = (params.get('states') ?? '').split(',').filter(Boolean);
  const scenarios = only.length > 0 ? SCENARIOS.filter((s) => only.includes(s.id)) : SCENARIOS;

  const main = document.getElementById('gallery-main')!;
  const toc = document.getElementById('gallery-toc')!;
  const status = document.getElementById('gallery-status')!;

  // Each language's words, to find the element's buttons as a person reads them.
  const strings = new Map<string, Strings>();
  // The gallery names later steps' buttons before any element has loaded the flow's code.
  completeEnglish(enLater);
  for (const lang of langs) {
    await resolveLanguage(lang).loading;
    strings.set(lang, resolveLanguage(lang).strings);
  }

  const runs: Promise<string | undefined>[] = [];
  for (const width of widths) {
    for (const lang of langs) {
      const sectionId = `w${width}-${lang}`;
      const title = `${width} px · ${LANG_NAMES[lang] ?? lang}`;
      const row = make('div', { className: 'strips' });
      for (const theme of themes) {
        const stripId = `${sectionId}-${theme}`;
        // A page of this width and theme: the element meets its width through its container.
        const strip = make('div', { className: 'strip', id: stripId, lang });
        strip.dataset.theme = theme;
        strip.style.width = `${width}px`;
        strip.setAttribute('role', 'group');
        strip.setAttribute('aria-label', `${title}, ${theme}`);
        row.append(
          make('figure', { className: 'strip-frame' }, make('figcaption', { textContent: `${theme === 'dark' ? 'Dark' : 'Light'} (theme="${theme}")` }), strip),
        );
        for (const scenario of scenarios) runs.push(showState(strip, stripId, scenario, theme, lang, strings.get(lang)!));
      }
      main.append(make('section', { className: 'gallery-section', id: sectionId }, make('h2', { textContent: title }), row));
      toc.append(make('li', {}, make('a', { href: `#${sectionId}`, textContent: title })));
    }
  }

  const total = runs.length;
  const failures = (await Promise.all(runs)).filter((f): f is string => f !== undefined);
  // No focus ring where the last step happened to put it: the gallery looks the same each time.
  for (const el of main.querySelectorAll('prove-verify')) {
    (el.shadowRoot?.activeElement as HTMLElement | null)?.blur();
    await (el as ProveVerifyElement).updateComplete;
  }
  (document.activeElement as HTMLElement | null)?.blur();
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  status.textContent =
    failures.length === 0
      ? `All ${total} states reached (${scenarios.length} states × ${total / Math.max(scenarios.length, 1)} strips).`
      : `${failures.length} of ${total} states not reached: ${failures.join('; ')}`;
  document.documentElement.dataset.gallery = failures.length === 0 ? 'ready' : 'failed';
}

void runGallery(new URLSearchParams(location.search)).catch((error: unknown) => {
  document.documentElement.dataset.gallery = 'failed';
  const status = document.getElementById('gallery-status');
  if (status) status.textContent = `The gallery failed: ${String(error)}`;
});
