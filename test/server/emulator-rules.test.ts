import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';

// Prove's rules beyond the happy path: retries, lifetimes, limits, sandbox persons, SMS texts.

const ADDY = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' };
const MINUTE = 60_000;

async function withEmulator(
  options: EmulatorOptions,
  run: (ctx: { api: SandboxClient; emu: EmulatorHandle; clock: { now: number } }) => Promise<void>,
) {
  const clock = { now: Date.parse('2032-02-03T04:05:06Z') };
  const emu = await startEmulator({ port: 0, now: () => clock.now, rateLimitPerSecond: 10_000, ...options });
  try {
    await run({ api: new SandboxClient(emu.url), emu, clock });
  } finally {
    await emu.close();
  }
}

const socketUrl = (emu: EmulatorHandle, token: string) =>
  `${emu.url.replace(/^http/, 'ws')}/v1/client/status?token=${encodeURIComponent(token)}`;

/** A status socket, with its first message and its close code. */
async function statusSocket(emu: EmulatorHandle, token: string) {
  const ws = new WebSocket(socketUrl(emu, token));
  const first = new Promise<string>((resolve) => ws.once('message', (data) => resolve((data as Buffer).toString())));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await once(ws, 'open');
  return { ws, first, closed };
}

describe('allowOTPRetry', () => {
  test('absent (Prove’s default false): the first wrong code ends possession', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      await api.client('mobile/otp/start', flow.authToken);
      const wrong = await api.client('mobile/otp/finish', flow.authToken, { otp: '4321' });
      assert.equal(wrong.status, 200);
      assert.deepEqual(wrong.body, { error: { code: 1010, message: 'That code is not right' }, next: 'done' });
      assert.deepEqual((await api.verifyStatus(flow.correlationId)).body, {
        success: 'false',
        possessionResult: 'failed',
        verifyResult: 'not_applicable',
      });
      const late = await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
      assert.deepEqual([late.status, late.body], [403, { code: 8003, message: 'step not allowed' }]);
    }));

  test('false behaves as absent', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile', allowOTPRetry: false });
      await api.client('mobile/otp/start', flow.authToken);
      assert.equal((await api.client('mobile/otp/finish', flow.authToken, { otp: '0000' })).body.next, 'done');
    }));

  test('true: three code entries in all (Prove’s “up to three times”, read strictly): the 3rd wrong code ends possession', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile', allowOTPRetry: true });
      await api.client('mobile/otp/start', flow.authToken);
      for (let i = 1; i <= 2; i++) {
        const wrong = await api.client('mobile/otp/finish', flow.authToken, { otp: `000${i}` });
        assert.deepEqual(wrong.body, { data: { code: 1010, message: 'That code is not right' } }, `wrong code ${i}`);
      }
      const third = await api.client('mobile/otp/finish', flow.authToken, { otp: '0003' });
      assert.deepEqual(third.body, { error: { code: 1012, message: 'Too many wrong codes' }, next: 'done' });
      assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'failed');
      const late = await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
      assert.equal(late.status, 403, 'no fourth entry, not even the right code');
    }));

  test('true: the right code as the third entry proves possession', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile', allowOTPRetry: true });
      await api.client('mobile/otp/start', flow.authToken);
      for (let i = 1; i <= 2; i++) await api.client('mobile/otp/finish', flow.authToken, { otp: '9999' });
      assert.deepEqual((await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' })).body, { next: 'done' });
    }));

  test('a resend does not give more entries: three codes in all, whichever text they answer', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile', allowOTPRetry: true });
      await api.client('mobile/otp/start', flow.authToken);
      await api.client('mobile/otp/finish', flow.authToken, { otp: '9999' });
      await api.client('mobile/otp/start', flow.authToken, {});
      await api.client('mobile/otp/finish', flow.authToken, { otp: '9998' });
      assert.equal((await api.client('mobile/otp/finish', flow.authToken, { otp: '9997' })).body.next, 'done');
    }));

  test('must be a boolean', () =>
    withEmulator({}, async ({ api }) => {
      const refused = await api.verify({ ...ADDY, possessionType: 'mobile', allowOTPRetry: 'yes' });
      assert.deepEqual(
        [refused.status, refused.body],
        [400, { code: 8001, message: "field 'allowOTPRetry' is not valid" }],
      );
    }));
});

