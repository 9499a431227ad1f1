// What a slow or greedy client can hold of the demo app: sockets that never finish their headers
// are closed after headersTimeoutMs (not 30 s later, when Node would look by default), and one
// client address holds at most maxConnectionsPerAddress sockets while another still gets in.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AppOptions, RunningApp } from '../../../demo/server/app/index.js';
import { connectionLimits } from '../../../demo/server/app/connections.js';
import { startAppOn, startStubProve, type StubProve } from '../../server/app-helpers.js';
import { rawSocket, until } from './raw-socket.js';

let stub: StubProve;
before(async () => {
  stub = await startStubProve();
});
after(async () => {
  await stub.close();
});

async function withApp(options: AppOptions, run: (app: RunningApp) => Promise<void>) {
  const app = await startAppOn(stub, options);
  try {
    await run(app);
  } finally {
    await app.close();
  }
}

const getConfig = (port: number) => `GET /api/config HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`;

/** What a test waits for comes from the server; if it never comes, fail instead of hanging. */
const BOUNDED = { timeout: 10_000 };

describe('the demo app under slow or greedy clients', () => {
  test('the defaults: headers in 10 s, a request in 30 s, 1,024 sockets, 256 from one address', () => {
    const { serverOptions } = connectionLimits({});
    assert.equal(serverOptions.headersTimeout, 10_000);
    assert.equal(serverOptions.requestTimeout, 30_000);
    assert.equal(serverOptions.connectionsCheckingInterval, 1000);
    for (const bad of [
      { headersTimeoutMs: 0 },
      { maxConnections: 1.5 },
      { maxConnectionsPerAddress: -1 },
      { headersTimeoutMs: 2000, requestTimeoutMs: 1000 },
    ]) {
      assert.throws(
        () => connectionLimits(bad),
        (e: Error) => e.name === 'ConfigError',
        JSON.stringify(bad),
      );
    }
  });

  test('sockets whose headers never finish are answered 408 and closed after headersTimeoutMs', BOUNDED, () =>
    withApp({ headersTimeoutMs: 500, requestTimeoutMs: 1000 }, async (app) => {
      const started = performance.now();
      const slow = await Promise.all(Array.from({ length: 20 }, () => rawSocket(app.port)));
      for (const client of slow)
        client.socket.write(`GET /api/config HTTP/1.1\r\nHost: 127.0.0.1:${app.port}\r\nX-Slow: `);
      const answers = await Promise.all(slow.map((client) => client.closed));
      const heldMs = performance.now() - started;
      for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 408 /);
      assert.ok(heldMs >= 400 && heldMs < 2500, `held ${Math.round(heldMs)} ms`);
      await until(() => app.connections() === 0, 'every slow socket left the count');
    }),
  );

  test(
    'one client address holds at most maxConnectionsPerAddress sockets; another address still gets in',
    BOUNDED,
    () =>
      withApp({ maxConnections: 8, maxConnectionsPerAddress: 3 }, async (app) => {
        const held = [];
        for (let i = 0; i < 3; i++) held.push(await rawSocket(app.port));
        await until(() => app.connections() === 3, 'three sockets counted');
        const extra = await rawSocket(app.port);
        extra.socket.write(getConfig(app.port));
        assert.equal(await extra.closed, '', 'the fourth from 127.0.0.1 got no answer');
        assert.equal(app.connections(), 3);
        // 127.0.0.2 is this machine too (all of 127/8 is loopback on Linux), but another client address.
        const other = await rawSocket(app.port, '127.0.0.2');
        other.socket.write(getConfig(app.port));
        assert.match(await other.closed, /^HTTP\/1\.1 200 /);
        held[0]!.socket.destroy();
        await until(() => app.connections() === 2, 'the closed socket left the count');
        const again = await rawSocket(app.port);
        again.socket.write(getConfig(app.port));
        assert.match(await again.closed, /^HTTP\/1\.1 200 /);
        for (const client of held) client.socket.destroy();
      }),
  );

  test('the cap over every address holds too', BOUNDED, () =>
    withApp({ maxConnections: 4, maxConnectionsPerAddress: 3 }, async (app) => {
      const held = [];
      for (let i = 0; i < 3; i++) held.push(await rawSocket(app.port));
      held.push(await rawSocket(app.port, '127.0.0.2'));
      await until(() => app.connections() === 4, 'four sockets counted');
      const extra = await rawSocket(app.port, '127.0.0.3');
      extra.socket.write(getConfig(app.port));
      assert.equal(await extra.closed, '');
      for (const client of held) client.socket.destroy();
    }),
  );
});
