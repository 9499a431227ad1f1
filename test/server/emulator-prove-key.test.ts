import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';
import { claimsOf, newDevice, registerKey, signedClientCall, verifyKey } from './emulator-prove-device.js';

// The client-API calls SDK 3.6.2 makes on a Unify token on a phone (device-passive-silent-step.js,
// request-signer-v3.js, mobile-instant-step.js), sent here as the SDK sends them.

const LORANT = '2001004014';
const LANEY = '2001004015';
const INGE = '2001004016';

async function withEmulator(
  options: EmulatorOptions,
  run: (ctx: { api: SandboxClient; emu: EmulatorHandle }) => Promise<void>,
) {
  const emu = await startEmulator({ port: 0, rateLimitPerSecond: 10_000, ...options });
  try {
    await run({ api: new SandboxClient(emu.url), emu });
  } finally {
    await emu.close();
  }
}

const unifyMobile = (phoneNumber: string, extra: Record<string, unknown> = {}) => ({
  possessionType: 'mobile',
  phoneNumber,
  clientRequestId: 'req-k',
  ...extra,
});

async function otp(api: SandboxClient, authToken: string) {
  await api.client('mobile/otp/start', authToken, {});
  return api.client('mobile/otp/finish', authToken, { otp: '1234' });
}

describe('Prove Key: device/passive/register and verify', () => {
  test('register: the signature over the token’s challenge places a key; deviceId comes back, then the OTP', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify(unifyMobile(LORANT));
      assert.match(claimsOf(flow.authToken).auth.ans, /^prove-sandbox-emulator http:\/\/localhost:\d+$/);
      const registered = await registerKey(api, flow.authToken, newDevice());
      assert.equal(registered.status, 200);
      assert.match(registered.body.data.deviceId, /^[0-9a-f-]{36}$/);
      assert.equal(registered.body.next, 'mobile/otp');
      assert.equal((await registerKey(api, flow.authToken, newDevice())).status, 403, 'the step is over');
      assert.deepEqual((await otp(api, flow.authToken)).body, { next: 'done' });
      assert.equal((await api.unifyStatus(flow.correlationId)).body.deviceId, registered.body.data.deviceId);
    }));

  test('a registration that does not hold places no key and moves on to the OTP', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify(unifyMobile(LORANT));
      const forged = await registerKey(api, flow.authToken, newDevice(), 'another challenge');
      assert.deepEqual(forged.body, {
        error: { code: 10000, message: 'The Prove Key does not hold' },
        next: 'mobile/otp',
      });
      await otp(api, flow.authToken);
      const status = (await api.unifyStatus(flow.correlationId)).body;
      assert.equal(status.success, 'true');
      assert.equal(status.deviceId, undefined);

      const other = await api.startUnify(unifyMobile(LORANT));
      const notP256 = await api.client('device/passive/register', other.authToken, {
        registrations: [{ publicKey: { id: 'k', alg: 'ES256', key: 'not a key', uvLevel: 0 }, signature: 'AAAA' }],
      });
      assert.equal(notP256.body.error.code, 10000);
      const badShape = await api.client(
        'device/passive/register',
        (await api.startUnify(unifyMobile(LORANT))).authToken,
        { registrations: [] },
      );
      assert.deepEqual(
        [badShape.status, badShape.body],
        [400, { code: 8001, message: "field 'registrations' is not valid" }],
      );
    }));

  test('a key bound by a passed flow proves the same phone alone next time: no code is sent', () =>
    withEmulator({}, async ({ api }) => {
      const device = newDevice();
      const first = await api.startUnify(unifyMobile(LORANT));
      const deviceId = (await registerKey(api, first.authToken, device)).body.data.deviceId as string;
      await otp(api, first.authToken);
      assert.equal((await api.unifyStatus(first.correlationId)).body.success, 'true');
      const texts = (await api.messages(LORANT)).body.length;

      const again = await api.startUnify(unifyMobile(LORANT));
      assert.deepEqual((await verifyKey(api, again.authToken, device, deviceId)).body, { next: 'done' });
      const status = (await api.unifyStatus(again.correlationId)).body;
      assert.deepEqual([status.success, status.deviceId], ['true', deviceId]);
      assert.equal((await api.messages(LORANT)).body.length, texts);
    }));

  test('DELETE /sandbox/devices: the key stays known but has proved no phone, so the next flow asks for the code', () =>
    withEmulator({}, async ({ api }) => {
      const device = newDevice();
      const first = await api.startUnify(unifyMobile(LORANT));
      const deviceId = (await registerKey(api, first.authToken, device)).body.data.deviceId as string;
      await otp(api, first.authToken);
      assert.equal((await api.unifyStatus(first.correlationId)).body.success, 'true');

      const forgot = await fetch(`${api.baseUrl}/sandbox/devices`, { method: 'DELETE' });
      assert.equal(forgot.status, 200);
      const again = await api.startUnify(unifyMobile(LORANT));
      assert.deepEqual((await verifyKey(api, again.authToken, device, deviceId)).body, { next: 'mobile/otp' });
      assert.equal((await otp(api, again.authToken)).body.next, 'done');
      assert.equal((await api.unifyStatus(again.correlationId)).body.deviceId, deviceId, 'the key is bound again');
    }));

  test('the bound key does not prove another phone, nor the same one with rebind', () =>
    withEmulator({}, async ({ api }) => {
      const device = newDevice();
      const first = await api.startUnify(unifyMobile(LORANT));
      const deviceId = (await registerKey(api, first.authToken, device)).body.data.deviceId as string;
      await otp(api, first.authToken);
      await api.unifyStatus(first.correlationId);

      const laney = await api.startUnify(unifyMobile(LANEY));
      assert.deepEqual((await verifyKey(api, laney.authToken, device, deviceId)).body, { next: 'mobile/otp' });
      const rebind = await api.startUnify(unifyMobile(LORANT, { rebind: true }));
      assert.deepEqual((await verifyKey(api, rebind.authToken, device, deviceId)).body, { next: 'mobile/otp' });
      // With rebind, the passed flow moves the key to its phone.
      const moved = await api.startUnify(unifyMobile(LANEY, { rebind: true }));
      await verifyKey(api, moved.authToken, device, deviceId);
      await otp(api, moved.authToken);
      assert.equal((await api.unifyStatus(moved.correlationId)).body.success, 'true');
      const onLaney = await api.startUnify(unifyMobile(LANEY));
      assert.deepEqual((await verifyKey(api, onLaney.authToken, device, deviceId)).body, { next: 'done' });
    }));

  test('verify: an unknown device is 10006 (the SDK forgets it); a wrong key or signature is refused', () =>
    withEmulator({}, async ({ api }) => {
      const device = newDevice();
      const first = await api.startUnify(unifyMobile(LORANT));
      const deviceId = (await registerKey(api, first.authToken, device)).body.data.deviceId as string;

      const unknown = await api.startUnify(unifyMobile(LORANT));
      assert.deepEqual((await verifyKey(api, unknown.authToken, device, '00000000-0000-4000-8000-000000000000')).body, {
        error: { code: 10006, message: 'No such device' },
        next: 'mobile/otp',
      });
      const stranger = await api.startUnify(unifyMobile(LORANT));
      assert.equal((await verifyKey(api, stranger.authToken, newDevice(), deviceId)).body.error.code, 10000);
    }));

  test('a Prove Key error report goes on to the possession step, it does not fail the flow', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify(unifyMobile(LORANT));
      const reported = await api.client('device/passive/error', flow.authToken, { message: 'IndexedDB unavailable' });
      assert.deepEqual(reported.body, { next: 'mobile/otp' });
      assert.deepEqual((await otp(api, flow.authToken)).body, { next: 'done' });
    }));

  test('the old contract has no Prove Key step', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startFlow({
        firstName: 'Addy',
        lastName: 'Epinay',
        phoneNumber: '2001004010',
        possessionType: 'mobile',
      });
      assert.equal(claimsOf(flow.authToken).auth.next, 'mobile/otp');
      assert.equal((await registerKey(api, flow.authToken, newDevice())).status, 403);
    }));
});

