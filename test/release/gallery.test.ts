/**
 * The states gallery (/gallery.html) through the running demo: every state of the real element is
 * reached in every strip (light and dark, every language of the i18n registry, 320 and 1280 px),
 * axe-core finds no violation
 * in any state in either theme, and each state looks like its baseline, colours included.
 *
 * One picture per state (the cells the page lists, so new gallery states join by themselves), in
 * the strips of PICTURED, compared with test/e2e/screenshots/gallery/<strip>/<state>.png by
 * ../e2e/support/screenshots.ts: a pixel differs when its colour moved by more than a small
 * distance, a state fails when more than a handful of pixels differ, so one recoloured word fails
 * it. A last test recolours the field errors in the page for a moment and checks that the
 * comparison fails, so the test keeps proving it can. After a deliberate change of the element's
 * look, rewrite the baselines (and delete those of states that are gone) with:
 *
 *   UPDATE_SCREENSHOTS=1 node --import tsx --test test/release/gallery.test.ts
 *
 * Fixed for stable pictures: viewport and device pixel ratio, reduced motion, animations settled;
 * the gallery stops its own clock and takes the focus off.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { type Stack, startStackAndBrowser } from '../e2e/support/stack.js';
import { until, watchPageErrors } from '../e2e/support/page.js';
import { axeViolations } from '../e2e/support/axe.js';
import {
  comparePictures,
  matchesBaseline,
  removeStaleBaselines,
  updatingScreenshots,
} from '../e2e/support/screenshots.js';
import { LANGUAGES } from '../../src/i18n/registry.js';

const THEMES = ['light', 'dark'] as const;
const WIDTHS = [320, 1280] as const;
const STRIPS = WIDTHS.flatMap((width) =>
  LANGUAGES.flatMap((lang) => THEMES.map((theme) => ({ width, lang, theme, id: `w${width}-${lang}-${theme}` }))),
);
/**
 * The strips whose states have baselines: English in both themes at both widths (every colour of
 * every state, in both layouts), and every other language at 320 px (the longest words in the
 * narrowest layout). The other strips differ from these only in words at the wide layout. A new
 * language's baselines are written by UPDATE_SCREENSHOTS=1 (at the top of this file).
 */
const PICTURED = STRIPS.filter((s) => s.lang === 'en' || s.width === 320);
/** The state with field errors, whose colour the comparison must see. */
const FIELD_ERRORS = 'form-errors';

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;
let pageErrors: string[];

