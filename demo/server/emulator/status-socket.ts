import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_SOCKETS_PER_FLOW } from './config.js';
import { ErrorCode } from './errors.js';
import type { Flow } from './flows.js';

export const STATUS_PATH = '/v1/client/status';

/**
 * The message the SDK's status channel acts on (internal/auth-status-actions.js): `next` is
 * taken as the following step; `error` rejects. `next: "done"` rides along with the error so
 * the SDK still runs the AuthFinishStep and the backend learns the failure from VerifyStatus,
 * as it does when the client API answers `{error, next: "done"}`.
 */
export function settledMessage(flow: Flow): string | undefined {
  if (flow.possession === 'success') return JSON.stringify({ next: 'done' });
  if (flow.possession === 'failed') return JSON.stringify({ error: flow.failure, next: 'done' });
  return undefined;
}

const EXPIRED_MESSAGE = JSON.stringify({
  error: { code: ErrorCode.SESSION_EXPIRED, message: 'The verification session has expired' },
});

function refuse(socket: Duplex, status: number, reason: string): number {
  socket.on('error', () => {});
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
  return status;
}

/**
 * Desktop Instant Link: the desktop browser waits on this socket while the person opens the
 * link on the phone. Sockets are indexed by flow so a settled or expired flow closes its own.
 */
export class StatusHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  private readonly byFlow = new Map<string, Set<WebSocket>>();

  constructor(private readonly authenticate: (token: string) => Flow | undefined) {}

  get size(): number {
    let n = 0;
    for (const set of this.byFlow.values()) n += set.size;
    return n;
  }

  /** Returns the HTTP status of the handshake, for the request log. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): number {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (url.pathname !== STATUS_PATH) return refuse(socket, 404, 'Not Found');
    const token = url.searchParams.get('token');
    const flow = token ? this.authenticate(token) : undefined;
    if (!flow) return refuse(socket, 401, 'Unauthorized');
    const open = this.byFlow.get(flow.id);
    if (open && open.size >= MAX_SOCKETS_PER_FLOW) return refuse(socket, 429, 'Too Many Requests');

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {});
      const done = settledMessage(flow);
      if (done) {
        ws.send(done, () => ws.close(1000));
        return;
      }
      const set = this.byFlow.get(flow.id) ?? new Set<WebSocket>();
      set.add(ws);
      this.byFlow.set(flow.id, set);
      ws.on('message', (data, isBinary) => {
        // The SDK's keep-alive: every 30 s it sends `ping` and closes the channel if no `pong`.
        if (!isBinary && data.toString() === 'ping') ws.send('pong');
      });
      ws.on('close', () => {
        set.delete(ws);
        if (set.size === 0 && this.byFlow.get(flow.id) === set) this.byFlow.delete(flow.id);
      });
    });
    return 101;
  }

  /** Possession settled: tell every waiting socket of the flow, then close them. */
  settled(flow: Flow): void {
    const message = settledMessage(flow);
    if (message) this.finish(flow.id, message);
  }

  /** The flow left the store: the SDK rejects with this message instead of waiting forever. */
  expired(flowId: string): void {
    this.finish(flowId, EXPIRED_MESSAGE);
  }

  close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.byFlow.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private finish(flowId: string, message: string): void {
    const set = this.byFlow.get(flowId);
    if (!set) return;
    this.byFlow.delete(flowId);
    for (const ws of set) ws.send(message, () => ws.close(1000));
  }
}
