import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';
import { newDevice, registerKey } from './emulator-prove-device.js';

// /v3/verify with verificationType verifiedUser (reference/verify, how-to/verified-users-verify),
// and how the one /v3/verify path tells it from the July 2025 contract.

const MINUTE = 60_000;
let clock = Date.parse('2034-05-06T07:08:09Z');
let emu: EmulatorHandle;
let api: SandboxClient;

before(async () => {
  emu = await startEmulator({
    port: 0,
    now: () => clock,
    rateLimitPerSecond: 10_000,
    credentials: [{ clientId: 'other', clientSecret: 'other-secret' }],
  });
  api = new SandboxClient(emu.url);
});
after(() => emu.close());

/** Step 1, Authentication: a Unify mobile flow that ends with unify-status true. */
async function proveByUnify(phoneNumber: string, client = api): Promise<void> {
  const flow = await client.startUnify({ possessionType: 'mobile', phoneNumber, clientRequestId: 'auth-1' });
  const registered = await registerKey(client, flow.authToken, newDevice());
  if (registered.body.next === 'mobile/instant') {
    const started = await client.client('mobile/instant/start', flow.authToken, {
      cellularIp: null,
      implementation: 'fetch',
    });
    const vfp = new URL(started.body.data.redirectUrl).searchParams.get('testVfp');
    assert.deepEqual((await client.client('mobile/instant/finish', flow.authToken, { vfp })).body, { next: 'done' });
  } else {
    await client.client('mobile/otp/start', flow.authToken, {});
    await client.client('mobile/otp/finish', flow.authToken, { otp: '1234' });
  }
  assert.equal((await client.unifyStatus(flow.correlationId)).body.success, 'true');
}

const person = (phoneNumber: string, firstName: string, lastName: string) => ({
  phoneNumber,
  firstName,
  lastName,
  clientRequestId: 'verify-1',
});

