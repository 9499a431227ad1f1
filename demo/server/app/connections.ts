/**
 * What one slow or greedy client may hold of the demo app: every socket waits at most
 * `headersTimeoutMs` for its headers and `requestTimeoutMs` for its whole request (then 408 and
 * closed), and the sockets open at once are capped in all and per client address. Without these,
 * 19,900 sockets that never finished their headers were each held 35–46 s (Node looks for overdue
 * requests only every 30 s by default).
 */
import type { ServerOptions } from 'node:http';
import { ConnectionCap } from '../connection-cap.js';
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../loopback.js';
import { ConfigError } from './config.js';

/** Sockets open at once, every address together. */
const DEFAULT_MAX_CONNECTIONS = 1024;
/** Sockets open at once from one client address (IPv6: one /64). */
const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

export interface ConnectionOptions {
  /** Time to receive a request's headers before a 408 and a closed socket (default 10 s). */
  headersTimeoutMs?: number;
  /** Time to receive a whole request (default 30 s); not less than `headersTimeoutMs`. */
  requestTimeoutMs?: number;
  /** Sockets open at once, all addresses together; the next one is closed unanswered (default 1024). */
  maxConnections?: number;
  /**
   * Sockets open at once from one client address (default 256, or maxConnections when lower).
   * Behind a proxy every socket is the proxy's: raise it to maxConnections there.
   */
  maxConnectionsPerAddress?: number;
}

/** The options for `createServer` and the cap to watch each server with; ConfigError for a value that cannot work. */
export function connectionLimits(options: ConnectionOptions): { serverOptions: ServerOptions; cap: ConnectionCap } {
  const headersTimeout = positive(options.headersTimeoutMs, HEADERS_TIMEOUT_MS, 'headersTimeoutMs');
  const requestTimeout = positive(options.requestTimeoutMs, REQUEST_TIMEOUT_MS, 'requestTimeoutMs');
  if (headersTimeout > requestTimeout)
    throw new ConfigError(`headersTimeoutMs (${headersTimeout}) must not exceed requestTimeoutMs (${requestTimeout})`);
  const max = positive(options.maxConnections, DEFAULT_MAX_CONNECTIONS, 'maxConnections');
  const perAddress = positive(
    options.maxConnectionsPerAddress,
    Math.min(max, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS),
    'maxConnectionsPerAddress',
  );
  return {
    serverOptions: {
      headersTimeout,
      requestTimeout,
      // Node looks for overdue requests every 30 s by default, which would let a slow client hold
      // its socket up to 30 s past the timeouts above.
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    },
    cap: new ConnectionCap(max, perAddress),
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new ConfigError(`${name} must be a whole number, 1 or more, got ${value}`);
  return value;
}
