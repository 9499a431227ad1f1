import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { jwtVerify } from 'jose';
import { WebSocket } from 'ws';
import { startEmulator } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';

const ADDY = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' };
const ADDY_IDENTITY = 'c3aca643-43e4-48c6-90e2-baff26733ca4';
const MINUTE = 60_000;

/** A fresh emulator with its own clock for each test; closed even when the test fails. */
async function withEmulator(
  options: Parameters<typeof startEmulator>[0],
  run: (ctx: {
    api: SandboxClient;
    emu: Awaited<ReturnType<typeof startEmulator>>;
    clock: { now: number };
  }) => Promise<void>,
) {
  const clock = { now: Date.parse('2031-03-04T05:06:07Z') };
  const emu = await startEmulator({ port: 0, now: () => clock.now, rateLimitPerSecond: 10_000, ...options });
  try {
    await run({ api: new SandboxClient(emu.url), emu, clock });
  } finally {
    await emu.close();
  }
}

describe('sandbox inbox', () => {
  test('lists a phone’s messages oldest first, whichever way the number is written', () =>
    withEmulator({}, async ({ api, clock }) => {
      const otp = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      await api.client('mobile/otp/start', otp.authToken);
      clock.now += 10_000;
      const link = await api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });
      await api.client('mobile/instantlink/start', link.authToken, { mobileNumber: '' });
      clock.now += 10_000;
      await api.client('mobile/otp/start', otp.authToken);

      const byDigits = await api.messages('2001004010');
      assert.equal(byDigits.status, 200);
      assert.deepEqual(await api.messages('+12001004010').then((a) => a.body), byDigits.body);
      const list = byDigits.body as { to: string; body: string; otp?: string; link?: string; sentAt: string }[];
      assert.equal(list.length, 3);
      assert.deepEqual(
        list.map((m) => m.sentAt),
        ['2031-03-04T05:06:07.000Z', '2031-03-04T05:06:17.000Z', '2031-03-04T05:06:27.000Z'],
      );
      assert.equal(list[0]!.otp, '1234');
      assert.equal(list[0]!.link, undefined);
      assert.match(list[1]!.link!, /\/sandbox\/link\/[\w-]+$/);
      assert.equal(list[1]!.otp, undefined);
      for (const m of list) assert.equal(m.to, '+12001004010');

      assert.deepEqual((await api.messages('2025550100')).body, []);

      const newest = await fetch(`${api.baseUrl}/sandbox/messages?phone=2001004010&limit=2`);
      assert.deepEqual(await newest.json(), list.slice(1), 'limit keeps the newest, oldest first');
      for (const bad of ['0', '-1', '1.5', 'x', '10000', '']) {
        const refused = await fetch(`${api.baseUrl}/sandbox/messages?phone=2001004010&limit=${bad}`);
        assert.deepEqual(
          [refused.status, await refused.json()],
          [400, { code: 8001, message: "field 'limit' is not valid" }],
          bad,
        );
      }
    }));

  test('is open to the allowed page and wants a possible number', () =>
    withEmulator({ sandboxOrigins: ['http://127.0.0.1:3000'] }, async ({ emu }) => {
      const open = await fetch(`${emu.url}/sandbox/messages?phone=2001004010`, {
        headers: { Origin: 'http://127.0.0.1:3000' },
      });
      assert.equal(open.status, 200);
      assert.equal(open.headers.get('access-control-allow-origin'), 'http://127.0.0.1:3000');
      const missing = await fetch(`${emu.url}/sandbox/messages`);
      assert.equal(missing.status, 400);
      assert.deepEqual(await missing.json(), { code: 8001, message: "field 'phone' is missing" });
      const invalid = await fetch(`${emu.url}/sandbox/messages?phone=12`);
      assert.equal(invalid.status, 400);
    }));
});

