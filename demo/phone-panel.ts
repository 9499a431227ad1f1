/**
 * The "Simulated phone" panel: the texts the sandbox emulator "sent" to the watched number, for
 * the CURRENT flow only, newest first. When the page's <prove-verify> starts a new flow (its
 * `prove-verify-step` event says `starting`) the panel clears, so a code or link of an earlier
 * flow is never the one read or tapped; it says how many earlier texts it hides.
 *
 * It mounts itself on every `[data-phone-panel]` section of the page and touches the element only
 * by listening to its events, so it serves the demo page (through demo/main.ts) and the CDN page
 * (as `/phone-panel.js`, next to an element configured by attributes only) alike. It imports
 * nothing of the element. Everything written into the page goes through textContent.
 */

interface DemoConfig {
  mode: 'emulator' | 'prove-sandbox' | 'prove-production';
  emulatorUrl?: string;
}

interface InboxMessage {
  to: string;
  body: string;
  otp?: string;
  link?: string;
  /** ISO 8601, on the emulator's clock (this machine's: the demo runs the emulator locally). */
  sentAt: string | number;
}

/** Steps after which nothing more will arrive on the phone. */
const RESTING_STEPS = new Set(['form', 'success', 'failure', 'error', 'expired']);
const POLL_MS = 1500;
/** A flow lasts at most 15 minutes (Prove's session); never poll longer than that. */
const MAX_POLL_MS = 15 * 60_000;

/** A new element with its text and class. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** A time of day in the reader's locale. */
export const time = (value: string | number | Date = new Date()) => {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleTimeString();
};

let configLoad: Promise<DemoConfig | undefined> | undefined;

/** The demo's mode and the emulator's address, read once per page. */
export function demoConfig(): Promise<DemoConfig | undefined> {
  configLoad ??= fetch('/api/config').then(
    (res) => (res.ok ? (res.json() as Promise<DemoConfig>) : undefined),
    () => undefined,
  );
  return configLoad;
}

function mount(panel: HTMLElement, element: HTMLElement): void {
  const find = <T extends HTMLElement>(selector: string): T => {
    const found = panel.querySelector<T>(selector);
    if (!found) throw new Error(`the Simulated phone panel has no ${selector}`);
    return found;
  };
  const watchPhone = find<HTMLInputElement>('[data-watch-phone]');
  const inbox = find<HTMLOListElement>('[data-inbox]');
  const inboxStatus = find<HTMLElement>('[data-inbox-status]');
  const help = find<HTMLElement>('[data-phone-help]');
  const earlierNote = find<HTMLElement>('[data-earlier]');

  let config: DemoConfig | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let pollAbort: AbortController | undefined;
  let pollUntil = 0;
  let flowRunning = false;
  /** When the current flow started (this machine's clock); texts sent before belong to earlier flows. */
  let flowStartedAt: number | undefined;
  let lastInbox = '';

  const watchedPhone = () => watchPhone.value.trim() || '2001004010';
  const shouldPoll = () =>
    flowRunning && config?.mode === 'emulator' && !!config.emulatorUrl && document.visibilityState === 'visible';
  const inboxUrl = () => `${config!.emulatorUrl}/sandbox/messages?phone=${encodeURIComponent(watchedPhone())}`;

  void demoConfig().then((loaded) => {
    config = loaded;
    if (loaded && loaded.mode !== 'emulator') {
      help.textContent = 'Only the local emulator has a simulated phone; with Prove the messages go to the real phone.';
      watchPhone.disabled = true;
    }
    if (flowRunning) startPolling();
  });

  /** Empties the panel: a new flow starts, or another number is watched. */
  function clear(): void {
    lastInbox = '';
    inbox.replaceChildren();
    inbox.dataset.earlier = '0';
    earlierNote.textContent = '';
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
    inboxStatus.textContent = `Watching the inbox of ${watchedPhone()}…`;
    const controller = new AbortController();
    pollAbort = controller;
    try {
      const res = await fetch(inboxUrl(), { signal: AbortSignal.any([controller.signal, AbortSignal.timeout(5000)]) });
      if (res.ok) render((await res.json()) as InboxMessage[]);
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

  async function refreshOnce(): Promise<void> {
    if (config?.mode !== 'emulator' || !config.emulatorUrl) return;
    try {
      const res = await fetch(inboxUrl(), { signal: AbortSignal.timeout(5000) });
      if (res.ok) render((await res.json()) as InboxMessage[]);
    } catch {
      // the next flow will try again
    }
  }

  const sentAtMs = (message: InboxMessage) => new Date(message.sentAt).getTime();

  function render(messages: InboxMessage[]): void {
    if (!Array.isArray(messages)) return;
    // The current flow's texts only: an earlier flow's code or link no longer works.
    const started = flowStartedAt ?? Infinity;
    const current = messages.filter((message) => sentAtMs(message) >= started);
    const earlier = messages.length - current.length;
    const key = JSON.stringify([earlier, current]);
    if (key === lastInbox) return;
    lastInbox = key;
    const items = [...current]
      .sort((a, b) => sentAtMs(b) - sentAtMs(a))
      .map((message) => {
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
    if (items.length === 0) inbox.append(el('li', 'No messages for this flow yet.', 'muted'));
    inbox.dataset.earlier = String(earlier);
    earlierNote.textContent =
      earlier === 0
        ? ''
        : `${earlier} earlier ${earlier === 1 ? 'text' : 'texts'} from finished flows ${earlier === 1 ? 'is' : 'are'} hidden: their codes and links no longer work.`;
  }

  // The person types the phone inside the element's (open) shadow root; the input event crosses it.
  element.addEventListener('input', (event) => {
    const source = event.composedPath()[0];
    if (
      source instanceof HTMLInputElement &&
      (source.type === 'tel' || source.autocomplete.startsWith('tel')) &&
      source.value.trim()
    ) {
      watchPhone.value = source.value.trim();
    }
  });

  element.addEventListener('prove-verify-step', (event) => {
    const step = String((event as CustomEvent<{ step: string }>).detail.step);
    if (step === 'starting') {
      // A new flow: nothing of the earlier ones is shown again.
      flowStartedAt = Date.now();
      clear();
      inbox.append(el('li', 'No messages for this flow yet.', 'muted'));
    }
    flowRunning = !RESTING_STEPS.has(step);
    if (flowRunning) startPolling();
    else if (pollTimer !== undefined || pollAbort) {
      // One last look so the final message is on screen, then stop.
      stopPolling('Idle.');
      void refreshOnce();
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
    clear();
    if (flowRunning) void refreshOnce();
  });
}

for (const panel of document.querySelectorAll<HTMLElement>('[data-phone-panel]')) {
  const selector = panel.dataset.phonePanel || 'prove-verify';
  const element = document.querySelector<HTMLElement>(selector);
  if (element) mount(panel, element);
  else console.error(`The Simulated phone panel found no ${selector} to follow.`);
}
