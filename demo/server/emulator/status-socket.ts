import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_SOCKETS_PER_FLOW } from './config.js';
import { ErrorCode } from './errors.js';
import type { FaultBoard } from './faults.js';
import { LINK_EXPIRED, type Flow } from './flows.js';

const STATUS_PATH = '/v1/client/status';

/**
 * The message the SDK's status channel acts on (internal/auth-status-actions.js): `next` is
 * taken as the following step; `error` rejects. `next: "done"` rides along with the error so
 * the SDK still runs the AuthFinishStep and the backend learns the failure from VerifyStatus,
 * as it does when the client API answers `{error, next: "done"}`.
 */
function settledMessage(flow: Flow): string | undefined {
  if (flow.possession === 'success') return JSON.stringify({ next: 'done' });
  if (flow.possession === 'failed') return JSON.stringify({ error: flow.failure, next: 'done' });
  return undefined;
}

const EXPIRED_MESSAGE = JSON.stringify({
  error: { code: ErrorCode.SESSION_EXPIRED, message: 'The verification session has expired' },
});

/**
 * No `next`: the SDK rejects authenticate() with an AuthError carrying this code and message
 * (auth-status-actions.js), as when Prove's three-minute link socket ends unanswered.
 */
const LINK_EXPIRED_MESSAGE = JSON.stringify({ error: LINK_EXPIRED });

/** The `socket-lost` fault: an abnormal close with no message. The SDK reports it as a status code. */
const SOCKET_LOST_CODE = 1011;

/** Close code for a socket that stopped talking: "going away", as a server that drops it does. */
export const IDLE_CLOSE_CODE = 1001;

/** Answers a handshake with a plain HTTP refusal; returns the status for the request log. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): number {
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
  /**
   * When each open socket last said anything, on the real clock: moving the emulator's clock
   * (as tests do for lifetimes) makes no page ping, so it must not make sockets look idle.
   */
  private readonly lastHeard = new Map<WebSocket, number>();

  constructor(
    private readonly authenticate: (token: string) => Flow | undefined,
    private readonly faults: FaultBoard,
    /** Ends the flow's newest link now (the `link-expired` fault); the store calls linkExpired back. */
    private readonly expireLinkNow: (flowId: string) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get size(): number {
    let n = 0;
    for (const set of this.byFlow.values()) n += set.size;
    return n;
  }

  /** Returns the HTTP status of the handshake, for the request log. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): number {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (url.pathname !== STATUS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const token = url.searchParams.get('token');
    const flow = token ? this.authenticate(token) : undefined;
    if (!flow) return refuseUpgrade(socket, 401, 'Unauthorized');
    const open = this.byFlow.get(flow.id);
    if (open && open.size >= MAX_SOCKETS_PER_FLOW) return refuseUpgrade(socket, 429, 'Too Many Requests');

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {});
      this.lastHeard.set(ws, this.clock());
      ws.once('close', () => this.lastHeard.delete(ws));
      const done = settledMessage(flow);
      if (done) {
        ws.send(done, () => ws.close(1000));
        return;
      }
      if (this.faults.take('socket-lost')) {
        ws.close(SOCKET_LOST_CODE);
        return;
      }
      const set = this.byFlow.get(flow.id) ?? new Set<WebSocket>();
      set.add(ws);
      this.byFlow.set(flow.id, set);
      ws.on('message', (data, isBinary) => {
        this.lastHeard.set(ws, this.clock());
        // The SDK's keep-alive: every 30 s it sends `ping` and closes the channel if no `pong`.
        if (!isBinary && (data as Buffer).toString() === 'ping') ws.send('pong');
      });
      ws.on('close', () => {
        set.delete(ws);
        if (set.size === 0 && this.byFlow.get(flow.id) === set) this.byFlow.delete(flow.id);
      });
      if (this.faults.take('link-expired')) this.expireLinkNow(flow.id);
    });
    return 101;
  }

  /**
   * A socket fault armed while sockets are open hits them at once (one use for all of them);
   * otherwise it waits for the next socket to open.
   */
  applyArmedFaults(): void {
    if (this.byFlow.size > 0 && this.faults.take('socket-lost')) {
      const open = [...this.byFlow.values()];
      this.byFlow.clear();
      for (const set of open) for (const ws of set) ws.close(SOCKET_LOST_CODE);
    }
    if (this.byFlow.size > 0 && this.faults.take('link-expired')) {
      for (const flowId of [...this.byFlow.keys()]) this.expireLinkNow(flowId);
    }
  }

  /** The flow's newest link ended unopened: the waiting SDK rejects instead of waiting on. */
  linkExpired(flowId: string): void {
    this.finish(flowId, LINK_EXPIRED_MESSAGE);
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

  /**
   * Closes every socket silent for `idleMs`: its page is gone without a goodbye, or it only holds
   * a connection open. A live SDK pings every 30 s, so it is never cut off. Returns how many.
   */
  closeIdle(idleMs: number): number {
    const cutoff = this.clock() - idleMs;
    let closed = 0;
    for (const [ws, heard] of this.lastHeard) {
      if (heard > cutoff || ws.readyState !== ws.OPEN) continue;
      ws.close(IDLE_CLOSE_CODE, 'idle');
      closed++;
    }
    return closed;
  }

  close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.byFlow.clear();
    this.lastHeard.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private finish(flowId: string, message: string): void {
    const set = this.byFlow.get(flowId);
    if (!set) return;
    this.byFlow.delete(flowId);
    for (const ws of set) ws.send(message, () => ws.close(1000));
  }
}
