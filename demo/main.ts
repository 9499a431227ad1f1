/**
 * The demo page around <prove-verify>: the mode, a flow chooser, the element's events as they
 * fire, the simulated phone (demo/phone-panel.ts: the current flow's texts, newest first), and the
 * webhook log. Everything written into the page goes through textContent (never innerHTML).
 */
import '../src/prove-verify.js';
import { demoConfig, el, time } from './phone-panel.js';

interface DemoConfig {
  mode: 'emulator' | 'prove-sandbox' | 'prove-production';
  emulatorUrl?: string;
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

const $ = <T extends HTMLElement>(id: string) => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
};

const element = document.querySelector('prove-verify')!;
const modeText = $('mode');
const modeNote = $('mode-note');
const eventsList = $<HTMLOListElement>('events');
const webhookList = $<HTMLOListElement>('webhook-events');
const webhookStatus = $('webhook-status');
const sendWebhook = $<HTMLButtonElement>('send-webhook');

// --- Mode --------------------------------------------------------------------------------------

let config: DemoConfig = { mode: 'emulator' };

async function loadConfig(): Promise<void> {
  const loaded = await demoConfig();
  if (!loaded) {
    modeText.textContent = 'unknown';
    modeNote.textContent = '(could not read /api/config)';
    return;
  }
  config = loaded;
  if (config.mode === 'emulator') {
    modeText.textContent = 'Local sandbox emulator';
    modeNote.textContent = `— nothing leaves this machine; the emulator runs at ${config.emulatorUrl ?? '?'}.`;
  } else {
    modeText.textContent = config.mode === 'prove-sandbox' ? 'Prove sandbox' : 'Prove production';
    modeNote.textContent = '— real Prove; messages go to real phones, so the simulated phone is off.';
    // The received events are listed only in emulator mode (they name identities): with Prove the
    // backend keeps them to itself, so the panel says where they go and lists nothing.
    $('webhook-help').textContent =
      'Prove sends change events to /api/webhook once it is configured in the Prove Portal (it needs a public URL); "Save and Test Webhook" there sends a test. Outside the emulator the backend does not list them here.';
    $('webhook-controls').hidden = true;
    webhookList.hidden = true;
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
  if (detail !== undefined && detail !== null && Object.keys(detail).length > 0) {
    item.append(el('br'), el('code', JSON.stringify(detail)));
  }
  eventsList.append(item);
  item.scrollIntoView({ block: 'nearest' });
}

for (const name of EVENT_NAMES) document.addEventListener(name, logEvent);
$('clear-events').addEventListener('click', () => eventsList.replaceChildren());

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

async function sendTestWebhook(): Promise<void> {
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
    if (sent.delivered && newest && newest !== before)
      webhookStatus.textContent = 'Webhook received and its signature verified.';
    else if (sent.delivered) webhookStatus.textContent = 'Delivered, but no new event is listed (a repeated eventId?).';
    else
      webhookStatus.textContent = `Not delivered: /api/webhook answered ${sent.status ? `HTTP ${sent.status}` : 'nothing'}.`;
  } catch (error) {
    webhookStatus.textContent = `Could not send a test webhook: ${String(error)}`;
  } finally {
    sendWebhook.disabled = false;
  }
}
sendWebhook.addEventListener('click', () => void sendTestWebhook());
$('refresh-webhooks').addEventListener('click', () => void loadWebhookEvents());

void loadConfig().then(() => (config.mode === 'emulator' ? loadWebhookEvents() : undefined));