describe('limits', () => {
  test('the sweep drops expired flows with their messages and links', () =>
    withEmulator({}, async ({ api, emu, clock }) => {
      const a = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      await api.client('mobile/otp/start', a.authToken);
      const b = await api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });
      await api.client('mobile/instantlink/start', b.authToken, {});
      clock.now += 5 * MINUTE;
      const c = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      assert.deepEqual(emu.stats(), { flows: 3, links: 1, messages: 2, sockets: 0 });
      const overHttp = await fetch(`${emu.url}/sandbox/stats`);
      assert.equal(overHttp.headers.get('access-control-allow-origin'), null, 'no page asked: no CORS');
      assert.deepEqual(await overHttp.json(), emu.stats());

      clock.now += 10 * MINUTE; // a and b are 15 minutes old, c is 10
      assert.equal(emu.sweep(), 2);
      assert.deepEqual(emu.stats(), { flows: 1, links: 0, messages: 0, sockets: 0 });
      assert.equal((await api.messages('2001004010')).body.length, 0);
      assert.equal((await api.verifyStatus(a.correlationId)).status, 400);
      assert.equal((await api.verifyStatus(c.correlationId)).status, 200);
    }));

  test('keeps at most maxFlows, dropping the oldest', () =>
    withEmulator({ maxFlows: 3 }, async ({ api, emu }) => {
      const flows = [];
      for (let i = 0; i < 5; i++) flows.push(await api.startFlow({ ...ADDY, possessionType: 'mobile' }));
      assert.equal(emu.stats().flows, 3);
      assert.equal((await api.verifyStatus(flows[0]!.correlationId)).status, 400);
      assert.equal((await api.verifyStatus(flows[1]!.correlationId)).status, 400);
      assert.equal((await api.verifyStatus(flows[4]!.correlationId)).status, 200);
      assert.equal((await api.client('mobile/otp/start', flows[0]!.authToken)).status, 401);
    }));
});

