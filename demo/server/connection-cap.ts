import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { addressKey } from '../../src/server/client-address.js';

/**
 * One socket cap over every server of the emulator or of the demo app: each listens on 127.0.0.1
 * and ::1 with the same port, and Node's own `server.maxConnections` would count each address on
 * its own. Within it, a cap per client address (IPv6 by its /64, as the budgets count it), so that
 * one client holding sockets open (slow headers, idle keep-alive) cannot take every place and lock
 * out everyone else. A socket over either cap is closed unanswered, as `maxConnections` does;
 * status sockets count too, since they live on the same TCP connections.
 */
export class ConnectionCap {
  private open = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly maxPerAddress: number = max,
  ) {}

  get size(): number {
    return this.open;
  }

  /** Sockets open now from `address`'s key (its /64 for IPv6). */
  from(address: string): number {
    return this.byAddress.get(addressKey(address)) ?? 0;
  }

  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      // A socket whose peer is already gone has no address: it counts under one key of its own.
      const key = socket.remoteAddress ? addressKey(socket.remoteAddress) : '?';
      const held = this.byAddress.get(key) ?? 0;
      if (this.open >= this.max || held >= this.maxPerAddress) {
        socket.destroy();
        return;
      }
      this.open++;
      this.byAddress.set(key, held + 1);
      socket.once('close', () => {
        this.open--;
        const left = (this.byAddress.get(key) ?? 1) - 1;
        if (left > 0) this.byAddress.set(key, left);
        else this.byAddress.delete(key);
      });
    });
  }
}
