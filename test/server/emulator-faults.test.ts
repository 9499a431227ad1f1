import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { startEmulator, type EmulatorHandle } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';

// The fault switches browser tests use to drive every error path of Prove's real SDK.

const ADDY = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' };
/** The page of the browser tests: the one origin allowed on /sandbox/*. */
const PAGE = 'http://localhost:5173';

let emu: EmulatorHandle;
let api: SandboxClient;

before(async () => {
  emu = await startEmulator({ port: 0, rateLimitPerSecond: 10_000, sandboxOrigins: [PAGE] });
  api = new SandboxClient(emu.url);
});
afterEach(() => api.disarmFaults());
after(() => emu.close());

const mobileFlow = (extra: Record<string, unknown> = {}) =>
  api.startFlow({ ...ADDY, possessionType: 'mobile', ...extra });
const desktopFlow = () => api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });

async function statusSocket(token: string) {
  const ws = new WebSocket(`${emu.url.replace(/^http/, 'ws')}/v1/client/status?token=${encodeURIComponent(token)}`);
  const messages: string[] = [];
  ws.on('message', (data) => messages.push((data as Buffer).toString()));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await once(ws, 'open');
  return { ws, messages, closed };
}

describe('/sandbox/faults', () => {
  test('arms, lists and disarms; an unknown name or a bad times is 400', async () => {
    assert.deepEqual((await api.armFault('server-error')).body, { armed: ['server-error'] });
    const second = await api.armFault('rate-limited', { times: 2, retryAfter: 5 });
    assert.deepEqual([second.status, second.body], [200, { armed: ['server-error', 'rate-limited'] }]);
    assert.deepEqual((await api.faults()).body, { armed: ['server-error', 'rate-limited'] });
    const unknown = await api.armFault('meteor-strike');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, 8001);
    assert.match(unknown.body.message, /field 'fault' is not valid/);
    assert.equal((await api.armFault('server-error', { times: 11 })).status, 400);
    assert.equal((await api.armFault('server-error', { times: 0 })).status, 400);
    const cleared = await api.disarmFaults();
    assert.deepEqual([cleared.status, cleared.body], [200, { armed: [] }]);
    assert.deepEqual((await api.faults()).body, { armed: [] });
  });

  test('answers the allowed page on another origin, preflight included', async () => {
    for (const method of ['POST', 'DELETE']) {
      const preflight = await fetch(`${emu.url}/sandbox/faults`, {
        method: 'OPTIONS',
        headers: {
          Origin: PAGE,
          'Access-Control-Request-Method': method,
          'Access-Control-Request-Headers': 'content-type',
        },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), PAGE);
      assert.ok(preflight.headers.get('access-control-allow-methods')!.split(/,\s*/).includes(method), method);
      assert.ok(preflight.headers.get('access-control-allow-headers')!.toLowerCase().includes('content-type'));
    }
    const armed = await fetch(`${emu.url}/sandbox/faults`, {
      method: 'POST',
      headers: { Origin: PAGE, 'Content-Type': 'application/json' },
      body: JSON.stringify({ fault: 'otp-expired' }),
    });
    assert.equal(armed.headers.get('access-control-allow-origin'), PAGE);
    const disarmed = await fetch(`${emu.url}/sandbox/faults`, { method: 'DELETE', headers: { Origin: PAGE } });
    assert.equal(disarmed.headers.get('access-control-allow-origin'), PAGE);
  });

  test('the index lists the routes and the fault names', async () => {
    const index = await (await fetch(`${emu.url}/`)).json();
    assert.ok(index.sandbox.includes('POST /sandbox/faults {fault, times?, retryAfter?}'));
    assert.ok(index.sandbox.includes('DELETE /sandbox/faults'));
    assert.ok(index.faults.includes('socket-lost'));
  });

  test('each use consumes one of times', async () => {
    const flow = await mobileFlow();
    await api.armFault('server-error', { times: 2 });
    assert.equal((await api.client('mobile/otp/start', flow.authToken)).status, 500);
    assert.equal((await api.client('mobile/otp/start', flow.authToken)).status, 500);
    assert.equal((await api.client('mobile/otp/start', flow.authToken)).status, 200);
    assert.deepEqual((await api.faults()).body, { armed: [] });
  });

  test('error reports are spared: they reach the emulator as usual', async () => {
    const flow = await mobileFlow();
    await api.armFault('server-error');
    const reported = await api.client('mobile/otp/error', flow.authToken, { message: 'Empty response from server' });
    assert.deepEqual([reported.status, reported.body], [200, { next: 'done' }]);
    assert.deepEqual((await api.faults()).body, { armed: ['server-error'] });
  });
});

