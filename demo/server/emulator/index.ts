import { createServer, type Server } from 'node:http';
import { TokenSigner } from './auth-token.js';
import { flowForToken } from './client-api.js';
import {
  DEFAULT_MAX_FLOWS,
  SWEEP_INTERVAL_MS,
  isLoopbackHost,
  normalizeOrigin,
  type EmulatorConfig,
  type EmulatorOptions,
} from './config.js';
import type { EmulatorContext } from './context.js';
import { FlowStore } from './flows.js';
import { Inbox } from './inbox.js';
import { createRequestHandler } from './router.js';
import { StatusHub } from './status-socket.js';

export type { EmulatorOptions } from './config.js';
export { SANDBOX_OTP, SANDBOX_OWNERS } from './sandbox-rules.js';
export { ErrorCode } from './errors.js';

export interface EmulatorHandle {
  /** Where this process can reach the emulator, e.g. http://localhost:8081. */
  url: string;
  port: number;
  /** Ends every socket, timer and listener. */
  close(): Promise<void>;
  /** Runs the expiry sweep now (it also runs every 30 s); returns how many flows it dropped. */
  sweep(): number;
  /** Sizes of the in-memory stores, for tests and load checks. */
  stats(): { flows: number; links: number; messages: number; sockets: number };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });

const hasCode = (error: unknown, ...codes: string[]) =>
  typeof error === 'object' && error !== null && codes.includes(String((error as { code?: unknown }).code));

/**
 * 'localhost' binds both loopbacks on one port: browsers try ::1 and 127.0.0.1 in either
 * order, and Node's own fetch may pick either. A machine without IPv6 keeps just 127.0.0.1.
 */
async function bind(makeServer: () => Server, host: string, port: number): Promise<{ servers: Server[]; port: number }> {
  if (host !== 'localhost') {
    const server = makeServer();
    return { servers: [server], port: await listen(server, port, host) };
  }
  for (let attempt = 0; ; attempt++) {
    const v4 = makeServer();
    const actual = await listen(v4, port, '127.0.0.1');
    const v6 = makeServer();
    try {
      await listen(v6, actual, '::1');
      return { servers: [v4, v6], port: actual };
    } catch (error) {
      if (hasCode(error, 'EADDRNOTAVAIL', 'EAFNOSUPPORT')) return { servers: [v4], port: actual };
      await closeServer(v4);
      // A free IPv4 port may be taken on ::1; only an automatic pick can try another.
      if (port !== 0 || attempt >= 4) throw error;
    }
  }
}

function urlFor(host: string, port: number): string {
  if (host === 'localhost') return `http://localhost:${port}`;
  const bare = host.replace(/^\[|\]$/g, '');
  return bare.includes(':') ? `http://[${bare}]:${port}` : `http://${bare}:${port}`;
}

/** Starts a local stand-in for Prove's sandbox: server API, client API, status socket, inbox. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const host = options.host ?? 'localhost';
  if (!isLoopbackHost(host)) throw new Error(`The emulator only binds loopback addresses, not ${host}`);
  const now = options.now ?? Date.now;
  // Checked before binding, so a bad value leaves no listener behind.
  const publicOrigin = options.publicOrigin === undefined ? undefined : normalizeOrigin(options.publicOrigin);

  // The context is filled in once the port is known; handlers only run after that.
  const ctx = {} as EmulatorContext;
  const inbox = new Inbox();
  const status = new StatusHub((token) => flowForToken(ctx, token));
  const flows = new FlowStore(now, options.maxFlows ?? DEFAULT_MAX_FLOWS, {
    onDrop: (flow) => {
      inbox.dropFlow(flow.id);
      status.expired(flow.id);
    },
    onSettled: (flow) => status.settled(flow),
  });
  const handler = createRequestHandler(ctx);
  const makeServer = () => {
    const server = createServer(handler);
    server.on('upgrade', (req, socket, head) => {
      try {
        const code = status.handleUpgrade(req, socket, head);
        options.log?.(`GET websocket ${code}`);
      } catch {
        socket.destroy();
      }
    });
    server.on('clientError', (_error, socket) => socket.destroy());
    return server;
  };

  const { servers, port } = await bind(makeServer, host, options.port ?? 8081);
  const url = urlFor(host, port);
  const config: EmulatorConfig = {
    port,
    host,
    publicOrigin: publicOrigin ?? url,
    clientId: options.clientId ?? 'demo-client-id',
    clientSecret: options.clientSecret ?? 'demo-client-secret',
    now,
    webhookUrl: options.webhookUrl,
    webhookSecret: options.webhookUrl ? (options.webhookSecret ?? 'demo-webhook-secret') : options.webhookSecret,
    maxFlows: options.maxFlows ?? DEFAULT_MAX_FLOWS,
    log: options.log,
  };
  Object.assign(ctx, { config, signer: new TokenSigner(), flows, inbox, status, pending: new Set() });

  const sweeper = setInterval(() => flows.sweep(), SWEEP_INTERVAL_MS);
  sweeper.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    sweep: () => flows.sweep(),
    stats: () => ({ flows: flows.size, links: flows.linkCount, messages: inbox.size, sockets: status.size }),
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        for (const abort of ctx.pending) abort.abort();
        await status.close();
        await Promise.all(servers.map(closeServer));
        flows.clear();
        inbox.clear();
      })();
      return closing;
    },
  };
}
