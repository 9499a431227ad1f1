import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { startEmulator, type EmulatorHandle } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';

const ADDY = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' };
const PAGE = 'http://localhost:5173';
const FINAL = 'https://shop.example/continue?step=2';
const MINUTE = 60_000;

let clock = Date.parse('2030-06-01T12:00:00Z');
let emu: EmulatorHandle;
let api: SandboxClient;

before(async () => {
  emu = await startEmulator({ port: 0, now: () => clock, rateLimitPerSecond: 10_000 });
  api = new SandboxClient(emu.url);
});
after(() => emu.close());

function advance(ms: number): void {
  clock += ms;
  api.resetToken();
}

const mobileFlow = (extra: Record<string, unknown> = {}) =>
  api.startFlow({ ...ADDY, possessionType: 'mobile', ...extra });
const desktopFlow = (extra: Record<string, unknown> = {}) =>
  api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: FINAL, ...extra });

function within<T>(promise: Promise<T>, what: string, ms = 2000): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]);
}

const statusUrl = (token: string) =>
  `${emu.url.replace(/^http/, 'ws')}/v1/client/status?token=${encodeURIComponent(token)}`;

/** A status socket as the SDK opens it, with its messages queued for the test to read. */
async function openStatusSocket(token: string) {
  const ws = new WebSocket(statusUrl(token));
  const queue: string[] = [];
  const waiting: ((message: string) => void)[] = [];
  ws.on('message', (data) => {
    const message = (data as Buffer).toString();
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await within(once(ws, 'open'), 'socket open');
  return {
    ws,
    closed: within(closed, 'socket close'),
    next: () =>
      within(
        queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise<string>((resolve) => waiting.push(resolve)),
        'socket message',
      ),
  };
}

function rejectedUpgradeStatus(url: string): Promise<number> {
  const ws = new WebSocket(url);
  return within(
    new Promise<number>((resolve, reject) => {
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => reject(new Error('the upgrade was accepted')));
      ws.on('error', () => {});
    }),
    'upgrade refusal',
  );
}

async function latestMessage(phone: string) {
  const list = (await api.messages(phone)).body as { link?: string; otp?: string; body: string; to: string }[];
  return list[list.length - 1];
}

describe('CORS', () => {
  test('answers the preflight the SDK sends', async () => {
    const response = await fetch(`${emu.url}/v1/client/mobile/otp/start`, {
      method: 'OPTIONS',
      headers: {
        Origin: PAGE,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,pa-version',
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), PAGE);
    const allowed = response.headers.get('access-control-allow-headers')!.toLowerCase().split(/,\s*/);
    for (const header of ['authorization', 'content-type', 'pa-version']) assert.ok(allowed.includes(header), header);
    const methods = response.headers.get('access-control-allow-methods')!.split(/,\s*/);
    assert.deepEqual(methods.sort(), ['DELETE', 'GET', 'OPTIONS', 'POST']);
    assert.ok(Number(response.headers.get('access-control-max-age')) > 0);
  });

  test('puts the origin on real answers, errors included', async () => {
    const { authToken } = await mobileFlow();
    const ok = await api.client('mobile/otp/start', authToken, {}, PAGE);
    assert.equal(ok.headers.get('access-control-allow-origin'), PAGE);
    const refused = await api.client('mobile/otp/start', null, {}, PAGE);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), PAGE);
  });
});

describe('client API authorization', () => {
  test('wants the Bearer authToken of a live flow', async () => {
    const { authToken } = await mobileFlow();
    const none = await api.client('mobile/otp/start', null);
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 8002);

    const [h, p, s] = authToken.split('.');
    const forged = JSON.parse(atob(p!));
    forged.auth.next = 'mobile/instantlink';
    const reSigned = `${h}.${btoa(JSON.stringify(forged)).replace(/=+$/, '')}.${s}`;
    assert.equal((await api.client('mobile/instantlink/start', reSigned)).status, 401);

    const accessToken = await api.bearer();
    assert.equal((await api.client('mobile/otp/start', accessToken)).status, 401);

    advance(15 * MINUTE);
    const expired = await api.client('mobile/otp/start', authToken);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.code, 8002);
  });

  test('a token only drives its own step: 403 {code: 8003, message: "step not allowed"}', async () => {
    const mobile = await mobileFlow();
    const desktop = await desktopFlow();
    const wrongForMobile = await api.client('mobile/instantlink/start', mobile.authToken, { mobileNumber: '' });
    assert.equal(wrongForMobile.status, 403);
    assert.deepEqual(wrongForMobile.body, { code: 8003, message: 'step not allowed' });
    assert.equal((await api.client('mobile/otp/start', desktop.authToken)).status, 403);
    assert.equal(
      (await api.client('mobile/otp/finish', mobile.authToken, { otp: '1234' })).status,
      403,
      'no code sent yet',
    );
  });
});

