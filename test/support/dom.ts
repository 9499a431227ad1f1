import sinon from 'sinon';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';

export function root(el: ProveVerifyElement): ShadowRoot {
  return el.shadowRoot!;
}

/** The input a person finds by its visible label. */
export function inputByLabel(el: ProveVerifyElement, label: string | RegExp): HTMLInputElement {
  const labels = [...root(el).querySelectorAll('label')];
  const found = labels.find((l) =>
    typeof label === 'string' ? l.textContent.trim() === label : label.test(l.textContent),
  );
  if (!found) throw new Error(`No label "${label}" in: ${labels.map((l) => l.textContent).join(', ')}`);
  return root(el).getElementById(found.htmlFor) as HTMLInputElement;
}

export function buttonByName(el: ProveVerifyElement, name: string | RegExp): HTMLButtonElement {
  const buttons = [...root(el).querySelectorAll('button')];
  const found = buttons.find((b) =>
    typeof name === 'string' ? b.textContent.trim() === name : name.test(b.textContent),
  );
  if (!found) throw new Error(`No button "${name}" in: ${buttons.map((b) => b.textContent.trim()).join(', ')}`);
  return found;
}

export function hasButton(el: ProveVerifyElement, name: string): boolean {
  return [...root(el).querySelectorAll('button')].some((b) => b.textContent.trim() === name);
}

/** Types as a browser reports typing: the value changes, then an input event. */
export function type(input: HTMLInputElement, value: string): void {
  input.focus();
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, data: value }));
}

export function text(el: ProveVerifyElement): string {
  return root(el).textContent.replace(/\s+/g, ' ').trim();
}

export function alertText(el: ProveVerifyElement): string | undefined {
  return root(el).querySelector('[role="alert"]')?.textContent?.replace(/\s+/g, ' ').trim();
}

/** What the element's own polite live region (beside the step) says now. */
export function politeText(el: ProveVerifyElement): string {
  const region = [...root(el).children].find((node) => node.getAttribute('role') === 'status');
  return region?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

/** What a screen reader reads after a control's name: the texts its aria-describedby names, in order. */
export function describedText(el: ProveVerifyElement, control: Element): string[] {
  const ids = (control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  return ids.map((id) => root(el).getElementById(id)?.textContent?.replace(/\s+/g, ' ').trim() ?? `(no #${id})`);
}

/** Every live region's text (alerts, statuses, aria-live), in order: what a screen reader may hear unasked. */
export function liveText(el: ProveVerifyElement): string[] {
  return [...root(el).querySelectorAll('[role="alert"], [role="status"], [aria-live]')].map((node) =>
    node.textContent.replace(/\s+/g, ' ').trim(),
  );
}

// The browser's own timer and clock, kept before a test fakes them: a wait on a state must go on
// while the element's clock is sinon's.
const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const realNow = performance.now.bind(performance);

/**
 * Waits until `predicate` holds (asked every 10 ms, by the real clock, so a fake one can run
 * meanwhile), failing with `message` after `timeout` ms: a state, never a time.
 */
export async function until(predicate: () => unknown, message: string | (() => string), timeout = 5000): Promise<void> {
  const deadline = realNow() + timeout;
  while (!(await predicate())) {
    if (realNow() > deadline) throw new Error(`Timeout: ${typeof message === 'string' ? message : message()}`);
    await new Promise((resolve) => realSetTimeout(resolve, 10));
  }
}

/**
 * Fakes the element's timers and Date (sinon's clock) from the moment it reaches `step` (its
 * `setTimeout` waits, such as those between status calls), so what it waits for from then on is
 * the clock moving; requests and rendering stay real. Answers the clock once it is there;
 * `sinon.restore()` puts the real one back.
 */
export function fakeClockFrom(el: ProveVerifyElement, step: string): () => sinon.SinonFakeTimers {
  let clock: sinon.SinonFakeTimers | undefined;
  el.addEventListener('prove-verify-step', (e) => {
    if (e.detail.step === step)
      clock ??= sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  return () => {
    if (!clock) throw new Error(`the element never reached ${step}`);
    return clock;
  };
}

/** Until the screen's heading reads `wanted` (a language loads on its own, after the first paint). */
export async function untilHeading(el: ProveVerifyElement, wanted: string): Promise<void> {
  const heading = () => root(el).querySelector('h2')?.textContent?.trim();
  await until(
    () => heading() === wanted,
    () => `the heading stayed "${heading()}"`,
  );
}

export async function untilStep(el: ProveVerifyElement, step: string): Promise<void> {
  await until(
    () => el.step === step,
    () => `step never became ${step} (still ${el.step})`,
  );
  await el.updateComplete;
}

export function focused(el: ProveVerifyElement): Element | null {
  return root(el).activeElement;
}

export async function fillDetails(el: ProveVerifyElement, first = 'Addy', last = 'Epinay', phone = '(200) 100-4010') {
  type(inputByLabel(el, 'First name'), first);
  type(inputByLabel(el, 'Last name'), last);
  type(inputByLabel(el, 'Phone number'), phone);
  await el.updateComplete;
}

export interface SentRequest {
  call: 'verify' | 'verify-status';
  method: string;
  contentType: string;
  body: Record<string, unknown>;
  /** The element gave up on the request before the backend answered. */
  aborted?: boolean;
}

export async function requestsSent(id: string): Promise<SentRequest[]> {
  return (await fetch(`/fake-backend/${id}/requests`)).json();
}

let counter = 0;
/** A backend URL unique to one test, answering as `scenario` says (see fake-backend.mjs). */
export function backendFor(scenario = 'ok'): { id: string; url: string } {
  const id = `t${Date.now().toString(36)}${counter++}`;
  return { id, url: `/fake-backend/${id}/${scenario}` };
}

/**
 * Watches what the page fetches from URLs containing `part` (the element's requests go through
 * `fetch`): `sent` holds each request as it leaves, with its signal; `read` counts the answers
 * whose body the element has read, after which what it does with one is only microtasks away.
 * `held`: the answers reach the element only after `release()`, so the step that waits for them
 * stays on screen while a test looks at it. `stop()` puts `fetch` back.
 */
export function watchFetches(part: string, { held = false } = {}) {
  const sent: { url: string; signal?: AbortSignal | null }[] = [];
  let read = 0;
  let release = () => {};
  const released = held ? new Promise<void>((resolve) => (release = resolve)) : undefined;
  const realFetch = globalThis.fetch;
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.includes(part)) return realFetch(input, init);
    sent.push({ url, signal: init?.signal });
    const response = await realFetch(input, init);
    await released;
    const text = response.text.bind(response);
    response.text = () =>
      text().then((body) => {
        read++;
        return body;
      });
    return response;
  };
  return {
    sent,
    get read() {
      return read;
    },
    release: () => release(),
    stop: () => {
      window.fetch = realFetch;
    },
  };
}
