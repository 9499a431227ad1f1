import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { startEmulator, type EmulatorHandle } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';

// Who may talk to the emulator: the Host it serves (DNS rebinding), the pages allowed on
// /sandbox/* (the inbox holds every code), and JSON bodies where JSON is read.

const ADDY = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' };
/** The demo app's page: the one origin allowed on /sandbox/*. */
const APP = 'http://localhost:8080';
/** Any other site's page: it may use the client API (the SDK runs there), not the sandbox. */
const OTHER = 'https://attacker.example';

let emu: EmulatorHandle;
let api: SandboxClient;

before(async () => {
  emu = await startEmulator({
    port: 0,
    rateLimitPerSecond: 10_000,
    sandboxOrigins: [APP],
    publicOrigin: 'https://tunnel.example',
    allowedHosts: ['emulator.test:8443'],
  });
  api = new SandboxClient(emu.url);
});
after(() => emu.close());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One request with exactly the headers given (fetch will not send a made-up Host). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: emu.port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const localHost = () => `localhost:${emu.port}`;

describe('Host', () => {
  test('answers the loopback names with its port, publicOrigin’s host and allowedHosts', async () => {
    for (const host of [
      `localhost:${emu.port}`,
      `127.0.0.1:${emu.port}`,
      `[::1]:${emu.port}`,
      `LOCALHOST:${emu.port}`,
      'tunnel.example',
      'emulator.test:8443',
    ]) {
      const answer = await raw('GET', '/', { Host: host });
      assert.equal(answer.status, 200, host);
    }
  });

  test('a name it does not serve gets 421 with a message, whatever the path (DNS rebinding)', async () => {
    const { authToken } = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
    const hosts = [
      `attacker.example:${emu.port}`,
      'attacker.example',
      `localhost:${emu.port + 1}`,
      'localhost',
      `tunnel.example:${emu.port}`,
      'emulator.test',
    ];
    for (const host of hosts) {
      const inbox = await raw('GET', '/sandbox/messages?phone=2001004010', { Host: host, Origin: APP });
      assert.equal(inbox.status, 421, host);
      assert.deepEqual(inbox.body, { code: 1020, message: 'this server does not answer for that Host' });
      assert.equal(inbox.headers['access-control-allow-origin'], undefined, 'nothing for the page to read');
      const send = await raw(
        'POST',
        '/v1/client/mobile/otp/start',
        {
          Host: host,
          Authorization: `Bearer ${authToken}`,
          'Content-Type': 'application/json',
        },
        '{}',
      );
      assert.equal(send.status, 421, host);
    }
    assert.deepEqual((await api.messages(ADDY.phoneNumber)).body, [], 'no code was sent');
  });

  test('a request without Host is refused too', async () => {
    const socket = connect(emu.port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.end('GET /sandbox/messages?phone=2001004010 HTTP/1.0\r\n\r\n');
    await once(socket, 'close');
    assert.match(text, /^HTTP\/1\.1 421 /);
  });

  test('the status socket’s handshake is checked too', async () => {
    const { authToken } = await api.startFlow({
      ...ADDY,
      possessionType: 'desktop',
      finalTargetUrl: 'https://example.com/',
    });
    const url = `ws://127.0.0.1:${emu.port}/v1/client/status?token=${encodeURIComponent(authToken)}`;
    const refused = new WebSocket(url, { headers: { Host: `attacker.example:${emu.port}` } });
    refused.on('error', () => {});
    const status = await new Promise<number>((resolve) => {
      refused.once('open', () => resolve(101));
      refused.once('unexpected-response', (request: { destroy(): void }, response: { statusCode: number }) => {
        request.destroy();
        resolve(response.statusCode);
      });
    });
    refused.terminate();
    assert.equal(status, 421);

    // Any page may open it (the SDK runs on the integrator's site), as at Prove.
    const served = new WebSocket(url, { headers: { Host: localHost(), Origin: OTHER } });
    await once(served, 'open');
    served.close();
    await once(served, 'close');
  });

  test('an allowedHosts entry that is not host[:port] stops the start', async () => {
    await assert.rejects(startEmulator({ port: 0, allowedHosts: ['example.com/path'] }), /allowedHosts/);
    await assert.rejects(startEmulator({ port: 0, sandboxOrigins: ['ftp://example.com'] }), /sandboxOrigins/);
  });
});

describe('Origin on /sandbox/*', () => {
  test('the app’s page reads the inbox, preflight included', async () => {
    const inbox = await raw('GET', '/sandbox/messages?phone=2001004010', { Host: localHost(), Origin: APP });
    assert.equal(inbox.status, 200);
    assert.equal(inbox.headers['access-control-allow-origin'], APP);
    const preflight = await raw('OPTIONS', '/sandbox/faults', {
      Host: localHost(),
      Origin: APP,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], APP);
  });

  test('another page gets 403 and no CORS headers, and nothing happens', async () => {
    const { authToken } = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
    await api.client('mobile/otp/start', authToken);
    const origins = [
      OTHER,
      'null',
      'http://localhost:8081',
      'http://localhost',
      'https://localhost:8080',
      `${APP}.attacker.example`,
    ];
    for (const origin of origins) {
      const calls: [string, string, Record<string, string>, string?][] = [
        ['GET', '/sandbox/messages?phone=2001004010', {}],
        ['GET', '/sandbox/stats', {}],
        ['GET', '/sandbox/faults', {}],
        ['POST', '/sandbox/faults', { 'Content-Type': 'application/json' }, '{"fault":"server-error"}'],
        ['DELETE', '/sandbox/faults', {}],
        ['POST', '/sandbox/webhook', { 'Content-Type': 'application/json' }, '{}'],
        ['OPTIONS', '/sandbox/faults', { 'Access-Control-Request-Method': 'POST' }],
      ];
      for (const [method, path, headers, body] of calls) {
        const answer = await raw(method, path, { Host: localHost(), Origin: origin, ...headers }, body);
        assert.equal(answer.status, 403, `${origin} ${method} ${path}`);
        assert.deepEqual(answer.body, { code: 1021, message: 'this origin may not use the sandbox endpoints' });
        assert.equal(answer.headers['access-control-allow-origin'], undefined);
      }
    }
    assert.deepEqual((await api.faults()).body, { armed: [] }, 'no fault was armed');
  });

  test('a caller that is no page (no Origin: curl, Node, the phone opening a link) is served', async () => {
    const inbox = await raw('GET', '/sandbox/messages?phone=2001004010', { Host: localHost() });
    assert.equal(inbox.status, 200);
    assert.equal(inbox.headers['access-control-allow-origin'], undefined);
  });

  test('the client API still answers any page, as Prove does', async () => {
    const { authToken } = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
    const sent = await api.client('mobile/otp/start', authToken, {}, OTHER);
    assert.equal(sent.status, 200);
    assert.equal(sent.headers.get('access-control-allow-origin'), OTHER);
  });

  test('answers carry nosniff, so a page cannot load the inbox as a script', async () => {
    const inbox = await raw('GET', '/sandbox/messages?phone=2001004010', { Host: localHost() });
    assert.equal(inbox.headers['x-content-type-options'], 'nosniff');
  });
});

describe('JSON bodies', () => {
  const paths = [
    '/v3/verify',
    '/v3/verify-status',
    '/v1/client/mobile/otp/start',
    '/v1/client/mobile/otp/finish',
    '/v1/client/mobile/otp/error',
    '/sandbox/faults',
  ];

  test('any other Content-Type gets 415 before the body is read, and changes nothing', async () => {
    const bearer = await api.bearer();
    const { authToken } = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
    const flowsBefore = emu.stats().flows;
    const inboxBefore = (await api.messages(ADDY.phoneNumber)).body.length;
    // text/plain and the form encodings are what a page may send across origins with no preflight.
    const types = [
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonp',
      'text/json',
    ];
    for (const path of paths) {
      const token = path.startsWith('/v3/') ? bearer : authToken;
      for (const type of types) {
        const headers: Record<string, string> = { Host: localHost(), Authorization: `Bearer ${token}` };
        if (type) headers['Content-Type'] = type;
        const body =
          path === '/v3/verify'
            ? JSON.stringify({ ...ADDY, possessionType: 'mobile' })
            : '{"fault":"server-error","otp":"1234"}';
        const answer = await raw('POST', path, headers, body);
        assert.equal(answer.status, 415, `${path} ${type}`);
        assert.deepEqual(answer.body, { code: 8001, message: 'Content-Type must be application/json' });
      }
    }
    assert.equal(emu.stats().flows, flowsBefore, 'no flow started');
    assert.equal((await api.messages(ADDY.phoneNumber)).body.length, inboxBefore, 'no code sent');
    assert.deepEqual((await api.faults()).body, { armed: [] });
    assert.equal(
      (await api.verifyStatus((await api.startFlow({ ...ADDY, possessionType: 'mobile' })).correlationId)).status,
      200,
    );
  });

  test('application/json with parameters, in any case, is JSON', async () => {
    const bearer = await api.bearer();
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8']) {
      const answer = await raw(
        'POST',
        '/v3/verify',
        { Host: localHost(), Authorization: `Bearer ${bearer}`, 'Content-Type': type },
        JSON.stringify({ ...ADDY, possessionType: 'mobile' }),
      );
      assert.equal(answer.status, 200, type);
    }
  });
});
