import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { FaultBoard } from '../../../demo/server/emulator/faults.js';
import type { Flow } from '../../../demo/server/emulator/flows.js';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../../demo/server/emulator/index.js';
import { SandboxClient } from '../../../demo/server/emulator/sandbox-client.js';
import { IDLE_CLOSE_CODE, StatusHub } from '../../../demo/server/emulator/status-socket.js';
import { rawSocket, until } from './raw-socket.js';

// What a slow, silent or greedy client can hold: header and request timeouts, one socket cap over
// every address and one per client address, and status sockets that stop talking.

const ADDY = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' };

async function withEmulator(options: EmulatorOptions, run: (emu: EmulatorHandle) => Promise<void>) {
  const emu = await startEmulator({ port: 0, rateLimitPerSecond: 10_000, ...options });
  try {
    await run(emu);
  } finally {
    await emu.close();
  }
}

/** One request on a connection of its own that closes after the answer (no keep-alive to hold a place). */
function post(emu: EmulatorHandle, path: string, type: string, body: string, bearer?: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'Content-Type': type,
      ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
    };
    const req = request(
      {
        host: '127.0.0.1',
        port: emu.port,
        path,
        method: 'POST',
        headers: { Host: `localhost:${emu.port}`, ...headers },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(JSON.parse(text)));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function startDesktopFlow(emu: EmulatorHandle): Promise<{ authToken: string }> {
  const form = 'grant_type=client_credentials&client_id=demo-client-id&client_secret=demo-client-secret';
  const { access_token: bearer } = await post(emu, '/token', 'application/x-www-form-urlencoded', form);
  const flow = { ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' };
  return post(emu, '/v3/verify', 'application/json', JSON.stringify(flow), bearer);
}

/** What a test waits for comes from the server; if it never comes, fail instead of hanging. */
const BOUNDED = { timeout: 10_000 };

describe('slow or broken requests', () => {
  test('headers that never finish: 408 and the socket closes', BOUNDED, () =>
    withEmulator({ headersTimeoutMs: 200, requestTimeoutMs: 400 }, async (emu) => {
      const client = await rawSocket(emu.port);
      client.socket.write(`GET /sandbox/stats HTTP/1.1\r\nHost: localhost:${emu.port}\r\nX-Slow: `);
      const answer = await client.closed;
      assert.match(answer, /^HTTP\/1\.1 408 /);
      assert.match(answer, /\r\n\r\n\{"code":8001,"message":"the request took too long to arrive"\}$/);
    }),
  );

  test('a body that never finishes: 408 and the socket closes', BOUNDED, () =>
    withEmulator({ headersTimeoutMs: 200, requestTimeoutMs: 400 }, async (emu) => {
      const client = await rawSocket(emu.port);
      client.socket.write(
        `POST /sandbox/faults HTTP/1.1\r\nHost: localhost:${emu.port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"fau`,
      );
      assert.match(await client.closed, /^HTTP\/1\.1 408 /);
      assert.deepEqual((await new SandboxClient(emu.url).faults()).body, { armed: [] });
    }),
  );

  test('a request that is not HTTP: 400 with a message, and the socket closes', BOUNDED, () =>
    withEmulator({}, async (emu) => {
      const client = await rawSocket(emu.port);
      client.socket.write('HELLO THERE\r\n\r\n');
      assert.match(
        await client.closed,
        /^HTTP\/1\.1 400 [^]*\{"code":8001,"message":"the request is not valid HTTP"\}$/,
      );
    }),
  );

  test('a headers timeout over the request timeout, or a cap under one socket, stops the start', async () => {
    await assert.rejects(startEmulator({ port: 0, headersTimeoutMs: 500, requestTimeoutMs: 400 }), /headersTimeoutMs/);
    await assert.rejects(startEmulator({ port: 0, maxConnections: 0 }), /maxConnections/);
  });
});

describe('socket cap', () => {
  test(
    'over maxConnections a socket is closed unanswered; those inside keep working; a freed place is reused',
    BOUNDED,
    () =>
      withEmulator({ maxConnections: 3 }, async (emu) => {
        const held: Awaited<ReturnType<typeof rawSocket>>[] = [];
        for (let i = 0; i < 3; i++) held.push(await rawSocket(emu.port));
        await until(() => emu.connections() === 3, 'three sockets counted');

        const extra = await rawSocket(emu.port);
        extra.socket.write(`GET /sandbox/stats HTTP/1.1\r\nHost: localhost:${emu.port}\r\n\r\n`);
        assert.equal(await extra.closed, '', 'the fourth got no answer');
        assert.equal(emu.connections(), 3);

        held[0]!.socket.write(
          `GET /sandbox/stats HTTP/1.1\r\nHost: localhost:${emu.port}\r\nConnection: close\r\n\r\n`,
        );
        assert.match(await held[0]!.closed, /^HTTP\/1\.1 200 /);
        await until(() => emu.connections() === 2, 'the closed socket left the count');

        const answer = await fetch(`${emu.url}/sandbox/stats`, { headers: { Connection: 'close' } });
        assert.equal(answer.status, 200);
        for (const client of held) client.socket.destroy();
      }),
  );

  test('one client address holds at most maxConnectionsPerAddress; another address still gets in', BOUNDED, () =>
    withEmulator({ maxConnections: 8, maxConnectionsPerAddress: 3 }, async (emu) => {
      const held: Awaited<ReturnType<typeof rawSocket>>[] = [];
      for (let i = 0; i < 3; i++) held.push(await rawSocket(emu.port));
      await until(() => emu.connections() === 3, 'three sockets counted');
      // The fourth from the same address is closed unanswered, though the cap over all has room.
      const extra = await rawSocket(emu.port);
      extra.socket.write(`GET /sandbox/stats HTTP/1.1\r\nHost: localhost:${emu.port}\r\n\r\n`);
      assert.equal(await extra.closed, '', 'the fourth from 127.0.0.1 got no answer');
      assert.equal(emu.connections(), 3);
      // 127.0.0.2 is this machine too (all of 127/8 is loopback on Linux), but another client address.
      const other = await rawSocket(emu.port, '127.0.0.2');
      other.socket.write(`GET /sandbox/stats HTTP/1.1\r\nHost: localhost:${emu.port}\r\nConnection: close\r\n\r\n`);
      assert.match(await other.closed, /^HTTP\/1\.1 200 /);
      // A freed place of the first address is its own again.
      held[0]!.socket.destroy();
      await until(() => emu.connections() === 2, 'the closed socket left the count');
      const again = await rawSocket(emu.port);
      again.socket.write(`GET /sandbox/stats HTTP/1.1\r\nHost: localhost:${emu.port}\r\nConnection: close\r\n\r\n`);
      assert.match(await again.closed, /^HTTP\/1\.1 200 /);
      for (const client of held) client.socket.destroy();
    }),
  );

  test('by default one client address cannot take all 1,024 places: it stops at 256', BOUNDED, () =>
    withEmulator({}, async (emu) => {
      const held: Awaited<ReturnType<typeof rawSocket>>[] = [];
      try {
        for (let i = 0; i < 256; i++) held.push(await rawSocket(emu.port));
        await until(() => emu.connections() === 256, '256 sockets counted');
        const extra = await rawSocket(emu.port);
        assert.equal(await extra.closed, '', 'the 257th from one address got no answer');
        const other = await rawSocket(emu.port, '127.0.0.2');
        other.socket.write(`GET /sandbox/stats HTTP/1.1\r\nHost: localhost:${emu.port}\r\nConnection: close\r\n\r\n`);
        assert.match(await other.closed, /^HTTP\/1\.1 200 /);
      } finally {
        for (const client of held) client.socket.destroy();
      }
    }),
  );

  test('status sockets count against the cap too', BOUNDED, () =>
    withEmulator({ maxConnections: 1 }, async (emu) => {
      const { authToken } = await startDesktopFlow(emu);
      await until(() => emu.connections() === 0, 'the start calls’ sockets closed');
      const ws = new WebSocket(
        `${emu.url.replace(/^http/, 'ws')}/v1/client/status?token=${encodeURIComponent(authToken)}`,
      );
      await once(ws, 'open');
      const extra = await rawSocket(emu.port);
      extra.socket.write(`GET /sandbox/stats HTTP/1.1\r\nHost: localhost:${emu.port}\r\n\r\n`);
      assert.equal(await extra.closed, '');
      ws.close();
      await once(ws, 'close');
    }),
  );
});

describe('idle status sockets', () => {
  test('a socket that says nothing is closed with 1001 (going away); its flow goes on', BOUNDED, () =>
    withEmulator({ statusSocketIdleMs: 150 }, async (emu) => {
      const api = new SandboxClient(emu.url);
      const flow = await api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });
      const ws = new WebSocket(
        `${emu.url.replace(/^http/, 'ws')}/v1/client/status?token=${encodeURIComponent(flow.authToken)}`,
      );
      const [code] = (await once(ws, 'close')) as [number];
      assert.equal(code, IDLE_CLOSE_CODE);
      await until(() => emu.stats().sockets === 0, 'the emulator let go of the socket');
      assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'pending');
    }),
  );

  // The hub on its own, with a clock the test moves: which socket is idle is then exact.
  test('the SDK’s ping keeps a socket open; the silent one beside it is closed', BOUNDED, async () => {
    const clock = { now: 0 };
    const flow = { id: 'flow-1', possession: 'pending' } as Flow;
    const hub = new StatusHub(
      () => flow,
      new FaultBoard(),
      () => {},
      () => clock.now,
    );
    const server = createServer();
    server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/client/status?token=t`;
    const open = async () => {
      const ws = new WebSocket(url);
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      await once(ws, 'open');
      return { ws, closed };
    };
    const ping = async (ws: WebSocket) => {
      ws.send('ping');
      const [data] = (await once(ws, 'message')) as [Buffer];
      return data.toString();
    };
    try {
      const talking = await open();
      const silent = await open();
      const IDLE = 90_000;
      clock.now += IDLE - 1;
      assert.equal(await ping(talking.ws), 'pong');
      assert.equal(hub.closeIdle(IDLE), 0, 'nobody is idle yet');
      clock.now += 2;
      assert.equal(hub.closeIdle(IDLE), 1);
      assert.equal(await silent.closed, IDLE_CLOSE_CODE);
      assert.equal(talking.ws.readyState, WebSocket.OPEN);
      assert.equal(await ping(talking.ws), 'pong');
      assert.equal(hub.size, 1);
      talking.ws.close();
      await talking.closed;
    } finally {
      await hub.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