describe('OTP', () => {
  test('sends the code to the flow’s phone and accepts 1234', async () => {
    const flow = await mobileFlow();
    const started = await api.client('mobile/otp/start', flow.authToken, {});
    assert.equal(started.status, 200);
    assert.equal(typeof started.body.next, 'string');
    assert.equal(started.body.error, undefined);
    assert.equal(started.body.data, undefined);

    const sms = await latestMessage('2001004010');
    assert.equal(sms?.to, '+12001004010');
    assert.equal(sms?.otp, '1234');
    // Prove's default OTP text (/v3/verify reference), #### standing for the code.
    assert.equal(
      sms.body,
      "1234 is your temporary code to continue your application. Caution: for your security, don't share this code with anyone.",
    );

    const finished = await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
    assert.deepEqual(finished.body, { next: 'done' });
    assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'success');

    const again = await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
    assert.equal(again.status, 403);
  });

  test('with allowOTPRetry, a wrong code asks again; the right one still works after it', async () => {
    const flow = await mobileFlow({ allowOTPRetry: true });
    await api.client('mobile/otp/start', flow.authToken);
    const wrong = await api.client('mobile/otp/finish', flow.authToken, { otp: '4321' });
    assert.equal(wrong.status, 200);
    assert.deepEqual(wrong.body, { data: { code: 1010, message: 'That code is not right' } });
    assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'pending');
    assert.deepEqual((await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' })).body, { next: 'done' });
  });

  test('a code is good for 2 minutes after the latest send', async () => {
    const flow = await mobileFlow();
    await api.client('mobile/otp/start', flow.authToken);
    advance(2 * MINUTE + 1000);
    const late = await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
    assert.equal(late.body.data.code, 1011);
    assert.match(late.body.data.message, /expired/);
    assert.equal(late.body.next, undefined);

    await api.client('mobile/otp/start', flow.authToken, {});
    advance(MINUTE + 50_000);
    assert.deepEqual((await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' })).body, { next: 'done' });
  });

  test('at most 3 sends; the 4th fails possession', async () => {
    const flow = await mobileFlow();
    const before = (await api.messages('2001004010')).body.length;
    for (let i = 1; i <= 3; i++) {
      const sent = await api.client('mobile/otp/start', flow.authToken, {});
      assert.equal(sent.body.error, undefined, `send ${i}`);
    }
    const fourth = await api.client('mobile/otp/start', flow.authToken, {});
    assert.equal(fourth.status, 200);
    assert.equal(fourth.body.next, 'done');
    assert.equal(fourth.body.error.code, 1013);
    assert.equal((await api.messages('+12001004010')).body.length, before + 3);
    assert.deepEqual((await api.verifyStatus(flow.correlationId)).body, {
      success: 'false',
      possessionResult: 'failed',
      verifyResult: 'not_applicable',
    });
  });

  test('a new mobileNumber switches the phone; an impossible one asks again', async () => {
    const flow = await mobileFlow();
    const before = (await api.messages('2001004010')).body.length;
    await api.client('mobile/otp/start', flow.authToken, {});

    const invalid = await api.client('mobile/otp/start', flow.authToken, { mobileNumber: '12' });
    assert.equal(invalid.status, 200);
    assert.deepEqual(invalid.body, { data: { code: 8001, message: "field 'mobileNumber' is not valid" } });

    const changed = await api.client('mobile/otp/start', flow.authToken, { mobileNumber: '+1 (202) 555-0177' });
    assert.equal(changed.body.error, undefined);
    assert.equal(changed.body.data, undefined);
    assert.equal(
      (await api.messages('2001004010')).body.length,
      before + 1,
      'only the first code went to the old phone',
    );
    assert.equal((await latestMessage('+12025550177'))?.otp, '1234');

    await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
    // The phone that proved possession is nobody's in the sandbox, so Addy's name does not match it.
    assert.deepEqual((await api.verifyStatus(flow.correlationId)).body, {
      success: 'false',
      possessionResult: 'success',
      verifyResult: 'failed',
    });
  });

  test('smsMessage replaces the text, #### standing for the code', async () => {
    const flow = await mobileFlow({ smsMessage: 'Shop code: ####' });
    await api.client('mobile/otp/start', flow.authToken);
    assert.equal((await latestMessage('2001004010'))?.body, 'Shop code: 1234');
  });
});

describe('Instant Link', () => {
  test('sends a link; opening it tells the waiting socket and redirects', async () => {
    const flow = await desktopFlow();
    const socket = await openStatusSocket(flow.authToken);
    socket.ws.send('ping');
    assert.equal(await socket.next(), 'pong');

    const started = await api.client('mobile/instantlink/start', flow.authToken, {
      sourceIp: null,
      isMobile: false,
    });
    assert.equal(started.status, 200);
    assert.deepEqual(started.body, {});

    const sms = await latestMessage('2001004010');
    assert.ok(sms?.link?.startsWith(`${emu.url}/sandbox/link/`), sms?.link);
    assert.ok(sms!.body.includes(sms!.link!));
    assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'pending');

    const opened = await api.openLink(sms!.link!);
    assert.equal(opened.status, 302);
    assert.equal(opened.headers.get('location'), FINAL);
    assert.equal(await socket.next(), '{"next":"done"}');
    assert.equal(await socket.closed, 1000);
    assert.equal((await api.verifyStatus(flow.correlationId)).body.success, 'true');
  });

  test('opened on the phone that runs the flow, it lands with what finishInstantLink parses', async () => {
    const flow = await desktopFlow();
    await api.client('mobile/instantlink/start', flow.authToken, { sourceIp: null, isMobile: true });
    const opened = await api.openLink((await latestMessage('2001004010'))!.link!);
    assert.equal(opened.status, 302);
    const location = new URL(opened.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, 'https://shop.example/continue');
    assert.equal(location.searchParams.get('step'), '2');
    assert.equal(location.searchParams.get('asc'), 'true');
    assert.equal(location.searchParams.get('authId'), JSON.parse(atob(flow.authToken.split('.')[1]!)).auth.id);
  });

  test('a resend sends a new link and the old one keeps working', async () => {
    const flow = await desktopFlow({ firstName: 'Someone' });
    const before = (await api.messages('2001004010')).body.length;
    await api.client('mobile/instantlink/start', flow.authToken, {
      sourceIp: null,
      mobileNumber: undefined,
      isMobile: false,
    });
    const resent = await api.client('mobile/instantlink/start', flow.authToken, {
      sourceIp: null,
      mobileNumber: '',
      isMobile: false,
    });
    assert.deepEqual(resent.body, {});
    const links = ((await api.messages('2001004010')).body as { link: string }[]).slice(before).map((m) => m.link);
    assert.equal(links.length, 2);
    assert.notEqual(links[0], links[1]);
    assert.equal((await api.openLink(links[0]!)).status, 302);
    assert.equal((await api.openLink(links[1]!)).status, 302, 'opening again after success still redirects');
    assert.deepEqual((await api.verifyStatus(flow.correlationId)).body, {
      success: 'false',
      possessionResult: 'success',
      verifyResult: 'failed',
    });
  });

  test('a link expires after 3 minutes; an unknown one is not found', async () => {
    const flow = await desktopFlow();
    await api.client('mobile/instantlink/start', flow.authToken, { sourceIp: null, isMobile: false });
    const link = (await latestMessage('2001004010'))!.link!;
    advance(3 * MINUTE);
    const expired = await api.openLink(link);
    assert.equal(expired.status, 410);
    assert.match(expired.body, /expired/i);
    // Nobody can prove possession with it any more: the flow's newest link is gone.
    assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'failed');
    const unknown = await api.openLink(`${emu.url}/sandbox/link/AAAAAAAAAAAAAAAAAAAAAAAA`);
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.headers.get('content-type')), /text\/html/);
  });

  test('at most 3 links; the 4th fails possession and the socket hears it', async () => {
    const flow = await desktopFlow();
    const socket = await openStatusSocket(flow.authToken);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual((await api.client('mobile/instantlink/start', flow.authToken, { mobileNumber: '' })).body, {});
    }
    const fourth = await api.client('mobile/instantlink/start', flow.authToken, { mobileNumber: '' });
    assert.equal(fourth.body.next, 'done');
    assert.equal(fourth.body.error.code, 1013);
    const told = JSON.parse(await socket.next());
    assert.equal(told.error.code, 1013);
    assert.equal(told.next, 'done');
    assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'failed');
  });

  test('a new mobileNumber sends the link to that phone instead', async () => {
    const flow = await desktopFlow();
    const before = (await api.messages('2001004010')).body.length;
    const invalid = await api.client('mobile/instantlink/start', flow.authToken, { mobileNumber: 'nope' });
    assert.equal(invalid.body.data.code, 8001);
    await api.client('mobile/instantlink/start', flow.authToken, { mobileNumber: '2025550189' });
    assert.equal((await api.messages('2001004010')).body.length, before);
    assert.equal((await api.messages('2025550189')).body.length, 1);
  });
});