describe('lifetimes', () => {
  test('a code expires after 2 minutes: a recoverable answer, not a wrong code', () =>
    withEmulator({}, async ({ api, clock }) => {
      const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      await api.client('mobile/otp/start', flow.authToken);
      clock.now += 2 * MINUTE - 1;
      const inTime = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      await api.client('mobile/otp/start', inTime.authToken);
      clock.now += 1;
      const late = await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
      assert.deepEqual(late.body, { data: { code: 1011, message: 'That code has expired. Ask for a new one.' } });
      // Not counted as a wrong code, even with allowOTPRetry false: a resend and 1234 still work.
      assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'pending');
      await api.client('mobile/otp/start', flow.authToken, {});
      assert.deepEqual((await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' })).body, { next: 'done' });
      assert.deepEqual((await api.client('mobile/otp/finish', inTime.authToken, { otp: '1234' })).body, {
        next: 'done',
      });
    }));

  test('otpTtlMs, linkTtlMs and flowTtlMs are configurable', () =>
    withEmulator({ otpTtlMs: 1000, linkTtlMs: 2000, flowTtlMs: 5000 }, async ({ api, emu, clock }) => {
      const otp = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      const claims = JSON.parse(atob(otp.authToken.split('.')[1]!));
      assert.equal(claims.exp - claims.iat, 5, 'the authToken lives flowTtlMs');
      await api.client('mobile/otp/start', otp.authToken);
      clock.now += 1000;
      assert.equal((await api.client('mobile/otp/finish', otp.authToken, { otp: '1234' })).body.data.code, 1011);

      const link = await api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });
      await api.client('mobile/instantlink/start', link.authToken, {});
      clock.now += 2000;
      emu.sweep();
      assert.equal((await api.verifyStatus(link.correlationId)).body.possessionResult, 'failed');

      clock.now += 2000; // otp's flow is 5 s old
      assert.equal((await api.verifyStatus(otp.correlationId)).body.code, 8008);
      assert.equal((await api.client('mobile/otp/start', otp.authToken)).status, 401, 'the authToken is past exp');
    }));

  test('refuses a lifetime that is not a positive number', async () => {
    await assert.rejects(startEmulator({ port: 0, otpTtlMs: 0 }), /otpTtlMs/);
    await assert.rejects(startEmulator({ port: 0, rateLimitPerSecond: -1 }), /rateLimitPerSecond/);
  });

  test('when the newest link expires the waiting socket gets {error} with no next, then closes', () =>
    withEmulator({}, async ({ api, emu, clock }) => {
      const flow = await api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });
      const socket = await statusSocket(emu, flow.authToken);
      await api.client('mobile/instantlink/start', flow.authToken, {});
      const first = (await api.messages('2001004010')).body.at(-1).link as string;
      clock.now += 2 * MINUTE;
      await api.client('mobile/instantlink/start', flow.authToken, { mobileNumber: '' });
      clock.now += MINUTE; // the first link is over, the newest is not
      emu.sweep();
      assert.equal(emu.stats().sockets, 1);
      assert.equal((await api.openLink(first)).status, 410, 'an older link still expires on its own');
      assert.equal((await api.verifyStatus(flow.correlationId)).body.possessionResult, 'pending');

      clock.now += 2 * MINUTE;
      emu.sweep();
      // What auth-status-actions.js turns into a rejected authenticate(): AuthError(message, code).
      assert.deepEqual(JSON.parse(await socket.first), {
        error: { code: 1014, message: 'The verification link has expired' },
      });
      assert.equal(await socket.closed, 1000);
      assert.deepEqual((await api.verifyStatus(flow.correlationId)).body, {
        success: 'false',
        possessionResult: 'failed',
        verifyResult: 'not_applicable',
      });
      const newest = (await api.messages('2001004010')).body.at(-1).link as string;
      const page = await api.openLink(newest);
      assert.equal(page.status, 410);
      assert.match(page.body, /Link expired/);
    }));

  test('each link has its own timer: no sweep needed on the real clock, and none outlives close()', async () => {
    const emu = await startEmulator({ port: 0, linkTtlMs: 150, rateLimitPerSecond: 10_000 });
    const api = new SandboxClient(emu.url);
    try {
      const flow = await api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });
      const socket = await statusSocket(emu, flow.authToken);
      await api.client('mobile/instantlink/start', flow.authToken, {});
      assert.equal(JSON.parse(await socket.first).error.code, 1014);
      // A second flow's timer is pending when the emulator closes; close() must clear it.
      const other = await api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });
      await api.client('mobile/instantlink/start', other.authToken, {});
    } finally {
      await emu.close();
    }
    const handles = (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo();
    assert.equal(handles.filter((h) => h === 'Timeout').length, 0, handles.join(', '));
  });
});

