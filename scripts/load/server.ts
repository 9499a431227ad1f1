/**
 * The stack a load run measures, in a process of its own so its memory is the servers' alone:
 * the sandbox emulator and the demo backend, as `npm start` runs them (one process), on free
 * loopback ports. Started by server-process.ts with its settings as one JSON argument and an IPC
 * channel; answers `memory` (after a full GC when asked) and `stats`; stops when the channel closes.
 */
import { NO_LIMITS, startApp } from '../../demo/server/app/index.js';
import { startEmulator } from '../../demo/server/emulator/index.js';

export interface ServerSettings {
  /** Lifetime of a flow at the emulator and of a session at the backend. */
  ttlMs: number;
  /** Sockets the emulator and the app each accept at once. */
  maxConnections: number;
}

export type ServerRequest = { id: number; type: 'memory'; gc: boolean } | { id: number; type: 'stats' };

export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export interface StoreFigures {
  flows: number;
  messages: number;
  sockets: number;
  connections: number;
}

export type ServerMessage =
  | { type: 'ready'; appUrl: string; emulatorUrl: string }
  | { type: 'failed'; message: string }
  | { id: number; type: 'memory'; memory: MemoryFigures; stores: StoreFigures }
  | { id: number; type: 'stats'; stores: StoreFigures };

const send = (message: ServerMessage) => process.send!(message);

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? '{}') as ServerSettings;
  const emulator = await startEmulator({
    port: 0,
    // Prove's 25 a second per client id would be the only thing measured: every start comes
    // from the one backend.
    rateLimitPerSecond: 1_000_000,
    flowTtlMs: settings.ttlMs,
    otpTtlMs: settings.ttlMs,
    linkTtlMs: settings.ttlMs,
    // Expired flows leave at the next sweep; a short one lets "after expiry" come seconds later.
    sweepIntervalMs: 1000,
    maxConnections: settings.maxConnections,
    // Every flow of the run comes from this machine's one address.
    maxConnectionsPerAddress: settings.maxConnections,
  });
  const app = await startApp({
    port: 0,
    prove: { baseUrl: emulator.url, clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
    mode: 'emulator',
    emulatorUrl: emulator.url,
    allowOtpRetry: true,
    flowTtlMs: settings.ttlMs,
    // Every flow comes from 127.0.0.1 for one sandbox number: the start budgets would refuse all
    // but the first few, and they are what the run would measure.
    limits: NO_LIMITS,
    static: { bundleMain: false },
    maxConnections: settings.maxConnections,
    maxConnectionsPerAddress: settings.maxConnections,
  }).catch(async (error: unknown) => {
    await emulator.close();
    throw error;
  });

  const stores = (): StoreFigures => {
    const { flows, messages, sockets } = emulator.stats();
    return { flows, messages, sockets, connections: emulator.connections() };
  };
  process.on('message', (request: ServerRequest) => {
    if (request.type === 'stats') {
      send({ id: request.id, type: 'stats', stores: stores() });
      return;
    }
    if (request.gc) {
      // Twice: the first pass can leave objects that only the next one finds unreachable.
      globalThis.gc?.();
      globalThis.gc?.();
    }
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    send({ id: request.id, type: 'memory', memory: { rss, heapUsed, heapTotal, external }, stores: stores() });
  });
  process.once('disconnect', () => {
    void Promise.allSettled([app.close(), emulator.close()]).then(() => process.exit(0));
  });
  send({ type: 'ready', appUrl: app.url, emulatorUrl: emulator.url });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