describe('status socket', () => {
  test('refuses a bad or missing token with 401', async () => {
    assert.equal(await rejectedUpgradeStatus(statusUrl('nope.nope.nope')), 401);
    assert.equal(await rejectedUpgradeStatus(`${emu.url.replace(/^http/, 'ws')}/v1/client/status`), 401);
    assert.equal(await rejectedUpgradeStatus(statusUrl(await api.bearer())), 401);
  });

  test('says done at once when possession already succeeded', async () => {
    const flow = await desktopFlow();
    await api.client('mobile/instantlink/start', flow.authToken, {});
    await api.openLink((await latestMessage('2001004010'))!.link!);
    const socket = await openStatusSocket(flow.authToken);
    assert.equal(await socket.next(), '{"next":"done"}');
    assert.equal(await socket.closed, 1000);
  });

  test('an error the SDK reports fails possession and reaches the socket', async () => {
    const flow = await desktopFlow();
    const socket = await openStatusSocket(flow.authToken);
    const reported = await api.client('mobile/instantlink/error', flow.authToken, { message: 'person cancelled' });
    assert.equal(reported.status, 200);
    assert.deepEqual(reported.body, { next: 'done' });
    const told = JSON.parse(await socket.next());
    assert.equal(told.next, 'done');
    assert.equal(typeof told.error.code, 'number');
    assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'failed');
  });

  test('an expiring flow closes its socket with an error', async () => {
    const flow = await desktopFlow();
    const socket = await openStatusSocket(flow.authToken);
    advance(15 * MINUTE);
    assert.ok(emu.sweep() >= 1);
    const told = JSON.parse(await socket.next());
    assert.equal(told.error.code, 1015);
    assert.equal(told.next, undefined);
    assert.equal(await socket.closed, 1000);
  });
});

describe('other client steps', () => {
  test('any step’s error report is accepted', async () => {
    const flow = await mobileFlow();
    await api.client('mobile/otp/start', flow.authToken);
    assert.deepEqual((await api.client('mobile/otp/error', flow.authToken, { code: 10002, message: 'x' })).body, {
      next: 'done',
    });
    assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'failed');
  });

  test('Mobile Auth answers failed and points back to the flow’s own step', async () => {
    const flow = await mobileFlow();
    for (const action of ['start', 'finish']) {
      const answer = await api.client(`mobile/instant/${action}`, flow.authToken, {
        cellularIp: null,
        implementation: 'fetch',
      });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.next, 'mobile/otp');
      assert.equal(typeof answer.body.error.code, 'number');
    }
    assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'pending');
  });
});
