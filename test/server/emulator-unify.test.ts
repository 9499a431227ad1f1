import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';
import { claimsOf, newDevice, registerKey } from './emulator-prove-device.js';

// Prove's current contract: /v3/unify, /v3/unify-status, /v3/unify-bind (reference/unify-*).

const LORANT = '2001004014';
const LANEY = '2001004015';
const MINUTE = 60_000;

async function withEmulator(
  options: EmulatorOptions,
  run: (ctx: { api: SandboxClient; emu: EmulatorHandle; clock: { now: number } }) => Promise<void>,
) {
  const clock = { now: Date.parse('2033-03-04T05:06:07Z') };
  const emu = await startEmulator({ port: 0, now: () => clock.now, rateLimitPerSecond: 10_000, ...options });
  try {
    await run({ api: new SandboxClient(emu.url), emu, clock });
  } finally {
    await emu.close();
  }
}

const mobile = (phoneNumber = LORANT, extra: Record<string, unknown> = {}) => ({
  possessionType: 'mobile',
  phoneNumber,
  clientRequestId: 'req-1',
  ...extra,
});

/** The SDK's steps for a Unify mobile flow with the OTP: the Prove Key, then 1234. */
async function proveOnPhone(api: SandboxClient, authToken: string, otp = '1234') {
  const registered = await registerKey(api, authToken, newDevice());
  assert.equal(registered.body.next, 'mobile/otp');
  await api.client('mobile/otp/start', authToken, {});
  return api.client('mobile/otp/finish', authToken, { otp });
}

describe('POST /v3/unify', () => {
  test('answers {authToken, correlationId, success: "pending"} and nothing else', () =>
    withEmulator({}, async ({ api }) => {
      const started = await api.unify(mobile());
      assert.equal(started.status, 200);
      assert.deepEqual(Object.keys(started.body).sort(), ['authToken', 'correlationId', 'success']);
      assert.equal(started.body.success, 'pending');
    }));

  test('mobile and none start with the Prove Key step; desktop with the Instant Link (no Prove Key)', () =>
    withEmulator({}, async ({ api }) => {
      const onPhone = claimsOf((await api.startUnify(mobile())).authToken).auth;
      assert.equal(onPhone.next, 'device/passive');
      // No uvlvl: the SDK reads "none" and takes device/passive/silent, never a passkey prompt.
      assert.deepEqual(onPhone.subs, {
        dev: { auths: { pasv: { cdt: false } } },
        mob: { auths: { otp: { mnp: true } } },
      });

      const desktop = claimsOf(
        (await api.startUnify({ ...mobile(), possessionType: 'desktop', finalTargetUrl: 'https://example.com/' }))
          .authToken,
      ).auth;
      assert.equal(desktop.next, 'mobile/instantlink');
      assert.deepEqual(desktop.subs, { mob: { auths: { inln: { mnp: true } } } });

      const none = claimsOf((await api.startUnify({ ...mobile(), possessionType: 'none' })).authToken).auth;
      assert.equal(none.next, 'device/passive');
      assert.deepEqual(none.subs, { dev: { auths: { pasv: { cdt: false } } } });
    }));

  test('clientRequestId and possessionType are required; phoneNumber too unless proveId names the person', () =>
    withEmulator({}, async ({ api }) => {
      for (const field of ['possessionType', 'clientRequestId', 'phoneNumber'] as const) {
        const { [field]: _dropped, ...rest } = mobile();
        const missing = await api.unify(rest);
        assert.deepEqual(
          [missing.status, missing.body],
          [400, { code: 8001, message: `field '${field}' is missing` }],
          field,
        );
        const blank = await api.unify({ ...mobile(), [field]: ' ' });
        assert.deepEqual(blank.body, { code: 8001, message: `field '${field}' is missing` }, field);
      }
      const byProveId = await api.unify({
        possessionType: 'mobile',
        clientRequestId: 'r',
        proveId: 'e5f6a7b8-2c3d-4e4f-9a5b-2001004014ee',
      });
      assert.equal(byProveId.status, 200);
      const unknownId = await api.unify({ possessionType: 'mobile', clientRequestId: 'r', proveId: 'nobody' });
      assert.deepEqual(unknownId.body, { code: 8001, message: "field 'proveId' is not valid" });
    }));

  test('desktop needs finalTargetUrl under the same rules as /v3/verify', () =>
    withEmulator({}, async ({ api }) => {
      const desktop = { ...mobile(), possessionType: 'desktop' };
      assert.deepEqual((await api.unify(desktop)).body, { code: 8001, message: "field 'finalTargetUrl' is missing" });
      for (const bad of [`https://example.com/${'a'.repeat(109)}`, 'javascript:alert(1)', 'https://example.com/#top']) {
        assert.deepEqual(
          (await api.unify({ ...desktop, finalTargetUrl: bad })).body,
          { code: 8001, message: "field 'finalTargetUrl' is not valid" },
          bad,
        );
      }
      assert.equal(
        (await api.unify({ ...desktop, finalTargetUrl: `https://example.com/${'a'.repeat(108)}` })).status,
        200,
      );
    }));

  test('takes Prove’s optional fields, and checks the ones with documented characters', () =>
    withEmulator({}, async ({ api }) => {
      const full = {
        ...mobile(),
        smsMessage: '#### is your code',
        allowOTPRetry: true,
        clientCustomerId: 'cust-1',
        clientHumanId: 'human-1',
        checkReputation: true,
        deviceId: 'bf9ea15d-7dfa-4bb4-a64c-6c26b53472fc',
        proveId: 'a07b94ce-218c-461f-beda-d92480e40f61',
        rebind: false,
        emailAddress: 'lnerger@example.com',
        ipAddress: '192.168.0.1',
      };
      assert.equal((await api.unify(full)).status, 200);
      for (const [field, value] of [
        ['possessionType', 'tablet'],
        ['allowOTPRetry', 'yes'],
        ['emailAddress', 'a b@example.com'],
        ['ipAddress', '10.0.0.1/8'],
        ['rebind', 1],
        ['phoneNumber', '12'],
      ] as const) {
        assert.deepEqual(
          (await api.unify({ ...full, [field]: value })).body,
          { code: 8001, message: `field '${field}' is not valid` },
          field,
        );
      }
    }));

  test('a number that is no sandbox person: 400 {code: 8007}; no bearer: 401', () =>
    withEmulator({}, async ({ api }) => {
      assert.deepEqual((await api.unify(mobile('2025550100'))).body, {
        code: 8007,
        message: 'no test user found matching the phone number',
      });
      assert.equal((await api.unify(mobile(), null)).status, 401);
    }));
});

