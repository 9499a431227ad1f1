import { createServer } from 'node:http';
import { bindLoopback, closeServer } from '../loopback.js';
import { TokenSigner } from './auth-token.js';
import { flowForToken } from './client-api.js';
import {
  DEFAULT_MAX_FLOWS,
  DEFAULT_RATE_LIMIT_PER_SECOND,
  FLOW_TTL_MS,
  LINK_TTL_MS,
  OTP_TTL_MS,
  SWEEP_INTERVAL_MS,
  isLoopbackHost,
  normalizeOrigin,
  type EmulatorConfig,
  type EmulatorOptions,
} from './config.js';
import type { EmulatorContext } from './context.js';
import { FaultBoard } from './faults.js';
import { FlowStore } from './flows.js';
import { Inbox } from './inbox.js';
import { RateLimiter } from './rate-limit.js';
import { createRequestHandler } from './router.js';
import { storeSizes } from './sandbox-api.js';
import { StatusHub } from './status-socket.js';

export type { EmulatorOptions } from './config.js';
export { SANDBOX_OTP, SANDBOX_OWNERS } from './sandbox-rules.js';
export { ErrorCode } from './errors.js';
export { FAULT_NAMES, type FaultName } from './faults.js';

export interface EmulatorHandle {
  /** Where this process can reach the emulator, e.g. http://localhost:8081. */
  url: string;
  port: number;
  /** Ends every socket, timer and listener. */
  close(): Promise<void>;
  /**
   * Runs the expiry sweep now (it also runs every 30 s, and each link has its own timer):
   * ends expired newest links and drops expired flows; returns how many flows it dropped.
   */
  sweep(): number;
  /** Sizes of the in-memory stores, for tests and load checks. */
  stats(): { flows: number; links: number; messages: number; sockets: number };
}


function urlFor(host: string, port: number): string {
  if (host === 'localhost') return `http://localhost:${port}`;
  const bare = host.replace(/^\[|\]$/g, '');
  return bare.includes(':') ? `http://[${bare}]:${port}` : `http://${bare}:${port}`;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new Error(`${name} must be a positive number, got ${value}`);
  return value;
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
  const faults = new FaultBoard();
  const lifetimes = {
    otpTtlMs: positive(options.otpTtlMs, OTP_TTL_MS, 'otpTtlMs'),
    linkTtlMs: positive(options.linkTtlMs, LINK_TTL_MS, 'linkTtlMs'),
    flowTtlMs: positive(options.flowTtlMs, FLOW_TTL_MS, 'flowTtlMs'),
  };
  const rateLimitPerSecond = positive(options.rateLimitPerSecond, DEFAULT_RATE_LIMIT_PER_SECOND, 'rateLimitPerSecond');
  const status = new StatusHub(
    (token) => flowForToken(ctx, token),
    faults,
    (flowId) => {
      const flow = flows.get(flowId);
      if (flow) flows.expireLink(flow, true);
    },
  );
  const flows = new FlowStore(
    now,
    options.maxFlows ?? DEFAULT_MAX_FLOWS,
    {
      onDrop: (flow) => {
        inbox.dropFlow(flow.id);
        status.expired(flow.id);
      },
      onSettled: (flow) => status.settled(flow),
      onLinkExpired: (flow) => status.linkExpired(flow.id),
    },
    lifetimes,
  );
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

  const { servers, port } = await bindLoopback(makeServer, host, options.port ?? 8081);
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
    ...lifetimes,
    rateLimitPerSecond,
  };
  const rate = new RateLimiter(rateLimitPerSecond);
  Object.assign(ctx, { config, signer: new TokenSigner(), flows, inbox, status, faults, rate, pending: new Set() });

  const sweeper = setInterval(() => flows.sweep(), SWEEP_INTERVAL_MS);
  sweeper.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    sweep: () => flows.sweep(),
    stats: () => storeSizes(ctx),
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        for (const abort of ctx.pending) abort.abort();
        await status.close();
        await Promise.all(servers.map(closeServer));
        flows.clear();
        inbox.clear();
        faults.disarmAll();
      })();
      return closing;
    },
  };
}
