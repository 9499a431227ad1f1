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

async function sample(browser: Browser, site: Site, arm: Arm): Promise<number> {
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
    return probe.focused - probe.clicked;
  });
}

export async function benchSubmitToCode(
  browser: Browser,
  site: Site,
  pairs: number,
  log: (line: string) => void,
): Promise<Record<Arm, number[]>> {
  const result: Record<Arm, number[]> = { element: [], vanilla: [] };
  // One unmeasured flow of each: the backend's first Prove token, the emulator's first flow.
  for (const arm of ['element', 'vanilla'] as const) await sample(browser, site, arm);
  const order = interleave<Arm>('element', 'vanilla', pairs);
  for (const [i, arm] of order.entries()) {
    result[arm].push(await sample(browser, site, arm));
    if ((i + 1) % 10 === 0) log(`#   submit to code: ${i + 1}/${order.length} flows`);
  }
  return result;
}
