/**
 * The demo page around <prove-verify>: the mode, a flow chooser, the element's events as they
 * fire, a simulated phone reading the emulator's inbox while a flow runs, and the webhook log.
 * Everything written into the page goes through textContent (never innerHTML).
 */
import '../src/prove-verify.js';

interface DemoConfig {
  mode: 'emulator' | 'prove-sandbox' | 'prove-production';
  emulatorUrl?: string;
}

interface InboxMessage {
  to: string;
  body: string;
  otp?: string;
  link?: string;
  sentAt: string | number;
}

interface WebhookEvent {
  eventId: string;
  event: string;
  eventType: string;
  eventTimestamp: string;
  identityId: string;
  receivedAt: string;
}

const EVENT_NAMES = [
  'prove-verify-step',
  'prove-verify-success',
  'prove-verify-failure',
  'prove-verify-error',
  'prove-verify-cancel',
] as const;

/** Steps after which nothing more will arrive on the phone. */
const RESTING_STEPS = new Set(['form', 'success', 'failure', 'error', 'expired']);
const POLL_MS = 1500;
/** A flow lasts at most 15 minutes (Prove's session); never poll longer than that. */
const MAX_POLL_MS = 15 * 60_000;

const $ = <T extends HTMLElement>(id: string) => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
};

const element = document.querySelector('prove-verify')!;
const modeText = $('mode');
const modeNote = $('mode-note');
const watchPhone = $<HTMLInputElement>('watch-phone');
const inbox = $<HTMLOListElement>('inbox');
const inboxStatus = $('inbox-status');
const eventsList = $<HTMLOListElement>('events');
const webhookList = $<HTMLOListElement>('webhook-events');
const webhookStatus = $('webhook-status');
const sendWebhook = $<HTMLButtonElement>('send-webhook');

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

const time = (value: string | number | Date = new Date()) => {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleTimeString();
};

// --- Mode --------------------------------------------------------------------------------------

let config: DemoConfig = { mode: 'emulator' };

async function loadConfig(): Promise<void> {
  try {
    const res = await fetch('/api/config');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    config = (await res.json()) as DemoConfig;
  } catch (error) {
    modeText.textContent = 'unknown';
    modeNote.textContent = `(could not read /api/config: ${String(error)})`;
    return;
  }
  if (config.mode === 'emulator') {
    modeText.textContent = 'Local sandbox emulator';
    modeNote.textContent = `— nothing leaves this machine; the emulator runs at ${config.emulatorUrl ?? '?'}.`;
  } else {
    modeText.textContent = config.mode === 'prove-sandbox' ? 'Prove sandbox' : 'Prove production';
    modeNote.textContent = '— real Prove; messages go to real phones, so the simulated phone is off.';
    $('phone-help').textContent = 'Only the local emulator has a simulated phone; with Prove the messages go to the real phone.';
    watchPhone.disabled = true;
    $('webhook-help').textContent =
      'Prove sends change events to /api/webhook once it is configured in the Prove Portal (it needs a public URL); "Save and Test Webhook" there sends a test.';
    $('webhook-controls').hidden = true;
  }
}

// --- Flow chooser ------------------------------------------------------------------------------

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="possession"]')) {
  radio.addEventListener('change', () => {
    if (radio.checked) element.setAttribute('possession-type', radio.value);
  });
}

// --- Events log --------------------------------------------------------------------------------

function logEvent(event: Event): void {
  const item = el('li');
  item.append(el('span', `${time()} `, 'muted'), el('span', event.type, 'event-name'));
  const detail = (event as CustomEvent).detail as unknown;
  if (detail !== undefined && detail !== null && Object.keys(detail as object).length > 0) {
    item.append(el('br'), el('code', JSON.stringify(detail)));
  }
  eventsList.append(item);
  item.scrollIntoView({ block: 'nearest' });
}

for (const name of EVENT_NAMES) document.addEventListener(name, logEvent);
$('clear-events').addEventListener('click', () => eventsList.replaceChildren());

// --- Simulated phone ---------------------------------------------------------------------------

// The person types the phone inside the element's (open) shadow root; the input event crosses it.
element.addEventListener('input', (event) => {
  const source = event.composedPath()[0];
  if (source instanceof HTMLInputElement && (source.type === 'tel' || source.autocomplete === 'tel') && source.value.trim()) {
    watchPhone.value = source.value.trim();
  }
});

let pollTimer: ReturnType<typeof setTimeout> | undefined;
let pollAbort: AbortController | undefined;
let pollUntil = 0;
let flowRunning = false;

function watchedPhone(): string {
  return watchPhone.value.trim() || '2001004010';
}

function shouldPoll(): boolean {
  return flowRunning && config.mode === 'emulator' && !!config.emulatorUrl && document.visibilityState === 'visible';
}

function startPolling(): void {
  if (!shouldPoll()) return;
  if (pollTimer !== undefined || pollAbort) return; // already polling
  pollUntil = Date.now() + MAX_POLL_MS;
  void pollOnce();
}

function stopPolling(reason: string): void {
  if (pollTimer !== undefined) clearTimeout(pollTimer);
  pollTimer = undefined;
  pollAbort?.abort();
  pollAbort = undefined;
  inboxStatus.textContent = reason;
}