describe('POST /v3/unify-status', () => {
  test('pending, then true with the phone in Prove’s style, proveId, deviceId and the clientRequestId', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify(mobile());
      assert.deepEqual((await api.unifyStatus(flow.correlationId)).body, { success: 'pending', phoneNumber: LORANT });
      assert.deepEqual((await proveOnPhone(api, flow.authToken)).body, { next: 'done' });
      const status = await api.unifyStatus(flow.correlationId, 'req-2');
      assert.equal(status.status, 200);
      const { deviceId, ...rest } = status.body;
      assert.match(deviceId, /^[0-9a-f-]{36}$/);
      // No correlationId and no possessionResult/verifyResult: Prove's V3UnifyStatusResponse has none.
      assert.deepEqual(rest, {
        success: 'true',
        phoneNumber: LORANT,
        proveId: 'e5f6a7b8-2c3d-4e4f-9a5b-2001004014ee',
        clientRequestId: 'req-2',
      });
    }));

  test('false after a wrong code; clientHumanId comes back when the flow had one', () =>
    withEmulator({}, async ({ api }) => {
      const wrong = await api.startUnify(mobile());
      await proveOnPhone(api, wrong.authToken, '4321');
      assert.deepEqual((await api.unifyStatus(wrong.correlationId)).body, { success: 'false', phoneNumber: LORANT });

      const human = await api.startUnify(mobile(LORANT, { clientHumanId: 'human-7' }));
      await proveOnPhone(api, human.authToken);
      assert.equal((await api.unifyStatus(human.correlationId)).body.clientHumanId, 'human-7');
    }));

  test('desktop: the Instant Link proves it, and no deviceId (a Prove Key is for phones only)', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify({
        ...mobile(LANEY),
        possessionType: 'desktop',
        finalTargetUrl: 'https://example.com/',
      });
      assert.equal((await registerKey(api, flow.authToken, newDevice())).status, 403, 'desktop skips the Prove Key');
      await api.client('mobile/instantlink/start', flow.authToken, {});
      await api.openLink((await api.messages(LANEY)).body.at(-1).link);
      assert.deepEqual((await api.unifyStatus(flow.correlationId)).body, {
        success: 'true',
        phoneNumber: LANEY,
        proveId: '07b8c9d0-4e5f-4a6b-9c7d-200100401500',
      });
    }));

  test('the short-term user needs no SDK and gets no Prove Key; Rozella’s number keeps its +44', () =>
    withEmulator({}, async ({ api }) => {
      const sheila = await api.startUnify(mobile('2001004011'));
      assert.deepEqual((await api.unifyStatus(sheila.correlationId)).body, {
        success: 'true',
        phoneNumber: '2001004011',
        proveId: 'a07b94ce-218c-461f-beda-d92480e40f61',
      });
      const rozella = await api.startUnify(mobile('+447968900002'));
      assert.equal((await api.unifyStatus(rozella.correlationId)).body.phoneNumber, '+447968900002');
    }));

  test('one contract’s correlationId is unknown to the other’s status call (8008)', () =>
    withEmulator({}, async ({ api }) => {
      const unify = await api.startUnify(mobile());
      const seed = await api.startFlow({
        firstName: 'Addy',
        lastName: 'Epinay',
        phoneNumber: '2001004010',
        possessionType: 'mobile',
      });
      const invalid = { code: 8008, message: 'invalid correlationId' };
      assert.deepEqual((await api.verifyStatus(unify.correlationId)).body, invalid);
      assert.deepEqual((await api.unifyStatus(seed.correlationId)).body, invalid);
      assert.deepEqual((await api.post('/v3/unify-status', {})).body, {
        code: 8001,
        message: "field 'correlationId' is missing",
      });
    }));

  test('the status-pending fault answers pending once', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify(mobile('2001004011'));
      await api.armFault('status-pending');
      assert.equal((await api.unifyStatus(flow.correlationId)).body.success, 'pending');
      assert.equal((await api.unifyStatus(flow.correlationId)).body.success, 'true');
    }));
});