describe('signed requests once a key is registered', () => {
  test('/v1/client/challenge answers {challenge, ttl}; a signed error report is taken, an unsigned one refused', () =>
    withEmulator({}, async ({ api }) => {
      const device = newDevice();
      const flow = await api.startUnify(unifyMobile(LORANT));
      const deviceId = (await registerKey(api, flow.authToken, device)).body.data.deviceId as string;
      await api.client('mobile/otp/start', flow.authToken, {});

      const issued = await api.client('challenge', flow.authToken, { deviceId });
      assert.equal(issued.status, 200);
      assert.deepEqual(Object.keys(issued.body).sort(), ['challenge', 'ttl']);
      assert.equal(issued.body.ttl, 300);

      const unsigned = await api.client('mobile/otp/error', flow.authToken, { message: 'cancelled' });
      assert.deepEqual(
        [unsigned.status, unsigned.body],
        [401, { code: 1022, message: 'the request signature does not hold' }],
      );
      const otherKey = await signedClientCall(api, 'mobile/otp/error', flow.authToken, newDevice(), deviceId, {
        message: 'cancelled',
      });
      assert.equal(otherKey.status, 401);
      const signed = await signedClientCall(api, 'mobile/otp/error', flow.authToken, device, deviceId, {
        message: 'cancelled',
      });
      assert.deepEqual([signed.status, signed.body], [200, { next: 'done' }]);
      assert.equal((await api.unifyStatus(flow.correlationId)).body.success, 'false');
    }));

  test('a path the SDK does not sign needs no signature; a browser without a key signs nothing', () =>
    withEmulator({}, async ({ api }) => {
      const withKey = await api.startUnify({
        ...unifyMobile(LORANT),
        possessionType: 'desktop',
        finalTargetUrl: 'https://example.com/',
      });
      assert.deepEqual((await api.client('mobile/instantlink/error', withKey.authToken, { message: 'x' })).body, {
        next: 'done',
      });
      const keyless = await api.startUnify(unifyMobile(LORANT));
      await api.client('device/passive/error', keyless.authToken, { message: 'no IndexedDB' });
      assert.deepEqual((await api.client('mobile/otp/error', keyless.authToken, { message: 'x' })).body, {
        next: 'done',
      });
    }));
});

