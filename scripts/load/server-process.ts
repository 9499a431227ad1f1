/** Starts scripts/load/server.ts in a child process and talks to it over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemoryFigures, ServerMessage, ServerRequest, ServerSettings, StoreFigures } from './server.js';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
/** A request without its id (Omit on a union would merge its members). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

const START_TIMEOUT_MS = 30_000;
const ANSWER_TIMEOUT_MS = 15_000;

export interface ServerProcess {
  appUrl: string;
  emulatorUrl: string;
  memory(gc: boolean): Promise<{ memory: MemoryFigures; stores: StoreFigures }>;
  stats(): Promise<StoreFigures>;
  stop(): Promise<void>;
}

export async function startServerProcess(settings: ServerSettings): Promise<ServerProcess> {
  const child = fork(SERVER, [JSON.stringify(settings)], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If this process dies first (a deadline, Ctrl-C), the servers go with it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', orphanGuard);
  };

  let ready: Extract<ServerMessage, { type: 'ready' }>;
  try {
    ready = await firstMessage(child);
  } catch (error) {
    await stop();
    throw error;
  }

  let nextId = 1;
  const pending = new Map<number, (message: ServerMessage) => void>();
  child.on('message', (message: ServerMessage) => {
    if ('id' in message) pending.get(message.id)?.(message);
  });
  const ask = <T extends ServerMessage>(request: Unnumbered<ServerRequest>): Promise<T> => {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the server process did not answer ${request.type}`));
      }, ANSWER_TIMEOUT_MS);
      pending.set(id, (message) => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(message as T);
      });
      child.send({ ...request, id });
    });
  };

  return {
    appUrl: ready.appUrl,
    emulatorUrl: ready.emulatorUrl,
    memory: async (gc) => {
      const { memory, stores } = await ask<Extract<ServerMessage, { type: 'memory' }>>({ type: 'memory', gc });
      return { memory, stores };
    },
    stats: async () => (await ask<Extract<ServerMessage, { type: 'stats' }>>({ type: 'stats' })).stores,
    stop,
  };
}

function firstMessage(child: ChildProcess): Promise<Extract<ServerMessage, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server process did not start within 30 s')), START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server process exited (${code}) before it was ready`));
    });
    child.once('message', (message: ServerMessage) => {
      clearTimeout(timer);
      if ('type' in message && message.type === 'ready') resolve(message);
      else
        reject(new Error(`the server process could not start: ${'message' in message ? message.message : 'unknown'}`));
    });
  });
}
