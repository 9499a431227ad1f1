/**
 * Submit to code input: a person on an iPhone has filled the form and presses Verify; timed from
 * that click to the code field taking the focus, through the real backend, emulator and Prove SDK.
 * <prove-verify> (bench/fixtures/element.html, `possession-type` left on auto: the SDK's
 * isMobileWeb() decides, as the guide's does) against the guide's own client code
 * (bench/fixtures/vanilla.html + vanilla.js). Both pages share the in-page probe
 * (submit-probe.js); each sample is a fresh context, in ABBA order.
 */
import type { Browser } from 'playwright-core';
import { button, fields, focused, seen } from '../test/e2e/support/page.js';
import { ADDY, IPHONE } from '../test/e2e/support/stack.js';
import { inFreshContext, watchNetwork } from './browser.js';
import type { Site } from './site.js';
import { interleave } from './stats.js';

type Arm = 'element' | 'vanilla';
const PAGES: Record<Arm, string> = { element: 'element.html', vanilla: 'vanilla.html' };

/** The pause between the last keystroke and the click: long enough for the lazily loaded code. */
const PAUSE_MS = 300;

interface Probe {
  clicked?: number;
  focused?: number;
}

export interface SubmitSamples {
  /** Click to the code input's focus, ms. */
  focused: Record<Arm, number[]>;
  /** Click to the request of the backend's start call, ms: what happens before the flow starts. */
  verifySent: Record<Arm, number[]>;
  /**
   * The files and calls requested between the click and the focus, in the most common sample, and
   * how many samples had that list.
   */
  requested: Record<Arm, { list: string; samples: number }>;
}

interface Sample {
  focused: number;
  verifySent: number;
  requested: string;
}

async function sample(browser: Browser, site: Site, arm: Arm): Promise<Sample> {
  return inFreshContext(browser, IPHONE, async (page) => {
    const network = watchNetwork(page);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(site.page(PAGES[arm]));
    const f = fields(page);
    await seen(f.firstName);
    await f.firstName.fill(ADDY.firstName);
    await f.lastName.fill(ADDY.lastName);
    await f.phone.fill(ADDY.phone);
    await network.quiet(PAUSE_MS);
    await page.evaluate(() => ((window as { __submitToCode?: Probe }).__submitToCode = {}));
    await button(page, 'Verify').click();
    await focused(f.code, 10_000);
    const probe = await page.evaluate(() => (window as { __submitToCode?: Probe }).__submitToCode!);
    if (errors.length) throw new Error(`${arm}: the page threw: ${errors.join('; ')}`);
    if (probe.clicked === undefined || probe.focused === undefined) {
      throw new Error(`${arm}: the probe saw no click or no focus (${JSON.stringify(probe)})`);
    }
    const { clicked, focused: end } = probe;
    const requested = await page.evaluate(
      ([from, to]) =>
        performance
          .getEntriesByType('resource')
          .filter((entry) => entry.startTime >= from && entry.startTime <= to)
          .map((entry) => ({ path: new URL(entry.name).pathname, start: entry.startTime })),
      [clicked, end] as const,
    );
    const verify = requested.find((r) => r.path === '/api/verify');
    if (!verify) throw new Error(`${arm}: no POST /api/verify between the click and the focus`);
    return {
      focused: end - clicked,
      verifySent: verify.start - clicked,
      requested: requested.map((r) => r.path.split('/').pop()).join(', '),
    };
  });
}

/** The value seen most often, and how often. */
function mostCommon(values: string[]): { list: string; samples: number } {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const [list, samples] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  return { list, samples };
}

export async function benchSubmitToCode(
  browser: Browser,
  site: Site,
  pairs: number,
  log: (line: string) => void,
): Promise<SubmitSamples> {
  const focused: Record<Arm, number[]> = { element: [], vanilla: [] };
  const verifySent: Record<Arm, number[]> = { element: [], vanilla: [] };
  const requested: Record<Arm, string[]> = { element: [], vanilla: [] };
  // One unmeasured flow of each: the backend's first Prove token, the emulator's first flow.
  for (const arm of ['element', 'vanilla'] as const) await sample(browser, site, arm);
  const order = interleave<Arm>('element', 'vanilla', pairs);
  for (const [i, arm] of order.entries()) {
    const one = await sample(browser, site, arm);
    focused[arm].push(one.focused);
    verifySent[arm].push(one.verifySent);
    requested[arm].push(one.requested);
    if ((i + 1) % 10 === 0) log(`#   submit to code: ${i + 1}/${order.length} flows`);
  }
  return {
    focused,
    verifySent,
    requested: { element: mostCommon(requested.element), vanilla: mostCommon(requested.vanilla) },
  };
}
