/**
 * The end-to-end stack: the demo exactly as `npm start` runs it (minus the build), one headless
 * Chromium, and the sandbox emulator's inbox (the "phone" the tests read).
 *
 *   startStack()    spawns `node --import tsx demo/server/start.ts` on free loopback ports
 *   launchBrowser() the local Chromium through playwright-core (never a downloaded browser)
 *   Inbox           GET {emulator}/sandbox/messages?phone=…
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions } from 'playwright-core';
import { freeLoopbackPort } from '../../../demo/server/loopback.js';
import { LIMIT_VARIABLES } from '../../../demo/server/app/config.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CDN_FILE = path.join(REPO_ROOT, 'dist', 'cdn', 'prove-verify.js');

/** The sandbox person of Prove's integration guide. */
export const ADDY = {
  firstName: 'Addy',
  lastName: 'Epinay',
  phone: '2001004010',
  e164: '+12001004010',
  otp: '1234',
} as const;

export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The CDN page needs dist/cdn/prove-verify.js; `npm test` builds before e2e, a lone run builds once here. */
export function ensureCdnBuild(): void {
  if (existsSync(CDN_FILE)) return;
  console.log('# dist/cdn/prove-verify.js is missing: running `npm run build` once');
  const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0 || !existsSync(CDN_FILE)) {
    throw new Error(`npm run build failed (exit ${result.status}); the CDN page cannot be tested without dist/cdn/`);
  }
}

export interface Stack {
  /** The demo backend and pages, e.g. http://localhost:41234 (what `npm start` prints). */
  appUrl: string;
  /** The sandbox emulator, e.g. http://localhost:41235. */
  emulatorUrl: string;
  inbox: Inbox;
  /** Everything the server printed, for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the process to exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/** Starts the demo as `npm start` does after its build, on free ports, and waits until it answers. */
export async function startStack(): Promise<Stack> {
  ensureCdnBuild();
  const port = await freeLoopbackPort();
  const emulatorPort = await freeLoopbackPort([port]);
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), EMULATOR_PORT: String(emulatorPort) };
  // Every test starts flows from 127.0.0.1 with the same sandbox numbers: the budgets (tested in
  // test/server/app-budgets.test.ts) would refuse them.
  for (const name of Object.values(LIMIT_VARIABLES)) env[name] = '0';
  // Emulator mode: never let a developer's real Prove credentials leak into the tests.
  delete env.PROVE_CLIENT_ID;
  delete env.PROVE_CLIENT_SECRET;
  delete env.HOST;
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/server/start.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
  );
  // If this test process dies without stop() (a runner timeout, Ctrl-C), take the demo with it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  void exited.then(() => process.off('exit', orphanGuard));

  const appUrl = `http://localhost:${port}`;
  const emulatorUrl = `http://localhost:${emulatorPort}`;
  const stack: Stack = {
    appUrl,
    emulatorUrl,
    inbox: new Inbox(emulatorUrl),
    output: () => output,
    stop: () => stopChild(child, exited),
  };
  try {
    await waitUntilAnswering(stack, child);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

async function waitUntilAnswering(stack: Stack, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the demo exited (${child.exitCode ?? child.signalCode}) before answering:\n${stack.output()}`);
    }
    // start.ts prints its banner once the emulator, the backend and /main.js are all ready.
    if (stack.output().includes('Ctrl-C to stop')) {
      const [config, inbox] = await Promise.all([
        fetch(`${stack.appUrl}/api/config`).then(
          (r) => (r.ok ? r.json() : undefined),
          () => undefined,
        ),
        fetch(`${stack.emulatorUrl}/sandbox/messages?phone=${ADDY.phone}`).then(
          (r) => r.ok,
          () => false,
        ),
      ]);
      if (config && inbox) {
        if ((config as { mode?: string }).mode !== 'emulator')
          throw new Error(`the demo is not in emulator mode: ${JSON.stringify(config)}`);
        if (stack.output().includes('did not build')) throw new Error(`demo/main.ts did not build:\n${stack.output()}`);
        return;
      }
    }
    await sleep(100);
  }
  throw new Error(`the demo did not answer within 30 s:\n${stack.output()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------

/** Flags for a headless Chromium, from scripts/find-chrome.mjs (shared with the browser tests). */
interface FindChrome {
  requireChrome: () => string;
  CHROME_ARGS: string[];
}

/** The local Chromium, driven by playwright-core; it never downloads a browser. */
export async function launchBrowser(): Promise<Browser> {
  // A computed specifier: the script is plain JS without types; its shape is declared above.
  const script = pathToFileURL(path.join(REPO_ROOT, 'scripts', 'find-chrome.mjs')).href;
  const { requireChrome, CHROME_ARGS } = (await import(script)) as FindChrome;
  return chromium.launch({ executablePath: requireChrome(), args: CHROME_ARGS });
}

// ---------------------------------------------------------------------------------------------

export interface Message {
  to: string;
  body: string;
  otp?: string;
  link?: string;
  sentAt: string;
}

/** The emulator's "simulated phone": every text it would have sent, oldest first. */
export class Inbox {
  constructor(private readonly emulatorUrl: string) {}

  async list(phone: string = ADDY.phone): Promise<Message[]> {
    const res = await fetch(`${this.emulatorUrl}/sandbox/messages?phone=${encodeURIComponent(phone)}`);
    if (!res.ok) throw new Error(`the inbox answered HTTP ${res.status}`);
    return (await res.json()) as Message[];
  }

  async count(phone: string = ADDY.phone): Promise<number> {
    return (await this.list(phone)).length;
  }

  /** Waits until more than `count` messages are there; answers the ones that arrived. */
  async after(count: number, { phone = ADDY.phone, atLeast = 1, timeout = 10_000 } = {}): Promise<Message[]> {
    const deadline = Date.now() + timeout;
    let messages: Message[] = [];
    while (Date.now() < deadline) {
      messages = await this.list(phone);
      if (messages.length >= count + atLeast) return messages.slice(count);
      await sleep(50);
    }
    throw new Error(`expected ${atLeast} new text message(s) after ${count}, the inbox holds ${messages.length}`);
  }
}

/**
 * The demo stack and the browser, started at once. When one fails, the one that started is
 * stopped before the failure is thrown, so nothing is left running.
 */
export async function startStackAndBrowser(): Promise<{ stack: Stack; browser: Browser }> {
  const [started, launched] = await Promise.allSettled([startStack(), launchBrowser()]);
  if (started.status === 'fulfilled' && launched.status === 'fulfilled')
    return { stack: started.value, browser: launched.value };
  await Promise.allSettled([
    started.status === 'fulfilled' ? started.value.stop() : undefined,
    launched.status === 'fulfilled' ? launched.value.close() : undefined,
  ]);
  throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason;
}

/** A desktop browser window. */
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };

/** An iPhone: its user agent (so Prove's SDK takes it for a phone), screen and touch. */
export const IPHONE: BrowserContextOptions = {
  userAgent: IPHONE_UA,
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
};
