import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TokenSigner } from '../../demo/server/emulator/auth-token.js';
import { startEmulator, type EmulatorHandle } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';

const ADDY = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' };
const ADDY_IDENTITY = 'c3aca643-43e4-48c6-90e2-baff26733ca4';
const MINUTE = 60_000;

let clock = Date.parse('2030-01-01T00:00:00Z');
let emu: EmulatorHandle;
let api: SandboxClient;

/** Moves the emulator's clock; the cached access token may not survive it. */
function advance(ms: number): void {
  clock += ms;
  api.resetToken();
}

before(async () => {
  emu = await startEmulator({ port: 0, now: () => clock, rateLimitPerSecond: 10_000 });
  api = new SandboxClient(emu.url);
});
after(() => emu.close());

/** The claims as the SDK reads them: `JSON.parse(atob(token.split('.')[1]))`. */
const claimsOf = (token: string) => JSON.parse(atob(token.split('.')[1]!));

async function proveByOtp(authToken: string): Promise<void> {
  assert.equal((await api.client('mobile/otp/start', authToken)).status, 200);
  const finished = await api.client('mobile/otp/finish', authToken, { otp: '1234' });
  assert.deepEqual(finished.body, { next: 'done' });
}

describe('POST /token', () => {
  test('grants a Bearer token for the right credentials', async () => {
    const granted = await api.token();
    assert.equal(granted.status, 200);
    assert.equal(granted.body.token_type, 'Bearer');
    assert.equal(granted.body.expires_in, 3600);
    assert.match(granted.body.access_token, /^[\w-]+\.[\w+/-]+\.[\w-]+$/);
  });

  test('refuses a wrong secret or an unknown client with 401 {code: 8002}', async () => {
    for (const [id, secret] of [
      ['demo-client-id', 'wrong'],
      ['someone-else', 'demo-client-secret'],
      ['', ''],
    ]) {
      const refused = await api.token(id, secret);
      assert.equal(refused.status, 401);
      assert.equal(refused.body.code, 8002);
      assert.equal(typeof refused.body.message, 'string');
    }
  });

  test('wants grant_type=client_credentials, form-encoded', async () => {
    const post = (body: string, type = 'application/x-www-form-urlencoded') =>
      fetch(`${emu.url}/token`, { method: 'POST', headers: { 'Content-Type': type }, body });
    const missing = await post('client_id=demo-client-id&client_secret=demo-client-secret');
    assert.equal(missing.status, 400);
    assert.deepEqual(await missing.json(), { code: 8001, message: "field 'grant_type' is missing" });
    const wrong = await post('grant_type=password&client_id=demo-client-id&client_secret=demo-client-secret');
    assert.equal(wrong.status, 400);
    const json = await post('{"grant_type":"client_credentials"}', 'application/json');
    assert.equal(json.status, 415);
    assert.deepEqual(await json.json(), {
      code: 8001,
      message: 'Content-Type must be application/x-www-form-urlencoded',
    });
  });

  test('a token stops working after 60 minutes', async () => {
    const granted = (await api.token()).body.access_token as string;
    advance(59 * MINUTE);
    assert.equal((await api.verify({ ...ADDY, possessionType: 'mobile' }, granted)).status, 200);
    advance(2 * MINUTE);
    const late = await api.verify({ ...ADDY, possessionType: 'mobile' }, granted);
    assert.equal(late.status, 401);
    assert.equal(late.body.code, 8002);
  });
});

