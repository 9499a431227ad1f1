/**
 * The states gallery (/gallery.html) through the running demo: every state of the real element is
 * reached in every strip (light and dark, en/es/fr, 320 and 1280 px), axe-core finds no violation
 * in any state in either theme, and each strip looks like its baseline in test/e2e/screenshots/
 * (within a tolerance). After a deliberate change of the element's look, rewrite the baselines:
 *
 *   UPDATE_SCREENSHOTS=1 node --import tsx --test test/e2e/gallery.test.ts
 *
 * Fixed for stable pictures: viewport and device pixel ratio, reduced motion, animations
 * disabled, the caret hidden; the gallery stops its own clock and takes the focus off.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type Stack, startStackAndBrowser } from '../e2e/support/stack.js';
import { until, watchPageErrors } from '../e2e/support/page.js';
import { axeViolations } from '../e2e/support/axe.js';
import { matchesBaseline, updatingScreenshots } from '../e2e/support/screenshots.js';

const THEMES = ['light', 'dark'] as const;
const LANGS = ['en', 'es', 'fr'] as const;
const WIDTHS = [320, 1280] as const;
const STRIPS = WIDTHS.flatMap((width) => LANGS.flatMap((lang) => THEMES.map((theme) => ({ width, lang, theme, id: `w${width}-${lang}-${theme}` }))));

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
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
});

after(async () => {
  await Promise.allSettled([browser?.close(), stack?.stop()]);
});

describe('the states gallery (/gallery.html)', () => {
  test('every state is reached in every strip', async () => {
    await page.goto(`${stack.appUrl}/gallery.html`);
    const state = await until('the gallery to reach every state', () => page.evaluate(() => document.documentElement.dataset.gallery), 60_000);
    const status = await page.locator('#gallery-status').innerText();
    assert.equal(state, 'ready', `the gallery says: ${status}`);
    assert.match(status, new RegExp(`^All \\d+ states reached \\(\\d+ states × ${STRIPS.length} strips\\)\\.$`));
    for (const { id, lang, theme } of STRIPS) {
      const cells = await page.locator(`#${id} figure.state`).evaluateAll((nodes) => nodes.map((c) => (c as HTMLElement).dataset.state));
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

  test('each strip looks like its baseline screenshot', async () => {
    const failures: string[] = [];
    for (const { id } of STRIPS) {
      const shot = await page.locator(`#${id}`).screenshot({ animations: 'disabled', caret: 'hide', scale: 'css' });
      const result = matchesBaseline(shot, `gallery-${id}`);
      if (!result.ok) failures.push(result.message);
    }
    if (updatingScreenshots()) return;
    assert.deepEqual(failures, [], failures.join('\n'));
  });
});
