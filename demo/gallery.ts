/**
 * The states gallery (/gallery.html): every state of the real <prove-verify>, side by side, one
 * strip per width (320, 1280), language (every one the element speaks) and theme (light, dark).
 *
 * Each state is one element with its own scenario (gallery/scenarios.ts): the fake Prove SDK and
 * the fake backend of the component tests (test/support/) answer, and the state is reached through
 * the element's own UI (gallery/driver.ts). `Date.now` is stopped so countdowns hold still, and the
 * page says when every state is reached (`data-gallery="ready"` on <html>, and its status line).
 *
 * ?themes=dark&langs=es,fr&widths=320&states=otp-entry,success shows part of it; ?live lets the
 * clock run.
 */
import '../src/prove-verify.js';
import { enLater } from '../src/i18n/en-later.js';
import { completeEnglish, LANGUAGES, resolveLanguage } from '../src/i18n/registry.js';
import type { Strings } from '../src/i18n/strings.js';
import { installFakeBackend } from '../test/support/fake-backend.mjs';
import { FakeSdk } from '../test/support/fake-sdk.js';
import { Driver } from './gallery/driver.js';
import { addCell, addSection, markCell, nameLanguages, showOutcome, stillFocus } from './gallery/page.js';
import { SCENARIOS, type Scenario } from './gallery/scenarios.js';

const THEMES = ['light', 'dark'] as const;
const WIDTHS = [320, 1280] as const;

/** The clock every frame stops at: 26 Nov 2026, 12:00 UTC. */
const FROZEN_NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

/** Those of `all` the query names in `name` (all of them when it names none). */
function listParam(params: URLSearchParams, name: string, all: readonly string[]): string[] {
  const wanted = (params.get(name) ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const chosen = all.filter((v) => wanted.includes(v));
  return chosen.length > 0 ? chosen : [...all];
}

/** One state in one strip: the real element, driven to its state. Answers a failure, if any. */
async function showState(
  strip: HTMLElement,
  stripId: string,
  scenario: Scenario,
  theme: string,
  lang: string,
  t: Strings,
): Promise<string | undefined> {
  const el = document.createElement('prove-verify');
  el.setAttribute('backend-url', `/fake-backend/${stripId}-${scenario.id}/${scenario.backend ?? 'ok'}`);
  el.setAttribute('possession-type', scenario.possession ?? 'mobile');
  el.setAttribute('theme', theme);
  el.setAttribute('lang', lang);
  // Held requests must stay held while the gallery is looked at.
  el.setAttribute('timeout', String(24 * 3600_000));
  for (const [attr, value] of Object.entries(scenario.attrs ?? {})) el.setAttribute(attr, value);
  const sdk = Object.assign(new FakeSdk(), scenario.sdk);
  if (scenario.proveHolds) sdk.hold(scenario.proveHolds);
  el.sdk = sdk;
  const cell = addCell(strip, scenario, el);
  try {
    await scenario.drive(new Driver(el, sdk, t));
    if (el.step !== scenario.step) throw new Error(`ended on ${el.step}, not ${scenario.step}`);
    markCell(cell);
    return undefined;
  } catch (error) {
    const message = `${stripId} ${scenario.id}: ${error instanceof Error ? error.message : String(error)}`;
    markCell(cell, message);
    return message;
  }
}

async function runGallery(params: URLSearchParams): Promise<void> {
  // The clock stops, so countdowns and time left read the same in every screenshot (?live: it runs).
  if (!params.has('live')) Date.now = () => FROZEN_NOW;
  // Steps move focus; that must never scroll the gallery around.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the element as `this`
  const focus = HTMLElement.prototype.focus;
  HTMLElement.prototype.focus = function (this: HTMLElement, options?: FocusOptions) {
    focus.call(this, { ...options, preventScroll: true });
  };
  installFakeBackend();
  // No WebOTP: the browser's own prompt for a texted code, asked for by hundreds of code screens at
  // once, is not what the gallery shows (and headless Chromium's renderer does not survive it).
  delete (window as { OTPCredential?: unknown }).OTPCredential;

  const themes = listParam(params, 'themes', THEMES);
  const langs = listParam(params, 'langs', LANGUAGES);
  const widths = listParam(params, 'widths', WIDTHS.map(String)).map(Number);
  const only = (params.get('states') ?? '').split(',').filter(Boolean);
  const scenarios = only.length > 0 ? SCENARIOS.filter((s) => only.includes(s.id)) : SCENARIOS;
  nameLanguages(LANGUAGES);

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
      for (const { id, theme, strip } of addSection(width, lang, themes)) {
        for (const scenario of scenarios) runs.push(showState(strip, id, scenario, theme, lang, strings.get(lang)!));
      }
    }
  }

  const total = runs.length;
  const failures = (await Promise.all(runs)).filter((f): f is string => f !== undefined);
  await stillFocus();
  if (failures.length > 0)
    showOutcome('failed', `${failures.length} of ${total} states not reached: ${failures.join('; ')}`);
  else
    showOutcome(
      'ready',
      `All ${total} states reached (${scenarios.length} states × ${total / Math.max(scenarios.length, 1)} strips).`,
    );
}

void runGallery(new URLSearchParams(location.search)).catch((error: unknown) => {
  showOutcome('failed', `The gallery failed: ${String(error)}`);
});