before(async () => {
  ({ stack, browser } = await startStackAndBrowser());
  context = await browser.newContext({
    viewport: { width: 1400, height: 1000 },
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
    colorScheme: 'light',
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  pageErrors = watchPageErrors(context);
  page = await context.newPage();
  cdp = await context.newCDPSession(page);
});

/**
 * One picture per state of the strip (`only`: that state alone), in the page's order: the state's
 * cell below its caption (the element and the card around it), in whole pixels of the document.
 * Each is taken alone through the DevTools protocol, a few times faster than an element screenshot
 * and never limited by how tall the strip grows.
 */
async function statePictures(stripId: string, only?: string): Promise<{ scenario: string; picture: PNG }[]> {
  const cells = await page
    .locator(`#${stripId} figure.state${only ? `[data-scenario="${only}"]` : ''}`)
    .evaluateAll((nodes) =>
      nodes.map((cell) => {
        const box = cell.getBoundingClientRect();
        const caption = cell.querySelector('figcaption')?.getBoundingClientRect();
        const element = cell.querySelector('prove-verify')!.getBoundingClientRect();
        // A few pixels of card above the element, and none of the caption (words about the state).
        const [left, top] = [
          Math.round(box.left + scrollX),
          Math.round(Math.max(caption?.bottom ?? box.top, element.top - 4) + scrollY),
        ];
        const [right, bottom] = [Math.round(box.right + scrollX), Math.round(box.bottom + scrollY)];
        return {
          scenario: (cell as HTMLElement).dataset.scenario!,
          clip: { x: left, y: top, width: right - left, height: bottom - top, scale: 1 },
        };
      }),
    );
  assert.ok(cells.length > 0, `${stripId} has ${only ? `the state ${only}` : 'states'}`);
  assert.equal(new Set(cells.map((c) => c.scenario)).size, cells.length, `${stripId}: each state once`);
  const pictures: { scenario: string; picture: PNG }[] = [];
  for (const { scenario, clip } of cells) {
    const { data } = await cdp.send('Page.captureScreenshot', { format: 'png', clip, captureBeyondViewport: true });
    pictures.push({ scenario, picture: PNG.sync.read(Buffer.from(data, 'base64')) });
  }
  return pictures;
}

/**
 * Still pictures: what Playwright's `animations: 'disabled'` does (finite animations and
 * transitions jump to their end, endless ones back to their start), then two frames, as a picture
 * through the DevTools protocol waits for nothing. The caret needs no hiding: the gallery takes the
 * focus off.
 */
const settle = () =>
  page.evaluate(async () => {
    for (const animation of document.getAnimations()) {
      if (animation.effect?.getComputedTiming().endTime === Infinity) animation.cancel();
      else animation.finish();
    }
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });

after(async () => {
  await Promise.allSettled([browser?.close(), stack?.stop()]);
});

/** Whether a passing comparison came closer to failing: more differing pixels, or the same and a larger distance. */
const closer = (a: { diffPixels?: number; maxDistance?: number }, b: { diffPixels: number; maxDistance: number }) =>
  (a.diffPixels ?? 0) > b.diffPixels || ((a.diffPixels ?? 0) === b.diffPixels && (a.maxDistance ?? 0) > b.maxDistance);

describe('the states gallery (/gallery.html)', () => {
  test('every state is reached in every strip', async () => {
    await page.goto(`${stack.appUrl}/gallery.html`);
    const state = await until(
      'the gallery to reach every state',
      () => page.evaluate(() => document.documentElement.dataset.gallery),
      60_000,
    );
    const status = await page.locator('#gallery-status').innerText();
    assert.equal(state, 'ready', `the gallery says: ${status}`);
    assert.match(status, new RegExp(`^All \\d+ states reached \\(\\d+ states × ${STRIPS.length} strips\\)\\.$`));
    for (const { id, lang, theme } of STRIPS) {
      const cells = await page
        .locator(`#${id} figure.state`)
        .evaluateAll((nodes) => nodes.map((c) => (c as HTMLElement).dataset.state));
      assert.ok(cells.length >= 20, `${id} shows every state (${cells.length})`);
      assert.ok(
        cells.every((c) => c === 'reached'),
        `${id}: ${cells.join(', ')}`,
      );
      // Each element shows the language and theme of its strip.
      const seen = await page
        .locator(`#${id} prove-verify`)
        .evaluateAll((els) => [...new Set(els.map((el) => `${el.getAttribute('lang')} ${el.getAttribute('theme')}`))]);
      assert.deepEqual(seen, [`${lang} ${theme}`]);
    }
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the gallery');
  });

  test('axe-core finds no violations in any state, in light and dark', async () => {
    // Every state in both themes, in English at 320 px: the other languages change only words,
    // the width only the layout (and keeps the test within its time).
    const found: string[] = [];
    for (const { id } of STRIPS.filter((s) => s.lang === 'en' && s.width === 320)) {
      for (const violation of await axeViolations(page, `#${id}`)) found.push(`${id} ${violation}`);
    }
    assert.deepEqual(found, [], `axe violations:\n${found.join('\n')}`);
  });

  test('each state looks like its baseline, colours included', async (t) => {
    const failures: string[] = [];
    const written = new Set<string>();
    let closest = { diffPixels: -1, maxDistance: -1, message: '' };
    // Never a baseline of a state the gallery did not reach.
    assert.equal(
      await page.evaluate(() => document.documentElement.dataset.gallery),
      'ready',
      'the gallery reached every state',
    );
    await settle();
    for (const { id } of PICTURED) {
      for (const { scenario, picture } of await statePictures(id)) {
        const name = `gallery/${id}/${scenario}`;
        written.add(name);
        const result = matchesBaseline(picture, name);
        if (!result.ok) failures.push(result.message);
        else if (closer(result, closest))
          closest = {
            diffPixels: result.diffPixels ?? 0,
            maxDistance: result.maxDistance ?? 0,
            message: result.message,
          };
      }
    }
    if (updatingScreenshots()) {
      const removed = removeStaleBaselines('gallery', written);
      console.log(
        `# wrote ${written.size} baselines under test/e2e/screenshots/gallery/; removed ${removed.length} stale files`,
      );
      return;
    }
    // How close the passing states came to failing: noise shows here before it fails a run.
    t.diagnostic(`closest pass: ${closest.message}`);
    assert.deepEqual(failures, [], `${failures.length} of ${written.size} states differ:\n${failures.join('\n')}`);
  });

  test('the comparison fails when the field errors lose their colour', async (t) => {
    // The defect the tall strips let through: `.field-error { color: inherit }` looks like the
    // field's own text. Made in the page for a moment, in both themes, it must fail.
    await settle();
    for (const theme of THEMES) {
      const cell = page.locator(`#w320-en-${theme} figure.state[data-scenario="${FIELD_ERRORS}"]`);
      const host = cell.locator('prove-verify');
      const [before] = await statePictures(`w320-en-${theme}`, FIELD_ERRORS);
      const errors = await host.evaluate(
        (el) => Array.from(el.shadowRoot!.querySelectorAll('.field-error')).filter((e) => e.textContent?.trim()).length,
      );
      assert.ok(errors >= 1, `the ${FIELD_ERRORS} state in ${theme} shows field errors (.field-error)`);
      // A constructed sheet, as the element's own: the page's CSP refuses <style> elements.
      await host.evaluate((el) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync('.field-error { color: inherit !important; }');
        el.shadowRoot!.adoptedStyleSheets = [...el.shadowRoot!.adoptedStyleSheets, sheet];
      });
      await settle();
      const [tampered] = await statePictures(`w320-en-${theme}`, FIELD_ERRORS);
      await host.evaluate(
        (el) => void (el.shadowRoot!.adoptedStyleSheets = el.shadowRoot!.adoptedStyleSheets.slice(0, -1)),
      );
      await settle();
      const [after] = await statePictures(`w320-en-${theme}`, FIELD_ERRORS);
      const broken = comparePictures(
        tampered!.picture,
        before!.picture,
        `${FIELD_ERRORS} in ${theme}, field errors in the inherited colour`,
      );
      assert.equal(broken.ok, false, `the comparison passes a recoloured field error: ${broken.message}`);
      t.diagnostic(broken.message);
      const restored = comparePictures(after!.picture, before!.picture, `${FIELD_ERRORS} in ${theme}, taken again`);
      assert.equal(restored.ok, true, `the same state, taken twice, differs: ${restored.message}`);
    }
  });
});
