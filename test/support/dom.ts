import { waitUntil } from '@open-wc/testing';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';

export function root(el: ProveVerifyElement): ShadowRoot {
  return el.shadowRoot!;
}

/** The input a person finds by its visible label. */
export function inputByLabel(el: ProveVerifyElement, label: string | RegExp): HTMLInputElement {
  const labels = [...root(el).querySelectorAll('label')];
  const found = labels.find((l) => (typeof label === 'string' ? l.textContent!.trim() === label : label.test(l.textContent!)));
  if (!found) throw new Error(`No label "${label}" in: ${labels.map((l) => l.textContent).join(', ')}`);
  return root(el).getElementById(found.htmlFor) as HTMLInputElement;
}

export function buttonByName(el: ProveVerifyElement, name: string | RegExp): HTMLButtonElement {
  const buttons = [...root(el).querySelectorAll('button')];
  const found = buttons.find((b) => (typeof name === 'string' ? b.textContent!.trim() === name : name.test(b.textContent!)));
  if (!found) throw new Error(`No button "${name}" in: ${buttons.map((b) => b.textContent!.trim()).join(', ')}`);
  return found;
}

export function hasButton(el: ProveVerifyElement, name: string): boolean {
  return [...root(el).querySelectorAll('button')].some((b) => b.textContent!.trim() === name);
}

/** Types as a browser reports typing: the value changes, then an input event. */
export function type(input: HTMLInputElement, value: string): void {
  input.focus();
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, data: value }));
}

export function text(el: ProveVerifyElement): string {
  return root(el).textContent!.replace(/\s+/g, ' ').trim();
}

export function alertText(el: ProveVerifyElement): string | undefined {
  return root(el).querySelector('[role="alert"]')?.textContent?.replace(/\s+/g, ' ').trim();
}

export async function untilStep(el: ProveVerifyElement, step: string): Promise<void> {
  await waitUntil(() => el.step === step, `step never became ${step} (still ${el.step})`, { timeout: 5000 });
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