describe('limits', () => {
  test('a body over 4 KB is refused with 400 {code: 8001}', () =>
    withEmulator({}, async ({ api }) => {
      const big = await api.verify({ ...ADDY, possessionType: 'mobile', clientCustomerId: 'x'.repeat(4200) });
      assert.deepEqual([big.status, big.body], [400, { code: 8001, message: 'request body is over 4 KB' }]);
      const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      const bigClient = await api.client('mobile/otp/start', flow.authToken, { padding: 'x'.repeat(4100) });
      assert.equal(bigClient.status, 400);
      assert.equal(bigClient.body.code, 8001);
    }));

  test('above the rate: 429 with Retry-After, per client id on the server API', () =>
    withEmulator({ rateLimitPerSecond: 3 }, async ({ api }) => {
      const bearer = await api.bearer(); // the grant counts too: 1 of 3
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await api.verifyStatus('00000000-0000-4000-8000-000000000000', bearer));
      assert.deepEqual(
        answers.map((a) => a.status),
        [400, 400, 429],
      );
      const limited = answers[2]!;
      assert.equal(limited.headers.get('retry-after'), '1');
      assert.deepEqual(limited.body, { code: 1018, message: 'too many requests, slow down' });
    }));

  test('per flow on the client API, so one flow does not hold up another', () =>
    withEmulator({ rateLimitPerSecond: 2 }, async ({ api }) => {
      await api.bearer();
      await new Promise((resolve) => setTimeout(resolve, 1000)); // a fresh second for the server API
      const a = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      const b = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await api.client('mobile/otp/start', a.authToken, {})).status);
      assert.deepEqual(statuses, [200, 200, 429]);
      assert.equal((await api.client('mobile/otp/start', b.authToken, {})).status, 200);
    }));

  test('finalTargetUrl: at most 128 characters of letters, digits and -._+=/:?', () =>
    withEmulator({}, async ({ api }) => {
      const start = (finalTargetUrl: string) => api.verify({ ...ADDY, possessionType: 'desktop', finalTargetUrl });
      const longest = `https://example.com/${'a'.repeat(128 - 'https://example.com/'.length)}`;
      assert.equal((await start(longest)).status, 200);
      assert.equal((await start('https://ex-a_m.p+le.com:8443/a/b?c=d')).status, 200);
      for (const bad of [
        `${longest}a`,
        'https://example.com/?a=1&b=2',
        'https://example.com/#top',
        'https://example.com/~me',
        'https://example.com/%20',
      ]) {
        const refused = await start(bad);
        assert.deepEqual(
          [refused.status, refused.body],
          [400, { code: 8001, message: "field 'finalTargetUrl' is not valid" }],
          bad,
        );
      }
    }));
});

describe('sandbox persons', () => {
  test('Addy Epinay (2001004010) passes with 1234', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      await api.client('mobile/otp/start', flow.authToken);
      await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
      assert.equal((await api.verifyStatus(flow.correlationId)).body.success, 'true');
    }));

  test('the short-term users skip the SDK: possession succeeds without it', () =>
    withEmulator({}, async ({ api }) => {
      for (const person of [
        { firstName: 'Sheilakathryn', lastName: 'Butrimovich', phoneNumber: '2001004011' },
        { firstName: 'Rozella', lastName: 'Kimpton', phoneNumber: '+447968900002' },
      ]) {
        const started = await api.verify({ ...person, possessionType: 'mobile' });
        assert.equal(started.body.success, 'pending', person.lastName);
        const status = await api.verifyStatus(started.body.correlationId);
        assert.equal(status.body.success, 'true', person.lastName);
        assert.equal(status.body.possessionResult, 'success');
        assert.equal(status.body.verifyResult, 'success');
      }
    }));

  test('Kurt Mathen: /v3/verify fails at once, with no authToken', () =>
    withEmulator({}, async ({ api }) => {
      const started = await api.verify({
        firstName: 'Kurt',
        lastName: 'Mathen',
        phoneNumber: '2001004012',
        possessionType: 'mobile',
      });
      assert.equal(started.status, 200);
      assert.deepEqual(started.body, {
        correlationId: started.body.correlationId,
        success: 'false',
        possessionResult: 'not_applicable',
        verifyResult: 'failed',
      });
      assert.deepEqual((await api.verifyStatus(started.body.correlationId)).body, {
        success: 'false',
        possessionResult: 'not_applicable',
        verifyResult: 'failed',
      });
    }));

  test('Janek Ambrogio: possession fails, by code or by link', () =>
    withEmulator({}, async ({ api }) => {
      const janek = { firstName: 'Janek', lastName: 'Ambrogio', phoneNumber: '2001004013' };
      const otp = await api.startFlow({ ...janek, possessionType: 'mobile', allowOTPRetry: true });
      await api.client('mobile/otp/start', otp.authToken);
      assert.equal((await api.client('mobile/otp/finish', otp.authToken, { otp: '1234' })).body.data.code, 1010);

      const link = await api.startFlow({ ...janek, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });
      await api.client('mobile/instantlink/start', link.authToken, {});
      const opened = await api.openLink((await api.messages('2001004013')).body.at(-1).link);
      assert.equal(opened.status, 410);
      assert.deepEqual((await api.verifyStatus(link.correlationId)).body, {
        success: 'false',
        possessionResult: 'failed',
        verifyResult: 'not_applicable',
      });
    }));

  test('verify-status stays pending until both results are in', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });
      const pending = { success: 'pending', possessionResult: 'pending', verifyResult: 'pending' };
      assert.deepEqual((await api.verifyStatus(flow.correlationId)).body, pending);
      await api.client('mobile/instantlink/start', flow.authToken, {});
      assert.deepEqual((await api.verifyStatus(flow.correlationId)).body, pending, 'sent is not proven');
      await api.openLink((await api.messages('2001004010')).body.at(-1).link);
      assert.equal((await api.verifyStatus(flow.correlationId)).body.success, 'true');
    }));
});