async function pollOnce(): Promise<void> {
  pollTimer = undefined;
  if (!shouldPoll() || Date.now() > pollUntil) {
    stopPolling(flowRunning ? 'Paused.' : 'Idle.');
    return;
  }
  const phone = watchedPhone();
  inboxStatus.textContent = `Watching the inbox of ${phone}…`;
  const controller = new AbortController();
  pollAbort = controller;
  try {
    const url = `${config.emulatorUrl}/sandbox/messages?phone=${encodeURIComponent(phone)}`;
    const res = await fetch(url, { signal: AbortSignal.any([controller.signal, AbortSignal.timeout(5000)]) });
    if (res.ok) renderInbox((await res.json()) as InboxMessage[]);
    else inboxStatus.textContent = `The inbox answered HTTP ${res.status}; retrying.`;
  } catch (error) {
    if (controller.signal.aborted) return; // stopped meanwhile
    inboxStatus.textContent = `The emulator's inbox is not answering (${String(error)}); retrying.`;
  } finally {
    if (pollAbort === controller) pollAbort = undefined;
  }
  if (shouldPoll()) pollTimer = setTimeout(() => void pollOnce(), POLL_MS);
  else stopPolling(flowRunning ? 'Paused.' : 'Idle.');
}

let lastInbox = '';

function renderInbox(messages: InboxMessage[]): void {
  if (!Array.isArray(messages)) return;
  const key = JSON.stringify(messages);
  if (key === lastInbox) return;
  lastInbox = key;
  const items = [...messages].reverse().map((message) => {
    const item = el('li');
    item.append(el('div', `${time(message.sentAt)} to ${message.to}`, 'muted'), el('div', message.body));
    if (message.otp) {
      const code = el('div');
      code.append('Code: ', el('span', message.otp, 'otp'));
      item.append(code);
    }
    if (message.link && /^https?:\/\//i.test(message.link)) {
      const link = el('a', 'Open the Instant Link (new tab)');
      link.href = message.link;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      item.append(el('div'), link);
    }
    return item;
  });
  inbox.replaceChildren(...items);
  if (items.length === 0) inbox.append(el('li', 'No messages yet.', 'muted'));
}

element.addEventListener('prove-verify-step', (event) => {
  const step = String(event.detail.step);
  flowRunning = !RESTING_STEPS.has(step);
  if (flowRunning) startPolling();
  else if (pollTimer !== undefined || pollAbort) {
    // One last look so the final message is on screen, then stop.
    const wasRunning = config.mode === 'emulator';
    stopPolling('Idle.');
    if (wasRunning && config.emulatorUrl) void refreshInboxOnce();
  }
});
element.addEventListener('prove-verify-cancel', () => {
  flowRunning = false;
  stopPolling('Idle.');
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') startPolling();
  else stopPolling('Paused while the page is hidden.');
});
watchPhone.addEventListener('change', () => {
  lastInbox = '';
  inbox.replaceChildren();
});

async function refreshInboxOnce(): Promise<void> {
  try {
    const url = `${config.emulatorUrl}/sandbox/messages?phone=${encodeURIComponent(watchedPhone())}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (res.ok) renderInbox((await res.json()) as InboxMessage[]);
  } catch {
    // the next flow will try again
  }
}

// --- Webhooks ----------------------------------------------------------------------------------

/** Shows the stored events; answers the newest eventId ('' when none, undefined on failure). */
async function loadWebhookEvents(): Promise<string | undefined> {
  try {
    const res = await fetch('/api/webhook-events');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const { events } = (await res.json()) as { events: WebhookEvent[] };
    const items = events.map((event) => {
      const item = el('li');
      item.append(
        el('span', `${time(event.receivedAt)} `, 'muted'),
        el('span', event.eventType, 'event-name'),
        el('div', `${event.event} — identity ${event.identityId}`),
        el('div', `event ${event.eventId}`, 'muted'),
      );
      return item;
    });
    webhookList.replaceChildren(...items);
    if (items.length === 0) webhookList.append(el('li', 'No webhook events yet.', 'muted'));
    return events[0]?.eventId ?? '';
  } catch (error) {
    webhookStatus.textContent = `Could not read /api/webhook-events: ${String(error)}`;
    return undefined;
  }
}

sendWebhook.addEventListener('click', async () => {
  if (!config.emulatorUrl) return;
  sendWebhook.disabled = true;
  webhookStatus.textContent = 'Asking the emulator to send a webhook…';
  try {
    const before = await loadWebhookEvents();
    const eventType = $<HTMLSelectElement>('webhook-type').value;
    const res = await fetch(`${config.emulatorUrl}/sandbox/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ eventType }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`the emulator answered HTTP ${res.status}`);
    // The emulator answers once it has delivered (one attempt), with our backend's status.
    const sent = (await res.json()) as { delivered?: boolean; status?: number };
    const newest = await loadWebhookEvents();
    if (sent.delivered && newest && newest !== before) webhookStatus.textContent = 'Webhook received and its signature verified.';
    else if (sent.delivered) webhookStatus.textContent = 'Delivered, but no new event is listed (a repeated eventId?).';
    else webhookStatus.textContent = `Not delivered: /api/webhook answered ${sent.status ? `HTTP ${sent.status}` : 'nothing'}.`;
  } catch (error) {
    webhookStatus.textContent = `Could not send a test webhook: ${String(error)}`;
  } finally {
    sendWebhook.disabled = false;
  }
});
$('refresh-webhooks').addEventListener('click', () => void loadWebhookEvents());

void loadConfig().then(loadWebhookEvents);
