/**
 * Listening on loopback, shared by the demo app, the emulator and their tests. `localhost` means
 * both 127.0.0.1 and ::1 on one port: browsers try either first, and Node's fetch may pick either.
 */
import { createServer, type Server } from 'node:http';

const NO_IPV6 = ['EADDRNOTAVAIL', 'EAFNOSUPPORT'];

/** The demo app's and the emulator's server timeouts, so a slow client ties up neither. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/**
 * How long an idle keep-alive connection stays open. Node's 5 s races the client's own idle timer
 * (undici's is the server's timeout less a margin): a client slowed down by a busy machine can send
 * on a socket the server has just closed, and read ECONNRESET. Waiting longer, the server lets the
 * client close first.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 30_000;

const errorCode = (error: unknown) => String((error as NodeJS.ErrnoException | undefined)?.code);

/** Listens and answers the port actually bound (the one picked when `port` is 0). */
function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Closes a server and every connection it still holds (keep-alive ones included). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Listens on `host`; for `localhost`, on 127.0.0.1 and (where the machine has it) ::1, one port.
 * A port free on 127.0.0.1 may be taken on ::1: only an automatic pick (port 0) can try another.
 */
export async function bindLoopback(
  makeServer: () => Server,
  host: string,
  port: number,
): Promise<{ servers: Server[]; port: number }> {
  if (host !== 'localhost') {
    const server = makeServer();
    return { servers: [server], port: await listen(server, port, host) };
  }
  for (let attempt = 0; ; attempt++) {
    const v4 = makeServer();
    const actual = await listen(v4, port, '127.0.0.1');
    const v6 = makeServer();
    try {
      await listen(v6, actual, '::1');
      return { servers: [v4, v6], port: actual };
    } catch (error) {
      if (NO_IPV6.includes(errorCode(error))) return { servers: [v4], port: actual };
      await closeServer(v4);
      if (port !== 0 || attempt >= 4) throw error;
    }
  }
}

/** A port nobody listens on right now, on 127.0.0.1 and (where the machine has it) ::1. */
export async function freeLoopbackPort(exclude: readonly number[] = []): Promise<number> {
  const probe = async (host: string, port: number) => {
    const server = createServer();
    const actual = await listen(server, port, host);
    await closeServer(server);
    return actual;
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await probe('127.0.0.1', 0);
    if (exclude.includes(port)) continue;
    const v6Free = await probe('::1', port).then(
      () => true,
      (error: unknown) => NO_IPV6.includes(errorCode(error)),
    );
    if (v6Free) return port;
  }
  throw new Error('no port is free on both loopback addresses');
}
