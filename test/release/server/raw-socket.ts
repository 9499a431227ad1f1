/** Raw TCP clients for the connection tests of the demo app and the emulator (caps, slow headers). */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';

/**
 * A raw TCP client that keeps everything the server sends; `from` another loopback address
 * (127.0.0.2) is another client.
 */
export async function rawSocket(port: number, from?: string) {
  const socket = connect({ port, host: '127.0.0.1', ...(from ? { localAddress: from } : {}) });
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  const closed = once(socket, 'close').then(() => received);
  await once(socket, 'connect');
  return { socket, closed, received: () => received };
}

/** Waits (bounded by count, not by a clock) until `check` holds: the server sees sockets come and go asynchronously. */
export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`never: ${what}`);
}
