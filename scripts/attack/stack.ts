/**
 * The stack under attack, in this process on 127.0.0.1 with ports picked by the system: the
 * sandbox emulator (Prove's defaults: 25 calls a second per client, 1,024 sockets), the counter of
 * what reaches it (prove-counter.ts), and the demo backend as `npm start` runs it, with its
 * default budgets. Each attack gets a new one, so one attack's spent budgets are not the next's.
 */
import { DEMO_WEBHOOK_SECRET, startApp, type RunningApp } from '../../demo/server/app/index.js';
import { startEmulator, type EmulatorHandle } from '../../demo/server/emulator/index.js';
import { ProveCounter } from './prove-counter.js';

/** The emulator's demo credentials (its defaults). */
export const CLIENT = { clientId: 'demo-client-id', clientSecret: 'demo-client-secret' } as const;

export interface ProveSide {
  emulator: EmulatorHandle;
  emulatorUrl: string;
  /** Prove's address as the backend is given it: the counter in front of the emulator. */
  proveUrl: string;
  counter: ProveCounter;
  close(): Promise<void>;
}

export interface Stack extends ProveSide {
  app: RunningApp;
  appUrl: string;
}

async function startProve(): Promise<ProveSide> {
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
  const counter = await ProveCounter.start(emulator.url).catch(async (error: unknown) => {
    await emulator.close();
    throw error;
  });
  return {
    emulator,
    emulatorUrl: emulator.url,
    proveUrl: counter.url,
    counter,
    async close() {
      await counter.close();
      await emulator.close();
    },
  };
}

async function startStack(): Promise<Stack> {
  const prove = await startProve();
  try {
    const app = await startApp({
      host: '127.0.0.1',
      port: 0,
      prove: { baseUrl: prove.proveUrl, ...CLIENT },
      mode: 'emulator',
      emulatorUrl: prove.emulatorUrl,
      webhookSecret: DEMO_WEBHOOK_SECRET,
      allowOtpRetry: true,
      static: { bundleMain: false },
    });
    return {
      ...prove,
      app,
      appUrl: app.url,
      async close() {
        await app.close();
        await prove.close();
      },
    };
  } catch (error) {
    await prove.close();
    throw error;
  }
}

/** Runs `attack` on a new stack and closes it, whatever happens. */
export async function withStack<T>(attack: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = await startStack();
  try {
    return await attack(stack);
  } finally {
    await stack.close();
  }
}

export async function withProve<T>(attack: (prove: ProveSide) => Promise<T>): Promise<T> {
  const prove = await startProve();
  try {
    return await attack(prove);
  } finally {
    await prove.close();
  }
}
