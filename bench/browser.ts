/** Browser helpers the benchmarks share: a fresh context per sample, and waiting for a quiet page. */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

/**
 * Runs `use` in a new context (its own cache, cookies and storage: every sample starts cold) and
 * always closes it.
 */
export async function inFreshContext<T>(
  browser: Browser,
  options: BrowserContextOptions,
  use: (page: Page, context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext(options);
  // Every wait bounded well under a benchmark's deadline, so a hang fails the sample, not the run.
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  try {
    return await use(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Counts the page's requests in flight. `quiet(ms)` resolves once none has been in flight for
 * `ms`: what a person's pause does between filling a form and pressing its button (the element's
 * lazily loaded code arrives meanwhile; the vanilla page has nothing left to load).
 */
export function watchNetwork(page: Page) {
  let inFlight = 0;
  let lastChange = Date.now();
  const change = (delta: number) => {
    inFlight += delta;
    lastChange = Date.now();
  };
  page.on('request', () => change(1));
  page.on('requestfinished', () => change(-1));
  page.on('requestfailed', () => change(-1));
  return {
    async quiet(ms: number, timeout = 10_000): Promise<void> {
      const deadline = Date.now() + timeout;
      while (inFlight > 0 || Date.now() - lastChange < ms) {
        if (Date.now() > deadline)
          throw new Error(`the page still had ${inFlight} request(s) in flight after ${timeout} ms`);
        await sleep(Math.max(10, ms - (Date.now() - lastChange)));
      }
    },
  };
}