describe('POST /v3/verify', () => {
  test('needs a valid Bearer access token', async () => {
    const none = await api.verify({ ...ADDY, possessionType: 'mobile' }, null);
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 8002);
    const garbage = await api.verify({ ...ADDY, possessionType: 'mobile' }, 'not-a-token');
    assert.equal(garbage.status, 401);
    const good = (await api.token()).body.access_token as string;
    const [h, p, s] = good.split('.');
    const tampered = `${h}.${p}.${s!.slice(0, -2)}${s!.endsWith('AA') ? 'BB' : 'AA'}`;
    assert.equal((await api.verify({ ...ADDY, possessionType: 'mobile' }, tampered)).status, 401);
  });

  test("a flow's authToken is not an access token", async () => {
    const { authToken } = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
    const refused = await api.verify({ ...ADDY, possessionType: 'mobile' }, authToken);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.code, 8002);
  });

  test('names the missing field: 400 {code: 8001, message: "field \'…\' is missing"}', async () => {
    const full = { ...ADDY, possessionType: 'mobile' };
    for (const field of ['firstName', 'lastName', 'phoneNumber', 'possessionType'] as const) {
      const { [field]: _dropped, ...rest } = full;
      const missing = await api.verify(rest);
      assert.equal(missing.status, 400, field);
      // Without possessionType the body is neither contract's: the current one's field is named.
      const named = field === 'possessionType' ? 'verificationType' : field;
      assert.deepEqual(missing.body, { code: 8001, message: `field '${named}' is missing` });
      const blank = await api.verify({ ...full, [field]: '  ' });
      assert.deepEqual(blank.body, { code: 8001, message: `field '${field}' is missing` });
    }
  });

  test('desktop needs finalTargetUrl, and it must be an http(s) URL', async () => {
    const missing = await api.verify({ ...ADDY, possessionType: 'desktop' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { code: 8001, message: "field 'finalTargetUrl' is missing" });
    const script = await api.verify({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'javascript:alert(1)' });
    assert.equal(script.status, 400);
    assert.deepEqual(script.body, { code: 8001, message: "field 'finalTargetUrl' is not valid" });
  });

  test('refuses values of the wrong kind', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...ADDY, possessionType: 'tablet' }, 'possessionType'],
      [{ ...ADDY, possessionType: 'mobile', phoneNumber: '123' }, 'phoneNumber'],
      [{ ...ADDY, possessionType: 'mobile', phoneNumber: 'call me' }, 'phoneNumber'],
      [{ ...ADDY, possessionType: 'mobile', firstName: 42 }, 'firstName'],
      [{ ...ADDY, possessionType: 'mobile', smsMessage: 'x'.repeat(161) }, 'smsMessage'],
    ];
    for (const [body, field] of cases) {
      const refused = await api.verify(body);
      assert.equal(refused.status, 400, field);
      assert.deepEqual(refused.body, { code: 8001, message: `field '${field}' is not valid` });
    }
    const notJson = await api.post('/v3/verify', '{"firstName":');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.code, 8001);
    const array = await api.post('/v3/verify', '[]');
    assert.equal(array.status, 400);
  });

  test('accepts 10 digits, E.164 and formatted numbers, and answers all-pending strings', async () => {
    for (const phoneNumber of ['2001004010', '+12001004010', '(200) 100-4010']) {
      const started = await api.verify({ ...ADDY, phoneNumber, possessionType: 'mobile' });
      assert.equal(started.status, 200, phoneNumber);
      assert.deepEqual(Object.keys(started.body).sort(), [
        'authToken',
        'correlationId',
        'possessionResult',
        'success',
        'verifyResult',
      ]);
      assert.equal(started.body.possessionResult, 'pending');
      assert.equal(started.body.verifyResult, 'pending');
      assert.equal(started.body.success, 'pending');
      assert.match(started.body.correlationId, /^[0-9a-f-]{36}$/);
    }
  });

  test('has no CORS: it is called server to server', async () => {
    const bearer = await api.bearer();
    const response = await fetch(`${emu.url}/v3/verify`, {
      method: 'POST',
      headers: { Origin: 'http://localhost:9', Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...ADDY, possessionType: 'mobile' }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });
});

describe('the authToken', () => {
  test('carries the claims the SDK parses, readable with atob', async () => {
    const mobile = claimsOf((await api.startFlow({ ...ADDY, possessionType: 'mobile' })).authToken);
    assert.equal(mobile.auth.endp, emu.url);
    assert.equal(new URL(mobile.auth.endp).origin, mobile.auth.endp);
    assert.equal(mobile.auth.next, 'mobile/otp');
    assert.deepEqual(mobile.auth.subs, { mob: { auths: { otp: { mnp: true } } } });
    assert.equal(typeof mobile.auth.id, 'string');
    assert.equal(typeof mobile.auth.ans, 'string');
    assert.ok(mobile.auth.chlg.length >= 16);
    assert.equal(typeof mobile.rid, 'string');
    assert.equal(typeof mobile.sub, 'string');
    assert.equal(mobile.iat, Math.floor(clock / 1000));
    assert.equal(mobile.exp - mobile.iat, 15 * 60);

    const desktop = claimsOf(
      (await api.startFlow({ ...ADDY, possessionType: 'desktop', finalTargetUrl: 'https://example.com/next' }))
        .authToken,
    );
    assert.equal(desktop.auth.next, 'mobile/instantlink');
    assert.deepEqual(desktop.auth.subs, { mob: { auths: { inln: { mnp: true } } } });
    assert.notEqual(desktop.auth.id, mobile.auth.id);
  });

  test('encodes its payload in standard base64, which atob reads', async () => {
    // Real claims are ASCII JSON, where base64 and base64url rarely differ: only '>', '?', '~'
    // in the right place make a 62nd or 63rd sextet. Sign such claims to see the encoding.
    const signer = new TokenSigner();
    const claims = { auth: { id: '>>>???~~~', endp: 'http://localhost:1' }, exp: 1, pad: 'é€' };
    for (let shift = 0; shift < 3; shift++) {
      const token = signer.sign('auth', { ...claims, s: 'x'.repeat(shift) });
      const payload = token.split('.')[1]!;
      assert.match(payload, /[+/]/, 'the sample must exercise the two alphabets’ difference');
      assert.doesNotMatch(payload, /[-_=]/);
      assert.deepEqual(claimsOf(token), { ...claims, s: 'x'.repeat(shift) });
      assert.deepEqual(signer.verify('auth', token), { ...claims, s: 'x'.repeat(shift) });
      assert.equal(signer.verify('access', token), undefined, 'each purpose has its own key');
    }
    for (let i = 0; i < 20; i++) {
      const { authToken } = await api.startFlow({
        ...ADDY,
        possessionType: i % 2 ? 'mobile' : 'desktop',
        finalTargetUrl: 'https://example.com/?a=b',
      });
      assert.doesNotMatch(authToken.split('.')[1]!, /[-_]/);
      assert.doesNotThrow(() => claimsOf(authToken));
    }
  });

  test('endp follows publicOrigin, reduced to a bare origin', async () => {
    const other = await startEmulator({ port: 0, now: () => clock, publicOrigin: 'http://localhost:4444/some/path/' });
    try {
      const { authToken } = await new SandboxClient(other.url).startFlow({ ...ADDY, possessionType: 'mobile' });
      assert.equal(claimsOf(authToken).auth.endp, 'http://localhost:4444');
    } finally {
      await other.close();
    }
  });
});