describe('possessionType none and POST /v3/unify-bind', () => {
  test('the SDK places the key, unify-status says possession_required, the bind makes it true', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify({ ...mobile(), possessionType: 'none' });
      const early = await api.unifyBind({ correlationId: flow.correlationId, phoneNumber: LORANT });
      assert.deepEqual(
        [early.status, early.body],
        [403, { code: 8003, message: 'step not allowed' }],
        'not before the SDK ran',
      );

      const placed = await registerKey(api, flow.authToken, newDevice());
      assert.equal(placed.body.next, 'done');
      assert.deepEqual((await api.unifyStatus(flow.correlationId)).body, {
        success: 'possession_required',
        phoneNumber: LORANT,
      });
      assert.equal(
        (await api.client('mobile/otp/start', flow.authToken, {})).status,
        403,
        'Prove sends no code in none',
      );

      const bound = await api.unifyBind({
        correlationId: flow.correlationId,
        phoneNumber: `+1${LORANT}`,
        clientRequestId: 'req-3',
      });
      assert.equal(bound.status, 200);
      assert.deepEqual(bound.body, {
        success: 'true',
        phoneNumber: LORANT,
        proveId: 'e5f6a7b8-2c3d-4e4f-9a5b-2001004014ee',
        deviceId: placed.body.data.deviceId,
        clientRequestId: 'req-3',
      });
      assert.equal((await api.unifyStatus(flow.correlationId)).body.success, 'true');
      assert.equal(
        (await api.unifyBind({ correlationId: flow.correlationId, phoneNumber: LORANT })).status,
        403,
        'once',
      );
    }));

  test('binding another phone fails the flow; fields are checked', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify({ ...mobile(), possessionType: 'none' });
      await registerKey(api, flow.authToken, newDevice());
      assert.deepEqual((await api.unifyBind({ correlationId: flow.correlationId })).body, {
        code: 8001,
        message: "field 'phoneNumber' is missing",
      });
      assert.deepEqual((await api.unifyBind({ phoneNumber: LORANT })).body, {
        code: 8001,
        message: "field 'correlationId' is missing",
      });
      assert.equal((await api.unifyBind({ correlationId: 'nope', phoneNumber: LORANT })).body.code, 8008);
      const other = await api.unifyBind({ correlationId: flow.correlationId, phoneNumber: LANEY });
      assert.deepEqual([other.status, other.body], [200, { success: 'false', phoneNumber: LANEY }]);
      assert.deepEqual((await api.unifyStatus(flow.correlationId)).body, { success: 'false', phoneNumber: LORANT });
    }));
});