describe('SMS texts', () => {
  test('Prove’s default texts for the code and the link', () =>
    withEmulator({}, async ({ api }) => {
      const otp = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
      await api.client('mobile/otp/start', otp.authToken);
      const link = await api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/' });
      await api.client('mobile/instantlink/start', link.authToken, {});
      const [code, sent] = (await api.messages('2001004010')).body as { body: string; link?: string }[];
      assert.equal(
        code!.body,
        "1234 is your temporary code to continue your application. Caution: for your security, don't share this code with anyone.",
      );
      assert.equal(
        sent!.body,
        `Complete your verification. If you did not make this request, do not click the link. ${sent!.link}`,
      );
    }));

  test('smsMessage: #### to ###### mark where the code goes; the sandbox code is 1234 whatever their length', () =>
    withEmulator({}, async ({ api }) => {
      for (const template of ['Code ####.', 'Code #####.', 'Code ######.']) {
        const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile', smsMessage: template });
        await api.client('mobile/otp/start', flow.authToken);
        const sms = (await api.messages('2001004010')).body.at(-1);
        assert.deepEqual([sms.body, sms.otp], ['Code 1234.', '1234'], template);
        assert.deepEqual((await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' })).body, {
          next: 'done',
        });
      }
      for (const code of ['12345', '123456']) {
        const six = await api.startFlow({ ...ADDY, possessionType: 'mobile', smsMessage: '###### is it' });
        await api.client('mobile/otp/start', six.authToken);
        assert.equal(
          (await api.client('mobile/otp/finish', six.authToken, { otp: code })).body.error.code,
          1010,
          `${code} is not the sandbox code`,
        );
      }

      const link = await api.startFlow({
        ...ADDY,
        possessionType: 'desktop',
        finalTargetUrl: 'https://example.com/',
        smsMessage: 'Tap #### now',
      });
      await api.client('mobile/instantlink/start', link.authToken, {});
      const sms = (await api.messages('2001004010')).body.at(-1);
      assert.equal(sms.body, `Tap ${sms.link} now`);
    }));

  test('smsMessage needs no placeholder: the text goes as written, in both contracts', () =>
    withEmulator({}, async ({ api }) => {
      for (const smsMessage of ['No code here', 'Code ###', 'Code #######']) {
        const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile', smsMessage });
        await api.client('mobile/otp/start', flow.authToken);
        assert.equal((await api.messages('2001004010')).body.at(-1).body, smsMessage);
        assert.deepEqual((await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' })).body, {
          next: 'done',
        });
      }
      const unify = await api.unify({
        possessionType: 'desktop',
        phoneNumber: '2001004014',
        clientRequestId: 'r-1',
        finalTargetUrl: 'https://example.com/',
        smsMessage: 'Your link is on its way',
      });
      assert.equal(unify.status, 200);
      await api.client('mobile/instantlink/start', unify.body.authToken, {});
      assert.equal((await api.messages('2001004014')).body.at(-1).body, 'Your link is on its way');
    }));

  test('smsMessage is at most 160 characters', () =>
    withEmulator({}, async ({ api }) => {
      assert.equal(
        (await api.verify({ ...ADDY, possessionType: 'mobile', smsMessage: '#'.repeat(4) + 'x'.repeat(156) })).status,
        200,
      );
      const refused = await api.verify({ ...ADDY, possessionType: 'mobile', smsMessage: 'x'.repeat(161) });
      assert.deepEqual(
        [refused.status, refused.body],
        [400, { code: 8001, message: "field 'smsMessage' is not valid" }],
      );
    }));
});
