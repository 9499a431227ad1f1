/**
 * Memory: on one page, `cycles` times: insert a <prove-verify>, fill it, press Verify, wait for
 * the code field's focus (a real flow through the backend, the emulator and Prove's SDK), remove
 * the element. The same with `possession-type="desktop"` waits instead for the Instant Link wait
 * and its status WebSocket, the one flow that opens a socket, so that one is seen to close.
 * At the warm cycle, every `every` cycles and at the last, once the page is quiet: forced garbage
 * collection, then the JS heap, DOM nodes and JS listeners (`Performance.getMetrics`),
 * listeners on window and document (`DOMDebugger.getEventListeners`), timers that can still fire
 * (bench/fixtures/timer-probe.js) and WebSockets open (`Network.webSocketCreated`/`Closed`).
 */
import path from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { button, fields, focused, heading, seen, until } from '../test/e2e/support/page.js';
import { ADDY, DESKTOP, IPHONE, REPO_ROOT } from '../test/e2e/support/stack.js';
import { inFreshContext, watchNetwork } from './browser.js';
import { retainingChains } from './retainers.js';
import type { Site } from './site.js';

export interface MemoryPoint {
  cycle: number;
  heapUsed: number;
  nodes: number;
  jsListeners: number;
  /** Listeners on window and on document. */
  windowListeners: number;
  documentListeners: number;
  liveTimers: number;
  openSockets: number;
  /** <prove-verify> objects still in the heap, in the page or not, up to RELEASE_MS after the first count. */
  elements: number;
  /** The first count: an element can be held for a moment after its removal, which is no leak. */
  elementsAtOnce: number;
}

export type Possession = 'mobile' | 'desktop';

export interface MemoryResult {
  possession: Possession;
  cycles: number;
  warmCycle: number;
  points: MemoryPoint[];
  warm: MemoryPoint;
  last: MemoryPoint;
  socketsCreated: number;
  /** When elements outlive their removal at the end: what keeps them (bench/retainers.ts). */
  retainedBy: string[];
  /** Wall time of one cycle, ms (median is computed by the report). */
  cycleMs: number[];
}

const TIMER_PROBE = path.join(REPO_ROOT, 'bench', 'fixtures', 'timer-probe.js');
/** How long the page must have no request in flight before it is measured. */
const SETTLE_MS = 250;
/** Full collections before reading the heap: a second one frees what the first one's finalizers let go. */
const GC_PASSES = 3;

async function listenersOn(cdp: CDPSession, expression: 'window' | 'document'): Promise<number> {
  const { result } = await cdp.send('Runtime.evaluate', { expression });
  try {
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId! });
    return listeners.length;
  } finally {
    await cdp.send('Runtime.releaseObject', { objectId: result.objectId! });
  }
}

/** Live objects whose prototype is the element class's (`Runtime.queryObjects` collects garbage first). */
async function elementsAlive(cdp: CDPSession): Promise<number> {
  const { result: proto } = await cdp.send('Runtime.evaluate', {
    expression: 'customElements.get("prove-verify").prototype',
  });
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.objectId! });
  try {
    const { result } = await cdp.send('Runtime.callFunctionOn', {
      objectId: objects.objectId!,
      functionDeclaration: 'function () { return this.length; }',
      returnByValue: true,
    });
    return result.value as number;
  } finally {
    await Promise.all([proto, objects].map((o) => cdp.send('Runtime.releaseObject', { objectId: o.objectId! })));
  }
}

/** How long a removed element may stay in the heap before it counts as kept. */
const RELEASE_MS = 1000;

async function measure(page: Page, cdp: CDPSession, cycle: number, openSockets: number): Promise<MemoryPoint> {
  const elementsAtOnce = await elementsAlive(cdp);
  let elements = elementsAtOnce;
  for (const deadline = Date.now() + RELEASE_MS; elements > 0 && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    elements = await elementsAlive(cdp);
  }
  for (let i = 0; i < GC_PASSES; i++) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => {
    const found = metrics.find((m) => m.name === name);
    if (!found) throw new Error(`Performance.getMetrics has no ${name}`);
    return found.value;
  };
  return {
    cycle,
    heapUsed: metric('JSHeapUsedSize'),
    nodes: metric('Nodes'),
    jsListeners: metric('JSEventListeners'),
    windowListeners: await listenersOn(cdp, 'window'),
    documentListeners: await listenersOn(cdp, 'document'),
    liveTimers: await page.evaluate(() => (window as unknown as { __liveTimers(): number }).__liveTimers()),
    openSockets,
    elements,
    elementsAtOnce,
  };
}