describe('the change-number step changes the phone that is proved', () => {
  test('unify: unify-status names the new phone, and only that phone counts as proved', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify(mobile());
      await registerKey(api, flow.authToken, newDevice());
      await api.client('mobile/otp/start', flow.authToken, {});
      const changed = await api.client('mobile/otp/start', flow.authToken, { mobileNumber: LANEY });
      assert.deepEqual(changed.body, { next: 'mobile/otp' });
      assert.equal((await api.messages(LANEY)).body.at(-1).otp, '1234');
      await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
      const status = (await api.unifyStatus(flow.correlationId)).body;
      assert.deepEqual(
        [status.success, status.phoneNumber, status.proveId],
        ['true', LANEY, '07b8c9d0-4e5f-4a6b-9c7d-200100401500'],
      );

      const started = await api.verifiedUser({
        phoneNumber: LORANT,
        firstName: 'Lorant',
        lastName: 'Nerger',
        clientRequestId: 'r',
      });
      assert.deepEqual(
        [started.status, started.body],
        [403, { code: 8003, message: 'step not allowed' }],
        'the started phone was not proved',
      );
      assert.equal(
        (await api.verifiedUser({ phoneNumber: LANEY, firstName: 'Laney', lastName: 'Dyball', clientRequestId: 'r' }))
          .body.success,
        'true',
      );
    }));

  test('by Instant Link too: the link goes to the new phone and unify-status names it', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify({
        ...mobile(),
        possessionType: 'desktop',
        finalTargetUrl: 'https://example.com/',
      });
      await api.client('mobile/instantlink/start', flow.authToken, { mobileNumber: LANEY });
      await api.openLink((await api.messages(LANEY)).body.at(-1).link);
      assert.equal((await api.unifyStatus(flow.correlationId)).body.phoneNumber, LANEY);
    }));

  test('verify-status: the identity check runs on the phone proved, not the one started', () =>
    withEmulator({}, async ({ api }) => {
      // Started on Addy's phone with Lorant's name: only a swap to Lorant's phone can pass.
      const body = { firstName: 'Lorant', lastName: 'Nerger', phoneNumber: '2001004010', possessionType: 'mobile' };
      const kept = await api.startFlow(body);
      await api.client('mobile/otp/start', kept.authToken, {});
      await api.client('mobile/otp/finish', kept.authToken, { otp: '1234' });
      assert.equal((await api.verifyStatus(kept.correlationId)).body.verifyResult, 'failed');

      const swapped = await api.startFlow(body);
      await api.client('mobile/otp/start', swapped.authToken, { mobileNumber: LORANT });
      await api.client('mobile/otp/finish', swapped.authToken, { otp: '1234' });
      assert.deepEqual((await api.verifyStatus(swapped.correlationId)).body, {
        success: 'true',
        possessionResult: 'success',
        verifyResult: 'success',
        identityId: 'd4e5f6a7-1b2c-4d3e-8f4a-2001004014dd',
      });
    }));

  test('a swap to a person whose possession fails fails, whatever the started person', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify(mobile());
      await registerKey(api, flow.authToken, newDevice());
      await api.client('mobile/otp/start', flow.authToken, { mobileNumber: '2001004013' });
      assert.equal((await api.client('mobile/otp/finish', flow.authToken, { otp: '1234' })).body.next, 'done');
      assert.deepEqual((await api.unifyStatus(flow.correlationId)).body, {
        success: 'false',
        phoneNumber: '2001004013',
      });
    }));
});

