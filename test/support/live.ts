/**
 * What integration tests need around the live stack (test/support/live-stack.mjs): the emulator's
 * inbox (the "phone"), its store sizes, its fault switches, and a record of what the page fetched.
 */
import { fixture, html } from '@open-wc/testing';
import type { SmsMessage as Message } from '../../demo/server/emulator/inbox.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { buttonByName, inputByLabel, type } from './dom.js';

let emulatorUrl: string | undefined;

export async function emulator(): Promise<string> {
  emulatorUrl ??= ((await (await fetch('/live/config')).json()) as { emulatorUrl: string }).emulatorUrl;
  return emulatorUrl;
}

export async function inbox(phone = '2001004010'): Promise<Message[]> {
  return (await fetch(`${await emulator()}/sandbox/messages?phone=${phone}`)).json();
}

export async function stats(): Promise<{ sockets: number; flows: number }> {
  return (await fetch(`${await emulator()}/sandbox/stats`)).json();
}

/** The newest message that arrived after `count` messages were already there. */
export async function nextMessage(count: number, phone?: string): Promise<Message> {
  for (let i = 0; i < 100; i++) {
    const messages = await inbox(phone);
    if (messages.length > count) return messages[messages.length - 1]!;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no text message arrived');
}

/** Arms one of the emulator's fault switches (demo/server/emulator/faults.ts) for the next request(s). */
export async function armFault(fault: string, options: { times?: number; retryAfter?: number } = {}): Promise<void> {
  const response = await fetch(`${await emulator()}/sandbox/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ fault, ...options }),
  });
  if (!response.ok) throw new Error(`arming ${fault} failed: HTTP ${response.status}`);
}

export async function disarmFaults(): Promise<void> {
  await fetch(`${await emulator()}/sandbox/faults`, { method: 'DELETE' });
}

/**
 * Records every request the page makes through `fetch` (Prove's SDK and the element both use it),
 * as `METHOD path`, leaving out the tests' own calls (`/sandbox/*`, `/live/config`); requests
 * still go out. `stop()` puts `fetch` back.
 */
export function recordRequests() {
  const seen: string[] = [];
  const realFetch = globalThis.fetch;
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (!url.pathname.startsWith('/sandbox/') && url.pathname !== '/live/config') {
      seen.push(`${init?.method ?? (input instanceof Request ? input.method : 'GET')} ${url.pathname}`);
    }
    return realFetch(input, init);
  };
  return {
    seen,
    stop: () => {
      window.fetch = realFetch;
    },
  };
}

/**
 * Makes this browser a device that has proved no phone yet. The SDK keeps its Prove Key between
 * flows, and with it a later Unify flow on a phone it proved needs no code (a returning device):
 * the emulator forgets which phone each key proved, so the flow asks for the code again.
 */
export async function forgetDevice(): Promise<void> {
  const response = await fetch(`${await emulator()}/sandbox/devices`, { method: 'DELETE' });
  if (!response.ok) throw new Error(`forgetting Prove Keys failed: HTTP ${response.status}`);
}

/**
 * The element on the live backend, as a device that has proved no phone unless `keepDevice`; `backend`
 * picks `/live/api` (Unify), the one with OTP retry off, or the one on the July 2025 guide's
 * verify-status contract.
 */
export async function mountLive(
  possession: 'mobile' | 'desktop',
  attrs: {
    backend?: 'api' | 'noretry-api' | 'seed-api';
    resendAfter?: number;
    linkLifetime?: number;
    keepDevice?: boolean;
  } = {},
) {
  if (!attrs.keepDevice) await forgetDevice();
  return fixture<ProveVerifyElement>(
    html`<prove-verify backend-url="/live/${attrs.backend ?? 'api'}" possession-type=${possession} timeout="10000"
      resend-after=${attrs.resendAfter ?? 0} link-lifetime=${attrs.linkLifetime ?? 180}></prove-verify>`,
  );
}

/**
 * Types a code as a person does: a whole code submits itself at its last digit; "Confirm code" is
 * pressed only when the code has not gone (a shorter one), so nothing is submitted twice.
 */
export function enterCode(el: ProveVerifyElement, code: string): void {
  type(inputByLabel(el, /code/i), code);
  if (el.step === 'otp-entry') buttonByName(el, 'Confirm code').click();
}
