/**
 * What reaches Prove, counted where Prove would see it: a pass-through proxy between the backend
 * and the emulator's server API. The backend is given the proxy's address as Prove's; each call
 * is logged with its path, when it arrived and what the emulator answered (its 429 is Prove's
 * "above 25 requests a second"). The browser's calls (Prove's client API, the texts) go to the
 * emulator directly: the token names the emulator's own origin.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../../demo/server/loopback.js';

export interface ProveCall {
  path: string;
  /** performance.now() when it arrived. */
  at: number;
  /** The emulator's answer (0: it gave none). */
  status: number;
}

export type CallFilter = (call: ProveCall) => boolean;

// The backends here speak Unify (the default contract): a start is /v3/unify; a status call is
// /v3/unify-status, then /v3/verify (the identity check) once possession is proved.
export const isStart: CallFilter = (call) => call.path === '/v3/unify';
export const isStatus: CallFilter = (call) => call.path === '/v3/unify-status' || call.path === '/v3/verify';

export class ProveCounter {
  readonly url: string;
  readonly #calls: ProveCall[];
  readonly #server: ReturnType<typeof createServer>;
  readonly #upstream: Agent;

  private constructor(calls: ProveCall[], server: ReturnType<typeof createServer>, upstream: Agent, url: string) {
    this.#calls = calls;
    this.#server = server;
    this.#upstream = upstream;
    this.url = url;
  }

  static async start(emulatorUrl: string): Promise<ProveCounter> {
    const target = new URL(emulatorUrl);
    const upstream = new Agent({ keepAlive: true, maxSockets: 256 });
    const calls: ProveCall[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const call: ProveCall = { path: (req.url ?? '/').split('?')[0]!, at: performance.now(), status: 0 };
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          // The emulator answers only its own Host.
          headers: { ...req.headers, host: target.host },
          agent: upstream,
        },
        (answer) => {
          call.status = answer.statusCode ?? 0;
          calls.push(call);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => {
        calls.push(call);
        res.destroy();
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ProveCounter(calls, server, upstream, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  /** Calls that match, arrived at or after `since` (performance.now()). */
  calls(filter: CallFilter = () => true, since = 0): ProveCall[] {
    return this.#calls.filter((call) => call.at >= since && filter(call));
  }

  /** The most calls that arrived within any one second. */
  peakPerSecond(filter: CallFilter, since = 0): number {
    const times = this.calls(filter, since)
      .map((call) => call.at)
      .sort((a, b) => a - b);
    let peak = 0;
    for (let first = 0, last = 0; last < times.length; last++) {
      while (times[last]! - times[first]! >= 1000) first++;
      peak = Math.max(peak, last - first + 1);
    }
    return peak;
  }

  /** Forgets the log (a memory measurement must not count it). */
  clear(): void {
    this.#calls.length = 0;
  }

  async close(): Promise<void> {
    await closeServer(this.#server);
    this.#upstream.destroy();
  }
}