describe('code 8009: a sandbox person with credentials that are not theirs', () => {
  const limited = {
    clientId: 'unify-project',
    clientSecret: 'unify-secret',
    products: ['unify'] as const,
    persons: [LORANT, '2001004016'],
  };

  test('a limited credential reaches only its persons and products; the default one reaches all', () =>
    withEmulator({ credentials: [limited] }, async ({ api, emu }) => {
      const project = new SandboxClient(emu.url, limited.clientId, limited.clientSecret);
      const denied = { code: 8009, message: 'test user not allowed with these credentials' };
      assert.equal((await project.unify(mobile())).status, 200);
      const other = await project.unify(mobile(LANEY));
      assert.deepEqual([other.status, other.body], [403, denied]);
      const seed = await project.verify({
        firstName: 'Lorant',
        lastName: 'Nerger',
        phoneNumber: LORANT,
        possessionType: 'mobile',
      });
      assert.deepEqual([seed.status, seed.body], [403, denied], 'not a verify-status project');
      const verified = await project.verifiedUser({
        phoneNumber: LORANT,
        firstName: 'Lorant',
        lastName: 'Nerger',
        clientRequestId: 'r',
      });
      assert.deepEqual([verified.status, verified.body], [403, denied], 'not a Verified Users project');

      for (const phoneNumber of [LORANT, LANEY, '2001004053'])
        assert.equal((await api.unify(mobile(phoneNumber))).status, 200, phoneNumber);
      assert.equal(
        (
          await api.verify({
            firstName: 'Addy',
            lastName: 'Epinay',
            phoneNumber: '2001004010',
            possessionType: 'mobile',
          })
        ).status,
        200,
      );
    }));

  test('the change-number step cannot reach a person outside the credential: the SDK asks again', () =>
    withEmulator({ credentials: [limited] }, async ({ api, emu }) => {
      const project = new SandboxClient(emu.url, limited.clientId, limited.clientSecret);
      const flow = await project.startUnify(mobile());
      await registerKey(api, flow.authToken, newDevice());
      const refused = await api.client('mobile/otp/start', flow.authToken, { mobileNumber: LANEY });
      assert.deepEqual(refused.body, { data: { code: 8009, message: 'test user not allowed with these credentials' } });
      assert.equal((await api.messages(LANEY)).body.length, 0);
    }));

  test('a credential’s flows are its own: another client’s correlationId is 8008', () =>
    withEmulator({ credentials: [limited] }, async ({ api, emu }) => {
      const project = new SandboxClient(emu.url, limited.clientId, limited.clientSecret);
      const flow = await project.startUnify(mobile());
      assert.equal((await api.unifyStatus(flow.correlationId)).body.code, 8008);
      assert.equal((await project.token(limited.clientId, 'wrong')).status, 401);
    }));

  test('a credential the emulator cannot use is refused at startup', async () => {
    await assert.rejects(
      startEmulator({ port: 0, credentials: [{ clientId: 'x', clientSecret: 'y', products: ['prefill' as 'unify'] }] }),
      /unknown product/,
    );
    await assert.rejects(
      startEmulator({ port: 0, credentials: [{ clientId: 'x', clientSecret: 'y', persons: ['12'] }] }),
      /not a phone number/,
    );
    await assert.rejects(
      startEmulator({ port: 0, credentials: [{ clientId: 'demo-client-id', clientSecret: 'y' }] }),
      /given twice/,
    );
  });
});

describe('lifetimes', () => {
  test('a Unify flow lives 15 minutes like the old one', () =>
    withEmulator({}, async ({ api, clock }) => {
      const flow = await api.startUnify(mobile('2001004011'));
      clock.now += 15 * MINUTE;
      api.resetToken();
      assert.equal((await api.unifyStatus(flow.correlationId)).body.code, 8008);
    }));
});
