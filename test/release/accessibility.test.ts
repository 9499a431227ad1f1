/**
 * Accessibility of the demo pages and the element's steps as a person meets them, checked with
 * axe-core (WCAG 2.0/2.1/2.2 A and AA rules) in the real page, shadow roots included.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchBrowser, startStack, type Stack } from '../e2e/support/stack.js';
import { axeViolations as violations } from '../e2e/support/axe.js';
import { chooseFlow, openDemo, seen, submitDetails } from '../e2e/support/page.js';

let stack: Stack;
let browser: Browser;

before(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
});

after(async () => {
  await Promise.allSettled([browser?.close(), stack?.stop()]);
});

describe('accessibility (axe)', () => {
  test('the demo page, with the form, with field errors, and on the code step', async () => {
    const page = await browser.newPage();
    try {
      await openDemo(page, stack.appUrl);
      assert.deepEqual(await violations(page), [], 'the form');
      await page.getByRole('button', { name: 'Verify' }).click();
      await seen(page.getByText('This field is required.').first());
      assert.deepEqual(await violations(page), [], 'the form with errors');
      await chooseFlow(page, 'Mobile');
      await submitDetails(page);
      await seen(page.getByLabel('Verification code'));
      assert.deepEqual(await violations(page), [], 'the code step');
    } finally {
      await page.close();
    }
  });

  test('the CDN page and the Instant Link wait', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${stack.appUrl}/cdn.html`);
      await seen(page.getByRole('button', { name: 'Verify' }));
      assert.deepEqual(await violations(page), [], 'the CDN page');
      await submitDetails(page);
      await seen(page.getByRole('heading', { name: 'Check your Phone', exact: true }));
      assert.deepEqual(await violations(page), [], 'the link wait');
    } finally {
      await page.close();
    }
  });
});
