/**
 * First paint: from the module's request to the form painted, dist/cdn/prove-verify.js against a
 * bare Lit element painting the same form (bench/fixtures/bare-form.js), each page cold in a fresh
 * context, in ABBA order. The probe inside the page is in bench/fixtures/first-paint.html.
 */
import type { Browser } from 'playwright-core';
import { DESKTOP } from '../test/e2e/support/stack.js';
import { inFreshContext } from './browser.js';
import { PAINT_PAGES, type Site } from './site.js';
import { interleave } from './stats.js';

type Arm = keyof typeof PAINT_PAGES;

export interface FirstPaintSamples {
  /** Module request start to the task after the painted frame, ms. */
  painted: Record<Arm, number[]>;
  /** Module request start to first-contentful-paint, ms; NaN where Chromium reported none (pairs stay aligned). */
  fcp: Record<Arm, number[]>;
  /** Where the time went, from the module's request: its last byte received, its element defined. */
  received: Record<Arm, number[]>;
  defined: Record<Arm, number[]>;
  /** The module's size as served (uncompressed: the demo backend sends no Content-Encoding). */
  bytes: Record<Arm, number>;
}

interface Probe {
  done?: boolean;
  moduleStart?: number;
  moduleEnd?: number;
  moduleBytes?: number;
  defined?: number;
  painted?: number;
  fcp?: number;
  inputs?: number;
}

type Measured = Required<Omit<Probe, 'fcp'>> & { fcp?: number };

async function sample(browser: Browser, site: Site, arm: Arm): Promise<Measured> {
  return inFreshContext(browser, DESKTOP, async (page) => {
    await page.goto(site.page(PAINT_PAGES[arm].file));
    await page.waitForFunction(() => (window as { __firstPaint?: Probe }).__firstPaint?.done, undefined, {
      timeout: 10_000,
    });
    // First-contentful-paint is reported a little after the frame; give it a moment, not forever.
    await page
      .waitForFunction(() => (window as { __firstPaint?: Probe }).__firstPaint?.fcp !== undefined, undefined, {
        timeout: 1_000,
      })
      .catch(() => undefined);
    const probe = await page.evaluate(() => (window as { __firstPaint?: Probe }).__firstPaint!);
    if (probe.moduleStart === undefined || probe.moduleEnd === undefined || probe.painted === undefined) {
      throw new Error(`${arm}: the page measured nothing (${JSON.stringify(probe)})`);
    }
    return probe as Measured;
  });
}

export async function benchFirstPaint(
  browser: Browser,
  site: Site,
  pairs: number,
  log: (line: string) => void,
): Promise<FirstPaintSamples> {
  const arms = (): Record<Arm, number[]> => ({ element: [], baseline: [] });
  const result: FirstPaintSamples = {
    painted: arms(),
    fcp: arms(),
    received: arms(),
    defined: arms(),
    bytes: { element: 0, baseline: 0 },
  };
  // One unmeasured load of each: the first page a browser opens pays for its own start-up.
  for (const arm of ['element', 'baseline'] as const) await sample(browser, site, arm);
  const order = interleave<Arm>('element', 'baseline', pairs);
  for (const [i, arm] of order.entries()) {
    const probe = await sample(browser, site, arm);
    result.painted[arm].push(probe.painted - probe.moduleStart);
    result.received[arm].push(probe.moduleEnd - probe.moduleStart);
    result.defined[arm].push(probe.defined - probe.moduleStart);
    result.bytes[arm] = probe.moduleBytes;
    result.fcp[arm].push(probe.fcp === undefined ? NaN : probe.fcp - probe.moduleStart);
    if ((i + 1) % 20 === 0) log(`#   first paint: ${i + 1}/${order.length} loads`);
  }
  return result;
}