/** The Instant Link wait's heading (src/i18n/en.ts `linkTitle`). */
const LINK_TITLE = 'Check your Phone';

async function cycleOnce(page: Page, possession: Possession, socketsCreated: () => number): Promise<void> {
  const socketsBefore = socketsCreated();
  await page.evaluate((type) => {
    const element = document.createElement('prove-verify');
    element.setAttribute('backend-url', '/api');
    element.setAttribute('possession-type', type);
    document.getElementById('host')!.append(element);
  }, possession);
  const f = fields(page);
  await seen(f.firstName);
  await f.firstName.fill(ADDY.firstName);
  await f.lastName.fill(ADDY.lastName);
  await f.phone.fill(ADDY.phone);
  await button(page, 'Verify').click();
  if (possession === 'mobile') {
    await focused(f.code, 10_000);
  } else {
    await focused(heading(page, LINK_TITLE), 10_000);
    // The heading shows as the link is sent; the SDK opens its socket just after.
    await until('the status WebSocket to open', () => socketsCreated() > socketsBefore);
  }
  await page.evaluate(() => document.querySelector('prove-verify')!.remove());
}

export async function benchMemory(
  browser: Browser,
  site: Site,
  {
    possession,
    cycles,
    warmCycle,
    every = 10,
  }: { possession: Possession; cycles: number; warmCycle: number; every?: number },
  log: (line: string) => void,
): Promise<MemoryResult> {
  // Each flow where it belongs: the code on an iPhone; the link in a desktop window, where the SDK
  // waits on a status socket (on a phone it would finish through Prove's redirect instead).
  return inFreshContext(browser, possession === 'mobile' ? IPHONE : DESKTOP, async (page, context) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript({ path: TIMER_PROBE });
    const cdp = await context.newCDPSession(page);
    const sockets = new Set<string>();
    let socketsCreated = 0;
    cdp.on('Network.webSocketCreated', ({ requestId }) => {
      socketsCreated++;
      sockets.add(requestId);
    });
    cdp.on('Network.webSocketClosed', ({ requestId }) => sockets.delete(requestId));
    await Promise.all([cdp.send('Network.enable'), cdp.send('Performance.enable'), cdp.send('DOM.enable')]);

    const network = watchNetwork(page);
    await page.goto(site.page('memory.html'));
    await page.waitForFunction(() => customElements.get('prove-verify') !== undefined);

    const points: MemoryPoint[] = [];
    const cycleMs: number[] = [];
    for (let cycle = 1; cycle <= cycles; cycle++) {
      const started = performance.now();
      await cycleOnce(page, possession, () => socketsCreated);
      cycleMs.push(performance.now() - started);
      if (errors.length) throw new Error(`cycle ${cycle}: the page threw: ${errors.join('; ')}`);
      if (cycle === warmCycle || cycle % every === 0 || cycle === cycles) {
        await network.quiet(SETTLE_MS);
        points.push(await measure(page, cdp, cycle, sockets.size));
        log(
          `#   memory (${possession}): cycle ${cycle}/${cycles}, heap ${(points.at(-1)!.heapUsed / 1024 / 1024).toFixed(2)} MB`,
        );
      }
    }
    const last = points.at(-1)!;
    // A heap snapshot takes seconds: only when there is something to explain.
    const retainedBy = last.elements > 0 ? await retainingChains(cdp, 'prove-verify') : [];
    return {
      possession,
      cycles,
      warmCycle,
      points,
      warm: points.find((p) => p.cycle === warmCycle)!,
      last,
      socketsCreated,
      retainedBy,
      cycleMs,
    };
  });
}
