/**
 * The demo's "Simulated phone" panel, on the demo page and on the CDN page: it shows the current
 * flow's texts only, newest first, and clears when a new flow starts, so an earlier flow's link
 * (which no longer works) is never the one tapped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { type Stack, startStackAndBrowser } from '../e2e/support/stack.js';
import {
  button,
  chooseFlow,
  openDemo,
  phoneMessages,
  phoneShowsCurrentFlow,
  seen,
  submitDetails,
  until,
} from '../e2e/support/page.js';

let stack: Stack;
let browser: Browser;

before(async () => {
  ({ stack, browser } = await startStackAndBrowser());
});

after(async () => {
  await Promise.allSettled([browser?.close(), stack?.stop()]);
});

/** Starts a desktop flow, waits for its link on the panel, cancels, starts again: the panel shows only the new link. */
async function newFlowClearsThePanel(page: Page): Promise<void> {
  await submitDetails(page);
  const first = await phoneShowsCurrentFlow(page, 1);
  assert.ok(first.link, 'the first flow texted a link');

  await button(page, 'Cancel').click();
  await seen(button(page, 'Verify'));
  const { list, messages } = phoneMessages(page);
  await button(page, 'Verify').click();
  // At `starting` the panel empties at once: the old link is gone before the new one arrives.
  await seen(list.getByText('No messages for this flow yet.', { exact: true }));
  assert.equal(await list.getByRole('link').count(), 0, 'no link of the earlier flow is left to tap');

  const second = await phoneShowsCurrentFlow(page, 1);
  assert.ok(second.link, 'the new flow texted a link');
  assert.notEqual(second.link, first.link, 'the panel shows the new link, not the old one');
  assert.equal(await messages.count(), 1, "only the current flow's text");
  assert.ok(Number(await list.getAttribute('data-earlier')) >= 1, 'the earlier text is counted as hidden');
  await seen(page.getByText(/earlier texts? from finished flows (is|are) hidden/));
}

describe('the Simulated phone panel', () => {
  test('the demo page: a new flow clears the panel', async () => {
    const page = await browser.newPage();
    try {
      await openDemo(page, stack.appUrl);
      await chooseFlow(page, 'Desktop');
      await newFlowClearsThePanel(page);
    } finally {
      await page.close();
    }
  });

  test("the CDN page has the same panel, fed only by the element's events", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${stack.appUrl}/cdn.html`);
      await seen(page.getByRole('heading', { name: 'Simulated phone', exact: true }));
      await until('the CDN element to be defined', () =>
        page.evaluate(() => customElements.get('prove-verify') !== undefined),
      );
      await newFlowClearsThePanel(page);
    } finally {
      await page.close();
    }
  });
});