describe('test webhook', () => {
  async function receiver(status = 200) {
    const received: { headers: IncomingHttpHeaders; body: any }[] = [];
    const receive = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      let text = '';
      for await (const chunk of req) text += chunk;
      received.push({ headers: req.headers, body: JSON.parse(text) });
      res.writeHead(status).end();
    };
    const server = createServer((req, res) => void receive(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/prove`;
    return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  test('posts Prove’s payload signed HS256 with the webhook secret', async () => {
    const hook = await receiver();
    try {
      await withEmulator(
        { webhookUrl: hook.url, webhookSecret: 'whsec_test', sandboxOrigins: ['http://localhost:8080'] },
        async ({ api, emu, clock }) => {
          const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile', clientCustomerId: 'customer-7' });
          await api.client('mobile/otp/start', flow.authToken);
          await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
          await api.verifyStatus(flow.correlationId);

          const sent = await fetch(`${emu.url}/sandbox/webhook`, {
            method: 'POST',
            headers: { Origin: 'http://localhost:8080', 'Content-Type': 'application/json' },
            body: JSON.stringify({ eventType: 'DISCONNECT' }),
          });
          assert.equal(sent.status, 200);
          assert.equal(sent.headers.get('access-control-allow-origin'), 'http://localhost:8080');
          assert.deepEqual(await sent.json(), { delivered: true, status: 200 });

          assert.equal(hook.received.length, 1);
          const { headers, body } = hook.received[0]!;
          const jwt = /^Bearer (.+)$/.exec(String(headers['x-prove-authorization']))?.[1];
          assert.ok(jwt, 'X-Prove-Authorization: Bearer <jwt>');
          const { payload, protectedHeader } = await jwtVerify(jwt, new TextEncoder().encode('whsec_test'), {
            issuer: 'Prove Identity',
            algorithms: ['HS256'],
            currentDate: new Date(clock.now),
          });
          assert.equal(protectedHeader.alg, 'HS256');
          assert.equal(payload.iat, Math.floor(clock.now / 1000));
          assert.equal(payload.exp! - payload.iat, 300);
          assert.match(String(payload.jti), /^[0-9a-f-]{36}$/, 'each delivery its own token');
          await assert.rejects(jwtVerify(jwt, new TextEncoder().encode('whsec_other')));

          assert.equal(body.notifications.length, 1);
          const event = body.notifications[0];
          assert.match(event.eventId, /^[0-9a-f-]{36}$/);
          assert.equal(event.eventType, 'DISCONNECT');
          assert.equal(event.event, 'phone number disconnected');
          assert.equal(event.eventTimestamp, '2031-03-04T05:06:07Z');
          assert.equal(event.clientCustomerId, 'customer-7');
          assert.equal(event.identityId, ADDY_IDENTITY);
        },
      );
    } finally {
      await hook.close();
    }
  });

  test('says when the receiver refuses, and checks eventType', async () => {
    const hook = await receiver(500);
    try {
      await withEmulator({ webhookUrl: hook.url, webhookSecret: 's' }, async ({ emu }) => {
        const post = (body = '') =>
          fetch(`${emu.url}/sandbox/webhook`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body,
          });
        assert.deepEqual(await (await post()).json(), { delivered: false, status: 500 });
        assert.equal(hook.received[0]!.body.notifications[0].eventType, 'PHONE_NUMBER_CHANGE');
        const bad = await post('{"eventType":"EXPLODED"}');
        assert.equal(bad.status, 400);
        assert.equal((await bad.json()).code, 8001);
      });
    } finally {
      await hook.close();
    }
  });

  test('is 404 without a webhookUrl', () =>
    withEmulator({}, async ({ emu }) => {
      const answer = await fetch(`${emu.url}/sandbox/webhook`, { method: 'POST' });
      assert.equal(answer.status, 404);
      assert.equal(typeof (await answer.json()).code, 'number');
    }));
});

describe('lifecycle', () => {
  test('close() ends open sockets and the listener', async () => {
    const emu = await startEmulator({ port: 0 });
    const api = new SandboxClient(emu.url);
    const flow = await api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });
    const ws = new WebSocket(
      `${emu.url.replace(/^http/, 'ws')}/v1/client/status?token=${encodeURIComponent(flow.authToken)}`,
    );
    await once(ws, 'open');
    assert.equal(emu.stats().sockets, 1);
    const closed = once(ws, 'close');
    await emu.close();
    await closed;
    await emu.close(); // twice is fine
    await assert.rejects(fetch(`${emu.url}/`));
  });

  test('binds loopback only', async () => {
    await assert.rejects(startEmulator({ port: 0, host: '0.0.0.0' }), /loopback/);
    await assert.rejects(startEmulator({ port: 0, host: 'example.com' }), /loopback/);
    await assert.rejects(startEmulator({ port: 0, publicOrigin: 'ftp://localhost' }), /http/);
    const v4 = await startEmulator({ port: 0, host: '127.0.0.1' });
    try {
      assert.equal(v4.url, `http://127.0.0.1:${v4.port}`);
      assert.equal((await fetch(`${v4.url}/`)).status, 200);
    } finally {
      await v4.close();
    }
  });

  test('answers on both loopback addresses under localhost', () =>
    withEmulator({}, async ({ emu }) => {
      assert.equal(emu.url, `http://localhost:${emu.port}`);
      assert.equal((await fetch(`http://127.0.0.1:${emu.port}/`)).status, 200);
      // IPv6 may be missing on a machine; when it is there, it must answer too.
      const v6 = await fetch(`http://[::1]:${emu.port}/`).catch(() => undefined);
      if (v6) assert.equal(v6.status, 200);
    }));

  test('logs one line per request, with no names, numbers, codes or tokens', async () => {
    const lines: string[] = [];
    await withEmulator({ log: (line) => lines.push(line) }, async ({ api }) => {
      const flow = await api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });
      await api.client('mobile/instantlink/start', flow.authToken, {});
      const link = ((await api.messages('2001004010')).body as { link: string }[])[0]!.link;
      await api.openLink(link);
      await api.verifyStatus(flow.correlationId);
      const otp = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      await api.client('mobile/otp/start', otp.authToken);
      await api.client('mobile/otp/finish', otp.authToken, { otp: '1234' });

      assert.ok(lines.length >= 9, lines.join('\n'));
      assert.ok(lines.some((l) => l.startsWith('GET /sandbox/link/:id 302')));
      const secrets = [
        '2001004010',
        'Addy',
        'Epinay',
        '1234',
        flow.correlationId,
        flow.authToken.slice(-20),
        link.split('/').pop()!,
        'demo-client',
      ];
      for (const line of lines)
        for (const secret of secrets) assert.ok(!line.includes(secret), `${line} leaks ${secret}`);
    });
  });
});