describe('POST /v3/verify-status', () => {
  test('is pending until possession is proven', async () => {
    const { correlationId } = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
    const status = await api.verifyStatus(correlationId);
    assert.equal(status.status, 200);
    assert.deepEqual(status.body, { success: 'pending', possessionResult: 'pending', verifyResult: 'pending' });
  });

  test('succeeds for the owner whose name matches, ignoring case and spaces', async () => {
    const flow = await api.startFlow({
      firstName: ' addy ',
      lastName: 'EPINAY',
      phoneNumber: '+12001004010',
      possessionType: 'mobile',
    });
    await proveByOtp(flow.authToken);
    const status = await api.verifyStatus(flow.correlationId);
    assert.deepEqual(status.body, {
      success: 'true',
      possessionResult: 'success',
      verifyResult: 'success',
      identityId: ADDY_IDENTITY,
    });
  });

  test('fails verifyResult for a name that does not match the owner', async () => {
    const flow = await api.startFlow({ ...ADDY, firstName: 'Eve', possessionType: 'mobile' });
    await proveByOtp(flow.authToken);
    assert.deepEqual((await api.verifyStatus(flow.correlationId)).body, {
      success: 'false',
      possessionResult: 'success',
      verifyResult: 'failed',
    });
  });

  test('refuses a number no sandbox person owns: 400 {code: 8007}', async () => {
    const refused = await api.verify({ ...ADDY, phoneNumber: '2025550123', possessionType: 'mobile' });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { code: 8007, message: 'no test user found matching the phone number' });
  });

  test('reports verifyResult not_applicable when possession failed', async () => {
    const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
    await api.client('mobile/otp/start', flow.authToken);
    for (let i = 0; i < 5; i++) await api.client('mobile/otp/finish', flow.authToken, { otp: '0000' });
    assert.deepEqual((await api.verifyStatus(flow.correlationId)).body, {
      success: 'false',
      possessionResult: 'failed',
      verifyResult: 'not_applicable',
    });
  });

  test('possessionType none checks the name alone, answering at once without an authToken', async () => {
    const started = await api.verify({ ...ADDY, possessionType: 'none' });
    assert.equal(started.status, 200);
    assert.deepEqual(started.body, {
      correlationId: started.body.correlationId,
      success: 'true',
      possessionResult: 'not_applicable',
      verifyResult: 'success',
    });
    assert.deepEqual((await api.verifyStatus(started.body.correlationId)).body, {
      success: 'true',
      possessionResult: 'not_applicable',
      verifyResult: 'success',
      identityId: ADDY_IDENTITY,
    });
  });

  test('answers unknown, missing and expired correlationIds with Prove’s 8008 and 8001', async () => {
    const unknown = await api.verifyStatus('00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body, { code: 8008, message: 'invalid correlationId' });
    assert.equal((await api.verifyStatus('x'.repeat(65))).body.code, 8008);
    const missing = await api.post('/v3/verify-status', {});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { code: 8001, message: "field 'correlationId' is missing" });
    const noBearer = await api.verifyStatus('x', null);
    assert.equal(noBearer.status, 401);

    const flow = await api.startFlow({ ...ADDY, possessionType: 'mobile' });
    advance(15 * MINUTE);
    const expired = await api.verifyStatus(flow.correlationId);
    assert.equal(expired.status, 400);
    assert.equal(expired.body.code, 8008);
  });

  test('unknown paths and methods answer in the same shape', async () => {
    const nowhere = await api.post('/v3/nowhere', {});
    assert.equal(nowhere.status, 404);
    assert.equal(typeof nowhere.body.code, 'number');
    const get = await fetch(`${emu.url}/v3/verify`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
  });
});
