import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';
import { claimsOf } from './emulator-prove-device.js';

// The SDK's own pieces, run in Node against the emulator: its key (web-device-auth.js, WebCrypto
// and its own DER conversion), its request signer (request-signer-v3.js) and Mobile Auth's URL
// handling (@prove-identity/mobile-auth's fetch step). What needs a browser (IndexedDB, the
// step machine) is the browser test's.

const require = createRequire(import.meta.url);
const { WebDeviceRegistration } = require('@prove-identity/prove-auth/build/lib/proveauth/internal/web-device-auth.js');
const RequestSignerV3 = require('@prove-identity/prove-auth/build/lib/proveauth/internal/request-signer-v3.js').default;
const FetchAuthenticationStep =
  require('@prove-identity/mobile-auth/build/lib/mobileauth/internal/auth/fetch-authentication-step.js').default;

let emu: EmulatorHandle;
let api: SandboxClient;
before(async () => {
  emu = await startEmulator({ port: 0, rateLimitPerSecond: 10_000 });
  api = new SandboxClient(emu.url);
});
after(() => emu.close());

const start = (phoneNumber: string) =>
  api.startUnify({ possessionType: 'mobile', phoneNumber, clientRequestId: 'sdk' });

/** What device-passive-silent-step.js register() posts, with the SDK's own registration object. */
async function sdkRegister(authToken: string) {
  const { auth } = claimsOf(authToken);
  const registration = new WebDeviceRegistration({ namespace: auth.ans, endpoint: auth.endp });
  const answer = await api.client('device/passive/register', authToken, {
    deviceName: 'Chrome 124 on Android',
    deviceCapabilities: ['webauthn'],
    registrations: [await registration.getAuthRegistration(auth.chlg)],
    signals: registration.getSignals(),
  });
  registration.deviceId = answer.body.data?.deviceId ?? null;
  return { registration, answer };
}

describe('the SDK’s own Prove Key code against the emulator', () => {
  test('register, bind by OTP, then verify: several keys, so DER’s leading-zero cases come up', async () => {
    for (let i = 0; i < 8; i++) {
      const first = await start('2001004014');
      const { registration, answer } = await sdkRegister(first.authToken);
      assert.equal(answer.body.next, 'mobile/otp', `key ${i}`);
      await api.client('mobile/otp/start', first.authToken, {});
      await api.client('mobile/otp/finish', first.authToken, { otp: '1234' });
      assert.equal((await api.unifyStatus(first.correlationId)).body.deviceId, registration.deviceId);

      const again = await start('2001004014');
      const signature = await registration.sign(`${registration.deviceId}:${claimsOf(again.authToken).auth.chlg}`);
      const verified = await api.client('device/passive/verify', again.authToken, {
        deviceId: registration.deviceId,
        keyId: registration.keyId,
        signature,
        signals: {},
      });
      assert.deepEqual(verified.body, { next: 'done' }, `key ${i}`);
    }
  });

  test('request-signer-v3 signs an error report the emulator accepts', async () => {
    const flow = await start('2001004014');
    const { registration } = await sdkRegister(flow.authToken);
    await api.client('mobile/otp/start', flow.authToken, {});
    const session = {
      getDeviceRegistration: () => Promise.resolve(registration),
      fetchFromBackend: async (path: string, body: object) => (await api.post(path, body, flow.authToken)).body,
    };
    const body = JSON.stringify({ message: 'person cancelled' });
    const signature = await new RequestSignerV3(session).sign(
      'POST',
      '/v1/client/mobile/otp/error',
      '',
      'application/json',
      body,
    );
    assert.equal(signature.version, '3');
    const reported = await api.post('/v1/client/mobile/otp/error', body, flow.authToken, {
      'PA-Sig-Version': signature.version,
      'PA-Challenge': signature.challenge,
      'PA-KID': signature.keyId,
      'PA-Signature': signature.signature,
    });
    assert.deepEqual([reported.status, reported.body], [200, { next: 'done' }]);
  });
});

describe('Mobile Auth’s own URL handling', () => {
  test('the redirectUrl yields the vfp that /mobile/instant/finish takes', async () => {
    const flow = await start('2001004016');
    assert.equal((await sdkRegister(flow.authToken)).answer.body.next, 'mobile/instant');
    const started = await api.client('mobile/instant/start', flow.authToken, {
      cellularIp: null,
      implementation: 'fetch',
    });
    const { vfp } = await new FetchAuthenticationStep().execute({ authUrl: started.body.data.redirectUrl });
    assert.deepEqual((await api.client('mobile/instant/finish', flow.authToken, { vfp })).body, { next: 'done' });
    assert.equal((await api.unifyStatus(flow.correlationId)).body.success, 'true');
  });
});
