/**
 * A person at an app's page: fills the form, presses Verify, and reads the result. The backend is
 * a stub on the page's own origin (README's `backend-url="/api"`), through Playwright's
 * routing: it answers the start as a backend does when Prove refuses the person at once (no
 * authToken), so the flow ends in the failure state without Prove's servers, with Prove's SDK
 * fetched all the same (when the person reaches the form).
 */
import assert from 'node:assert/strict';
import type { Browser, Response } from 'playwright-core';
import { button, fields, heading, seen, until, watchPageErrors } from '../e2e/support/page.js';
import { ADDY } from '../e2e/support/stack.js';

/**
 * docs/server.md's "Prove refused the person at once": the element shows the failure and fires
 * prove-verify-failure.
 */
export const REFUSED = { success: false, possessionResult: 'not_applicable', verifyResult: 'failed' } as const;

/** A string of Prove's SDK file (prove-auth.js) and of nothing else in the package: minifiers keep string literals. */
export const SDK_MARKER = 'Implementation of Storage is required';

const EVENTS = [
  'prove-verify-step',
  'prove-verify-success',
  'prove-verify-failure',
  'prove-verify-error',
  'prove-verify-cancel',
];

interface SeenEvent {
  type: string;
  detail: unknown;
}

export interface Expected {
  possessionType: 'mobile' | 'desktop';
  /** What a framework app shows once its own handler heard the verdict. */
  heard?: string;
  /** How long the first paint of the form may take (a dev server compiles on the first request). */
  firstPaint?: number;
}

/** What the visit saw, for the log. */
export interface Visit {
  /** The path of the script that brought Prove's SDK. */
  sdkFile: string;
  /** What the page wrote to its console as errors, and requests that never got an answer: told, not failed. */
  remarks: string[];
}

const isScript = (response: Response) =>
  response.request().resourceType() === 'script' || /javascript/.test(response.headers()['content-type'] ?? '');

async function holdsSdk(response: Response): Promise<boolean> {
  if (!isScript(response) || response.status() !== 200) return false;
  return (await response.text().catch(() => '')).includes(SDK_MARKER);
}

/**
 * Verifies Addy at `url` and asserts what a person sees and what went over the wire. A refused
 * request (a file the build never emitted) or a page error ends the visit at once; every failure
 * lists the visit's requests and errors.
 */