describe('Mobile Auth (mobile/instant) for Prove’s Mobile Auth persons', () => {
  test('Inge Galier: Prove Key, then Mobile Auth proves the phone with no text', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify(unifyMobile(INGE));
      assert.deepEqual(claimsOf(flow.authToken).auth.subs.mob, { auths: { inst: {}, otp: { mnp: true } } });
      const registered = await registerKey(api, flow.authToken, newDevice());
      assert.equal(registered.body.next, 'mobile/instant');

      const started = await api.client('mobile/instant/start', flow.authToken, {
        cellularIp: null,
        implementation: 'fetch',
      });
      const redirect = new URL(started.body.data.redirectUrl);
      assert.equal(redirect.origin, new URL(api.baseUrl).origin, 'served on the emulator’s own origin');
      // Plain http: mobile-auth refuses to fetch it, so the URL carries its own test answer.
      const vfp = redirect.searchParams.get('testVfp');
      assert.ok(vfp);
      const carrier = await fetch(redirect.href);
      assert.deepEqual(await carrier.json(), { vfp });

      assert.deepEqual((await api.client('mobile/instant/finish', flow.authToken, { vfp })).body, { next: 'done' });
      const status = (await api.unifyStatus(flow.correlationId)).body;
      assert.deepEqual([status.success, status.phoneNumber], ['true', INGE]);
      assert.equal((await api.messages(INGE)).body.length, 0, 'no text sent');
    }));

  test('Jesse Mashro and Penny Jowers too; over https the URL has no test answer to take', () =>
    withEmulator({ publicOrigin: 'https://emulator.example' }, async ({ api }) => {
      for (const phone of ['2001004017', '2001004041']) {
        const flow = await api.startUnify(unifyMobile(phone));
        assert.equal((await registerKey(api, flow.authToken, newDevice())).body.next, 'mobile/instant', phone);
        const started = await api.client('mobile/instant/start', flow.authToken, {
          cellularIp: null,
          implementation: 'fetch',
        });
        const redirect = new URL(started.body.data.redirectUrl);
        assert.equal(redirect.origin, 'https://emulator.example');
        assert.equal(redirect.searchParams.get('testVfp'), null);
        const vfp = redirect.pathname.split('/').at(-1);
        assert.deepEqual((await api.client('mobile/instant/finish', flow.authToken, { vfp })).body, { next: 'done' });
      }
    }));

  test('a wrong vfp or a reported failure falls back to the OTP', () =>
    withEmulator({}, async ({ api }) => {
      const wrong = await api.startUnify(unifyMobile(INGE));
      await registerKey(api, wrong.authToken, newDevice());
      await api.client('mobile/instant/start', wrong.authToken, { cellularIp: null, implementation: 'fetch' });
      const refused = await api.client('mobile/instant/finish', wrong.authToken, { vfp: 'guess' });
      assert.deepEqual(refused.body, {
        error: { code: 1017, message: 'Mobile Auth is not available for this phone' },
        next: 'mobile/otp',
      });
      assert.deepEqual((await otp(api, wrong.authToken)).body, { next: 'done' });

      // The SDK reports a failed carrier call (a CSP block, a VPN) on mobile/instant/error, signed.
      const device = newDevice();
      const blocked = await api.startUnify(unifyMobile(INGE));
      const deviceId = (await registerKey(api, blocked.authToken, device)).body.data.deviceId as string;
      const reported = await signedClientCall(api, 'mobile/instant/error', blocked.authToken, device, deviceId, {
        code: 10002,
        message: 'Failed to fetch',
      });
      assert.deepEqual(reported.body, { next: 'mobile/otp' });
      assert.deepEqual((await otp(api, blocked.authToken)).body, { next: 'done' });
    }));

  test('everyone else goes from the Prove Key straight to the OTP; Mobile Auth answers as before', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify(unifyMobile('2001004010'));
      assert.equal((await registerKey(api, flow.authToken, newDevice())).body.next, 'mobile/otp');
      const tried = await api.client('mobile/instant/start', flow.authToken, {
        cellularIp: null,
        implementation: 'fetch',
      });
      assert.deepEqual(tried.body, {
        error: { code: 1017, message: 'Mobile Auth is not available for this phone' },
        next: 'mobile/otp',
      });
      assert.deepEqual((await otp(api, flow.authToken)).body, { next: 'done' });
    }));

  test('desktop Mobile Auth persons get the Instant Link', () =>
    withEmulator({}, async ({ api }) => {
      const flow = await api.startUnify({
        ...unifyMobile(INGE),
        possessionType: 'desktop',
        finalTargetUrl: 'https://example.com/',
      });
      assert.equal(claimsOf(flow.authToken).auth.next, 'mobile/instantlink');
    }));
});