describe('client-API faults', () => {
  test('otp-expired: the next finish answers as an expired code', async () => {
    const flow = await mobileFlow();
    await api.client('mobile/otp/start', flow.authToken);
    await api.armFault('otp-expired');
    const expired = await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
    assert.deepEqual(expired.body, { data: { code: 1011, message: 'That code has expired. Ask for a new one.' } });
    assert.deepEqual((await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' })).body, { next: 'done' });
  });

  test('phone-rejected: the next start answers Prove’s recoverable phone error and sends nothing', async () => {
    for (const [flow, step] of [
      [await mobileFlow(), 'mobile/otp/start'],
      [await desktopFlow(), 'mobile/instantlink/start'],
    ] as const) {
      const before = (await api.messages('2001004010')).body.length;
      await api.armFault('phone-rejected');
      const rejected = await api.client(step, flow.authToken, {});
      assert.deepEqual(rejected.body, { data: { code: 8001, message: "field 'mobileNumber' is not valid" } }, step);
      assert.equal((await api.messages('2001004010')).body.length, before);
    }
  });

  test('sends-exhausted: the next start fails possession as the 4th send does', async () => {
    const flow = await mobileFlow();
    await api.armFault('sends-exhausted');
    const refused = await api.client('mobile/otp/start', flow.authToken, {});
    assert.deepEqual(refused.body, {
      error: { code: 1013, message: 'No more than 3 messages can be sent in one session' },
      next: 'done',
    });
    assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'failed');
  });

  test('token-expired: 401 {code: 8002}', async () => {
    const flow = await mobileFlow();
    await api.armFault('token-expired');
    const refused = await api.client('mobile/otp/start', flow.authToken, {}, PAGE);
    assert.deepEqual([refused.status, refused.body], [401, { code: 8002, message: 'invalid or expired authToken' }]);
    assert.equal(refused.headers.get('access-control-allow-origin'), PAGE, 'the browser can read it');
  });

  test('server-error: 500 {code: 8000}', async () => {
    const flow = await mobileFlow();
    await api.armFault('server-error');
    const failed = await api.client('mobile/otp/start', flow.authToken);
    assert.deepEqual([failed.status, failed.body], [500, { code: 8000, message: 'error at prove, try again later' }]);
  });

  test('empty-answer and unreadable-answer: 200 with no body, or a body that is not JSON', async () => {
    const flow = await mobileFlow();
    await api.armFault('empty-answer');
    const empty = await fetch(`${emu.url}/v1/client/mobile/otp/start`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${flow.authToken}`, 'Content-Type': 'application/json', Origin: PAGE },
      body: '{}',
    });
    assert.equal(empty.status, 200);
    assert.equal(empty.headers.get('access-control-allow-origin'), PAGE);
    assert.equal(await empty.text(), '');
    await api.armFault('unreadable-answer');
    const unreadable = await api.client('mobile/otp/start', flow.authToken);
    assert.equal(unreadable.status, 200);
    assert.throws(() => JSON.parse(unreadable.body));
  });

  test('network-drop: the connection ends before a whole answer', async () => {
    const flow = await mobileFlow();
    await api.armFault('network-drop');
    await assert.rejects(api.client('mobile/otp/start', flow.authToken), TypeError);
    assert.equal((await api.client('mobile/otp/start', flow.authToken)).status, 200);
  });

  test('unknown-step: the start is carried out but answers a step the SDK does not know', async () => {
    for (const [flow, step] of [
      [await mobileFlow(), 'mobile/otp/start'],
      [await desktopFlow(), 'mobile/instantlink/start'],
    ] as const) {
      const before = (await api.messages('2001004010')).body.length;
      await api.armFault('unknown-step');
      assert.deepEqual((await api.client(step, flow.authToken, {})).body, { next: 'mobile/teleport' }, step);
      assert.equal((await api.messages('2001004010')).body.length, before + 1);
    }
  });

  test('rate-limited: 429 with the armed Retry-After, on either API', async () => {
    const flow = await mobileFlow();
    await api.armFault('rate-limited', { retryAfter: 7 });
    const client = await api.client('mobile/otp/start', flow.authToken);
    assert.deepEqual([client.status, client.headers.get('retry-after'), client.body.code], [429, '7', 1018]);
    await api.armFault('rate-limited');
    const server = await api.verifyStatus(flow.correlationId);
    assert.deepEqual([server.status, server.headers.get('retry-after')], [429, '2']);
  });
});

describe('socket faults', () => {
  test('socket-lost armed while a socket waits: it closes abnormally (1011) with no message', async () => {
    const flow = await desktopFlow();
    const socket = await statusSocket(flow.authToken);
    await api.armFault('socket-lost');
    assert.equal(await socket.closed, 1011);
    assert.deepEqual(socket.messages, []);
    assert.deepEqual((await api.faults()).body, { armed: [] });
  });

  test('socket-lost armed first: the next socket to open is closed the same way', async () => {
    const flow = await desktopFlow();
    await api.armFault('socket-lost');
    const socket = await statusSocket(flow.authToken);
    assert.equal(await socket.closed, 1011);
    assert.deepEqual(socket.messages, []);
  });

  test('link-expired: the waiting socket hears what link expiry sends, and the newest link is over', async () => {
    const flow = await desktopFlow();
    const socket = await statusSocket(flow.authToken);
    await api.client('mobile/instantlink/start', flow.authToken, {});
    await api.armFault('link-expired');
    assert.equal(await socket.closed, 1000);
    assert.deepEqual(
      socket.messages.map((m) => JSON.parse(m)),
      [{ error: { code: 1014, message: 'The verification link has expired' } }],
    );
    const page = await api.openLink((await api.messages('2001004010')).body.at(-1).link);
    assert.equal(page.status, 410);
    assert.match(page.body, /Link expired/);
    assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'failed');
  });

  test('link-expired armed first: applies when the next socket opens', async () => {
    const flow = await desktopFlow();
    await api.armFault('link-expired');
    const socket = await statusSocket(flow.authToken);
    assert.equal(await socket.closed, 1000);
    assert.equal(JSON.parse(socket.messages[0]!).error.code, 1014);
  });
});

describe('server-API faults', () => {
  test('verify-refused: 200 with no authToken and verifyResult failed', async () => {
    await api.armFault('verify-refused');
    const refused = await api.verify({ ...ADDY, possessionType: 'mobile' });
    assert.equal(refused.status, 200);
    assert.deepEqual(refused.body, {
      correlationId: refused.body.correlationId,
      success: 'false',
      possessionResult: 'not_applicable',
      verifyResult: 'failed',
    });
    assert.match(refused.body.correlationId, /^[0-9a-f-]{36}$/);
    assert.equal((await api.verifyStatus(refused.body.correlationId)).body.verifyResult, 'failed');
    assert.equal((await api.verify({ ...ADDY, possessionType: 'mobile' })).body.success, 'pending', 'once only');
  });

  test('status-pending: the next times calls answer pending whatever the flow', async () => {
    const flow = await mobileFlow();
    await api.client('mobile/otp/start', flow.authToken);
    await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
    await api.armFault('status-pending', { times: 2 });
    const pending = { success: 'pending', possessionResult: 'pending', verifyResult: 'pending' };
    assert.deepEqual((await api.verifyStatus(flow.correlationId)).body, pending);
    assert.deepEqual((await api.verifyStatus(flow.correlationId)).body, pending);
    assert.equal((await api.verifyStatus(flow.correlationId)).body.success, 'true');
  });

  test('prove-down: the next server call answers 500 {code: 8000}', async () => {
    await api.armFault('prove-down');
    const down = await api.verify({ ...ADDY, possessionType: 'mobile' });
    assert.deepEqual([down.status, down.body], [500, { code: 8000, message: 'error at prove, try again later' }]);
    assert.equal((await api.verify({ ...ADDY, possessionType: 'mobile' })).status, 200);
  });

  test('client-API faults leave the server API alone, and the reverse', async () => {
    await api.armFault('server-error');
    assert.equal((await api.verify({ ...ADDY, possessionType: 'mobile' })).status, 200);
    await api.disarmFaults();
    const flow = await mobileFlow();
    await api.armFault('prove-down');
    assert.equal((await api.client('mobile/otp/start', flow.authToken)).status, 200);
  });
});
