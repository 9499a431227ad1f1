import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * One socket cap over every server of the emulator: it listens on 127.0.0.1 and ::1 with the same
 * port, and Node's own `server.maxConnections` would count each address on its own. A socket over
 * the cap is closed unanswered, as `maxConnections` does; status sockets count too, since they
 * live on the same TCP connections.
 */
export class ConnectionCap {
  private open = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.open;
  }

  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      if (this.open >= this.max) {
        socket.destroy();
        return;
      }
      this.open++;
      socket.once('close', () => this.open--);
    });
  }
}
