/**
 * HTTP as many clients at once: on Linux every 127.x.y.z is this machine, so binding a request's
 * socket to another loopback source address (`localAddress`) makes it another client address
 * to the servers, with no setup. One keep-alive agent per source address, destroyed by
 * `closeAgents` so the run leaves no socket behind.
 */
import { Agent, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when there was none or it was not JSON. */
  body: any;
}

/** Connection failures and timeouts answer this status, so a refused socket counts as refused. */
const NO_ANSWER = 0;

const agents = new Map<string, Agent>();

function agentFor(from: string): Agent {
  let agent = agents.get(from);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 32, localAddress: from });
    agents.set(from, agent);
  }
  return agent;
}

export function closeAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

export interface SendOptions {
  method?: string;
  /** The source address (a 127.x.y.z), default 127.0.0.1. */
  from?: string;
  headers?: OutgoingHttpHeaders;
  /** Sent as JSON. */
  body?: unknown;
  timeoutMs?: number;
}

export function send(url: string, options: SendOptions = {}): Promise<Answer> {
  const target = new URL(url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: OutgoingHttpHeaders = { ...options.headers };
  if (payload !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
        headers,
        agent: agentFor(options.from ?? '127.0.0.1'),
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          let body: unknown;
          try {
            body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? NO_ANSWER, headers: res.headers, body });
        });
        res.on('error', () => resolve({ status: NO_ANSWER, headers: {}, body: undefined }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', () => resolve({ status: NO_ANSWER, headers: {}, body: undefined }));
    req.end(payload);
  });
}

/** Retry-After in seconds, when the answer has one. */
export function retryAfter(answer: Answer): number | undefined {
  const value = Number(answer.headers['retry-after']);
  return Number.isFinite(value) && answer.headers['retry-after'] !== undefined ? value : undefined;
}

/** `429 rate_limited (Retry-After 600)`, `200`, `no answer`: how an answer is printed. */
export function describe(answer: Answer): string {
  if (answer.status === NO_ANSWER) return 'no answer';
  const code = typeof answer.body?.code === 'string' ? ` ${answer.body.code}` : '';
  const wait = retryAfter(answer);
  return `${answer.status}${code}${wait === undefined ? '' : ` (Retry-After ${wait})`}`;
}