export async function verifyAsAPerson(browser: Browser, url: string, expected: Expected): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const pageErrors = watchPageErrors(context);
  const responses: Response[] = [];
  const failedRequests: string[] = [];
  const consoleErrors: string[] = [];
  const starts: unknown[] = [];
  const events: SeenEvent[] = [];
  const origin = new URL(url).origin;
  const log = () =>
    [
      `responses:\n${responses.map((r) => `  ${r.status()} ${r.request().method()} ${r.url()}`).join('\n')}`,
      `failed requests: ${failedRequests.join(' | ') || 'none'}`,
      `page errors: ${pageErrors.join(' | ') || 'none'}`,
      `console errors: ${consoleErrors.join(' | ') || 'none'}`,
      `events: ${events.map((event) => `${event.type} ${JSON.stringify(event.detail)}`).join(' | ') || 'none'}`,
    ].join('\n');

  let troubled: (problem: string) => void = () => {};
  const trouble = new Promise<never>((_, reject) => (troubled = (problem) => reject(new Error(problem))));
  trouble.catch(() => {}); // raced in step(); unread when the visit goes well
  /** Waits for `done`, failing with the visit's log when it fails or trouble comes first. */
  const step = async <T>(done: Promise<T>): Promise<T> => {
    try {
      return await Promise.race([done, trouble]);
    } catch (error) {
      assert.fail(`${error instanceof Error ? error.message : String(error)}\n${log()}`);
    }
  };

  try {
    const page = await context.newPage();
    page.on('response', (response) => {
      responses.push(response);
      if (response.status() >= 400)
        troubled(`${response.status()} for ${response.request().method()} ${response.url()}`);
    });
    page.on('pageerror', (error) => troubled(`page error: ${error.message}`));
    page.on('requestfailed', (request) => failedRequests.push(`${request.url()} (${request.failure()?.errorText})`));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.route(
      (address) => address.origin === origin && address.pathname.startsWith('/api/'),
      async (route) => {
        const request = route.request();
        if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/verify') {
          starts.push(request.postDataJSON());
          return route.fulfill({ json: REFUSED });
        }
        // Nothing else is asked of the backend after a refusal: a 404 here fails the visit.
        return route.fulfill({
          status: 404,
          json: { code: 'not_found', message: 'the stub answers /api/verify only' },
        });
      },
    );
    await page.exposeFunction('proveVerifyEvent', (type: string, detail: unknown) => {
      events.push({ type, detail });
      if (type === 'prove-verify-error') troubled(`the element fired prove-verify-error ${JSON.stringify(detail)}`);
    });
    await page.addInitScript((types: string[]) => {
      const report = (window as unknown as { proveVerifyEvent: (type: string, detail: unknown) => void })
        .proveVerifyEvent;
      for (const type of types) window.addEventListener(type, (event) => report(type, (event as CustomEvent).detail));
    }, EVENTS);

    await step(page.goto(url));
    const f = fields(page);
    await step(seen(f.firstName, expected.firstPaint ?? 30_000));
    // The person reaches the form: the flow's chunk loads, and with it the phone field proper (its
    // country selector), which formats as the person types, and Prove's SDK. Digits typed before
    // the field is in stay as typed in the plain input it replaces, so the person starts once it shows.
    const beforeFocus = responses.length;
    await step(f.firstName.focus());
    await step(seen(page.getByRole('combobox', { name: 'Country' }), 15_000));
    await step(f.firstName.fill(ADDY.firstName));
    await step(f.lastName.fill(ADDY.lastName));
    await step(f.phone.pressSequentially(ADDY.phone));
    // Formatted as typed only with the US numbering plan in (its own lazily loaded file).
    const formatted = () => f.phone.inputValue().then((value) => value === '(200) 100-4010');
    await step(until('the phone field to read (200) 100-4010', formatted, 15_000));
    await step(button(page, 'Verify').click());
    await step(seen(heading(page, 'We couldn’t verify this phone number'), 15_000));
    if (expected.heard) await step(seen(page.getByText(expected.heard, { exact: true }), 5_000));

    assert.deepEqual(
      starts,
      [
        {
          firstName: ADDY.firstName,
          lastName: ADDY.lastName,
          phoneNumber: ADDY.e164,
          possessionType: expected.possessionType,
        },
      ],
      'one start request, with the phone in E.164',
    );
    const results = events.filter((event) => event.type !== 'prove-verify-step');
    assert.deepEqual(
      results,
      [{ type: 'prove-verify-failure', detail: { result: REFUSED } }],
      'the element fired prove-verify-failure alone',
    );

    const sdkAt: number[] = [];
    for (const [index, response] of responses.entries()) if (await holdsSdk(response)) sdkAt.push(index);
    assert.ok(sdkAt.length > 0, `no script the page loaded holds Prove's SDK\n${log()}`);
    assert.ok(
      sdkAt.every((index) => index >= beforeFocus),
      `Prove's SDK came with the page, not when the person reached the form: ${responses[sdkAt[0]!]!.url()}`,
    );
    // Also what came after the last wait (the result's own requests).
    assert.deepEqual(
      responses.filter((r) => r.status() >= 400).map((r) => `${r.status()} ${r.url()}`),
      [],
      `refused requests:\n${log()}`,
    );
    assert.deepEqual(pageErrors, [], `page errors:\n${log()}`);
    return {
      sdkFile: new URL(responses[sdkAt[0]!]!.url()).pathname,
      remarks: [
        ...consoleErrors.map((text) => `console error: ${text}`),
        ...failedRequests.map((text) => `no answer: ${text}`),
      ],
    };
  } finally {
    await context.close();
  }
}
