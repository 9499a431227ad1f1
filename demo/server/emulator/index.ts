import { createServer } from 'node:http';
import { ConnectionCap } from '../connection-cap.js';
import {
  bindLoopback,
  closeServer,
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
} from '../loopback.js';
import { TokenSigner } from './auth-token.js';
import { flowForToken } from './client-api.js';
import {
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  DEFAULT_MAX_FLOWS,
  DEFAULT_RATE_LIMIT_PER_SECOND,
  FLOW_TTL_MS,
  LINK_TTL_MS,
  OTP_TTL_MS,
  STATUS_SOCKET_IDLE_MS,
  SWEEP_INTERVAL_MS,
  isLoopbackHost,
  normalizeOrigin,
  type EmulatorConfig,
  type EmulatorOptions,
} from './config.js';
import { answerClientError } from './client-error.js';
import { credentialScopes } from './credentials.js';
import { DeviceStore } from './devices.js';
import { PossessionLedger } from './proofs.js';
import type { EmulatorContext } from './context.js';
import { originSet } from './cors.js';
import { FaultBoard } from './faults.js';
import { FlowStore } from './flows.js';
import { Inbox } from './inbox.js';
import { RateLimiter } from './rate-limit.js';
import { createRequestHandler } from './router.js';
import { storeSizes } from './sandbox-api.js';
import { hostAllowed, normalizeHosts, servedHosts } from './host-check.js';
import { StatusHub, refuseUpgrade } from './status-socket.js';

export type { EmulatorOptions } from './config.js';
export { loopbackOrigins } from './cors.js';

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
  /** TCP connections open now, over every address (what maxConnections caps). */
  connections(): number;
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
  const sandboxOrigins = originSet(options.sandboxOrigins);
  const extraHosts = normalizeHosts(options.allowedHosts);
  const headersTimeout = positive(options.headersTimeoutMs, HEADERS_TIMEOUT_MS, 'headersTimeoutMs');
  const requestTimeout = positive(options.requestTimeoutMs, REQUEST_TIMEOUT_MS, 'requestTimeoutMs');
  if (headersTimeout > requestTimeout) throw new Error('headersTimeoutMs must not exceed requestTimeoutMs');
  const maxConnections = positive(options.maxConnections, DEFAULT_MAX_CONNECTIONS, 'maxConnections');
  const cap = new ConnectionCap(
    maxConnections,
    positive(
      options.maxConnectionsPerAddress,
      Math.min(maxConnections, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS),
      'maxConnectionsPerAddress',
    ),
  );
  const statusSocketIdleMs = positive(options.statusSocketIdleMs, STATUS_SOCKET_IDLE_MS, 'statusSocketIdleMs');
  const sweepIntervalMs = positive(options.sweepIntervalMs, SWEEP_INTERVAL_MS, 'sweepIntervalMs');

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
    const server = createServer(
      {
        headersTimeout,
        requestTimeout,
        // Node looks for overdue requests every 30 s by default, which would let a slow client
        // hold its socket up to 30 s past the timeouts above.
        connectionsCheckingInterval: Math.min(1000, headersTimeout),
        keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      },
      (req, res) => void handler(req, res),
    );
    cap.watch(server);
    server.on('upgrade', (req, socket, head) => {
      try {
        const code = hostAllowed(req, ctx.config.allowedHosts)
          ? status.handleUpgrade(req, socket, head)
          : refuseUpgrade(socket, 421, 'Misdirected Request');
        options.log?.(`GET websocket ${code}`);
      } catch {
        socket.destroy();
      }
    });
    server.on('clientError', answerClientError);
    return server;
  };

  const defaults = {
    clientId: options.clientId ?? 'demo-client-id',
    clientSecret: options.clientSecret ?? 'demo-client-secret',
  };
  // Checked before binding, so a bad credential leaves no listener behind.
  const credentials = credentialScopes(defaults, options.credentials);
  const maxFlows = options.maxFlows ?? DEFAULT_MAX_FLOWS;
  const devices = new DeviceStore(maxFlows);
  const proofs = new PossessionLedger(now, lifetimes.flowTtlMs, maxFlows);

  const { servers, port } = await bindLoopback(makeServer, host, options.port ?? 8081);
  const url = urlFor(host, port);
  const config: EmulatorConfig = {
    port,
    host,
    publicOrigin: publicOrigin ?? url,
    mobileAuthOrigin:
      options.mobileAuthOrigin === undefined ? (publicOrigin ?? url) : normalizeOrigin(options.mobileAuthOrigin),
    ...defaults,
    credentials,
    now,
    webhookUrl: options.webhookUrl,
    webhookSecret: options.webhookUrl ? (options.webhookSecret ?? 'demo-webhook-secret') : options.webhookSecret,
    maxFlows: options.maxFlows ?? DEFAULT_MAX_FLOWS,
    log: options.log,
    ...lifetimes,
    rateLimitPerSecond,
    sandboxOrigins,
    allowedHosts: servedHosts(host, port, publicOrigin ?? url, extraHosts),
  };
  const rate = new RateLimiter(rateLimitPerSecond);
  Object.assign(ctx, {
    config,
    signer: new TokenSigner(),
    flows,
    inbox,
    devices,
    proofs,
    status,
    faults,
    rate,
    pending: new Set(),
  });

  const sweep = () => {
    rate.sweep();
    proofs.sweep();
    return flows.sweep();
  };
  const sweeper = setInterval(sweep, sweepIntervalMs);
  sweeper.unref();
  // A few looks per idle period: a silent socket goes between 1 and 1⅓ periods after its last word.
  const idleCheck = setInterval(() => status.closeIdle(statusSocketIdleMs), Math.max(50, statusSocketIdleMs / 3));
  idleCheck.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    sweep,
    stats: () => storeSizes(ctx),
    connections: () => cap.size,
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        clearInterval(idleCheck);
        for (const abort of ctx.pending) abort.abort();
        await status.close();
        await Promise.all(servers.map(closeServer));
        flows.clear();
        inbox.clear();
        devices.clear();
        proofs.clear();
        faults.disarmAll();
      })();
      return closing;
    },
  };
}