describe('verifiedUser after Unify', () => {
  test('Elena Coldman (reference/verify’s example): true, AL3', async () => {
    await proveByUnify('2001004053');
    const answer = await api.verifiedUser({
      ...person('2001004053', 'Elena', 'Coldman'),
      clientCustomerId: 'cust-9',
      emailAddress: 'ecoldman1h@storify.com',
    });
    assert.equal(answer.status, 200);
    const { correlationId, ...rest } = answer.body;
    assert.match(correlationId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(rest, {
      success: 'true',
      phoneNumber: '2001004053',
      proveId: '8f364758-c0d1-42e3-9ef5-200100405388',
      clientRequestId: 'verify-1',
      clientCustomerId: 'cust-9',
      identity: { firstName: 'Elena', lastName: 'Coldman', assuranceLevel: 'AL3', reasons: ['3A'] },
    });
  });

  test('Addy Epinay passes here too (AL2), the phone echoed as sent', async () => {
    await proveByUnify('2001004010');
    const answer = await api.verifiedUser(person('+12001004010', 'addy', 'EPINAY'));
    assert.equal(answer.body.success, 'true');
    assert.equal(answer.body.phoneNumber, '+12001004010');
    assert.deepEqual(answer.body.identity, {
      firstName: 'addy',
      lastName: 'EPINAY',
      assuranceLevel: 'AL2',
      reasons: ['2A'],
    });
  });

  test('a name that is not the phone’s owner: false, and no empty reasons array (Prove leaves empty arrays out)', async () => {
    await proveByUnify('2001004014');
    const answer = await api.verifiedUser(person('2001004014', 'Laney', 'Dyball'));
    assert.equal(answer.body.success, 'false');
    assert.deepEqual(answer.body.identity, { firstName: 'Laney', lastName: 'Dyball', assuranceLevel: 'AL0' });
  });

  test('Kurt Mathen proves possession but fails Verified Users', async () => {
    await proveByUnify('2001004012');
    const answer = await api.verifiedUser(person('2001004012', 'Kurt', 'Mathen'));
    assert.equal(answer.body.success, 'false');
    assert.equal(answer.body.identity.assuranceLevel, 'AL0');
  });

  test('without a Unify success for that phone by this client: 403 {code: 8003} (“This step must be complete before proceeding”)', async () => {
    const notYet = await api.verifiedUser(person('2001004015', 'Laney', 'Dyball'));
    assert.deepEqual([notYet.status, notYet.body], [403, { code: 8003, message: 'step not allowed' }]);

    const other = new SandboxClient(emu.url, 'other', 'other-secret');
    await proveByUnify('2001004015', other);
    assert.equal(
      (await api.verifiedUser(person('2001004015', 'Laney', 'Dyball'))).status,
      403,
      'another client’s proof',
    );
    assert.equal((await other.verifiedUser(person('2001004015', 'Laney', 'Dyball'))).body.success, 'true');

    // A Unify flow that has not reached true yet proves nothing.
    const pending = await api.startUnify({ possessionType: 'mobile', phoneNumber: '2001004041', clientRequestId: 'r' });
    await registerKey(api, pending.authToken, newDevice());
    assert.equal((await api.verifiedUser(person('2001004041', 'Penny', 'Jowers'))).status, 403);
    // Nor does the July 2025 contract's possession.
    const seed = await api.startFlow({
      firstName: 'Inge',
      lastName: 'Galier',
      phoneNumber: '2001004016',
      possessionType: 'mobile',
    });
    await api.client('mobile/otp/start', seed.authToken, {});
    await api.client('mobile/otp/finish', seed.authToken, { otp: '1234' });
    assert.equal((await api.verifyStatus(seed.correlationId)).body.success, 'true');
    assert.equal((await api.verifiedUser(person('2001004016', 'Inge', 'Galier'))).status, 403);
  });

  test('a proof lasts 15 minutes', async () => {
    await proveByUnify('2001004017');
    clock += 15 * MINUTE - 1000;
    api.resetToken();
    assert.equal((await api.verifiedUser(person('2001004017', 'Jesse', 'Mashro'))).status, 200);
    clock += 1000;
    api.resetToken();
    assert.equal((await api.verifiedUser(person('2001004017', 'Jesse', 'Mashro'))).status, 403);
  });

  test('the verify-refused fault answers false once', async () => {
    await proveByUnify('2001004010');
    await api.armFault('verify-refused');
    assert.equal((await api.verifiedUser(person('2001004010', 'Addy', 'Epinay'))).body.success, 'false');
    assert.equal((await api.verifiedUser(person('2001004010', 'Addy', 'Epinay'))).body.success, 'true');
  });
});

describe('verifiedUser fields', () => {
  test('phoneNumber, firstName, lastName and clientRequestId are required', async () => {
    const full = person('2001004010', 'Addy', 'Epinay');
    for (const field of ['phoneNumber', 'firstName', 'lastName', 'clientRequestId'] as const) {
      const { [field]: _dropped, ...rest } = full;
      const missing = await api.verifiedUser(rest);
      assert.deepEqual(
        [missing.status, missing.body],
        [400, { code: 8001, message: `field '${field}' is missing` }],
        field,
      );
    }
  });

  test('other verification types are Prove products this sandbox does not have; unknown ones are invalid', async () => {
    const full = person('2001004010', 'Addy', 'Epinay');
    const prefill = await api.post('/v3/verify', { ...full, verificationType: 'prefill' });
    assert.deepEqual(
      [prefill.status, prefill.body],
      [400, { code: 8001, message: "field 'verificationType' is not valid: prefill is not available in this sandbox" }],
    );
    for (const verificationType of ['VerifiedUser', 'teleport', 3, null]) {
      const refused = await api.post('/v3/verify', { ...full, verificationType });
      assert.deepEqual(
        [refused.status, refused.body],
        [400, { code: 8001, message: "field 'verificationType' is not valid" }],
        String(verificationType),
      );
    }
  });

  test('a person the sandbox does not know: 8007', async () => {
    assert.equal((await api.verifiedUser(person('2025550100', 'No', 'Body'))).body.code, 8007);
  });
});

describe('POST /v3/verify picks its contract by the body', () => {
  test('possessionType: the July 2025 answer; both fields: 400 invalid; neither: verificationType missing', async () => {
    const addy = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' };
    const seed = await api.verify({ ...addy, possessionType: 'mobile' });
    assert.deepEqual(Object.keys(seed.body).sort(), [
      'authToken',
      'correlationId',
      'possessionResult',
      'success',
      'verifyResult',
    ]);
    const both = await api.verify({
      ...addy,
      possessionType: 'mobile',
      verificationType: 'verifiedUser',
      clientRequestId: 'r',
    });
    assert.deepEqual([both.status, both.body], [400, { code: 8001, message: "field 'possessionType' is not valid" }]);
    const neither = await api.verify({ ...addy, clientRequestId: 'r' });
    assert.deepEqual(
      [neither.status, neither.body],
      [400, { code: 8001, message: "field 'verificationType' is missing" }],
    );
  });
});
