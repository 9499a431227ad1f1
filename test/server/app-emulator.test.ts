// The demo backend against the real sandbox emulator (demo/server/start.ts as `npm start` runs it:
// test/release/start.test.ts; the end-to-end tests start the demo through it too), in both of
// Prove's contracts: the July 2025 guide's (flow verify-status) first, then Prove's current one (unify).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_LIMITS, startApp, type RunningApp } from '../../demo/server/app/index.js';
import { startEmulator, type EmulatorHandle } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';
import { freeLoopbackPort } from '../../demo/server/loopback.js';

const ADDY = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' };
const WEBHOOK_SECRET = 'whsec_emulator_test';

/** The flowId each start answered, read before the test reads the body itself. */
const flowIds = new WeakMap<Response, string>();

const post = async (app: RunningApp, path: string, body: unknown, cookie?: string) => {
  const answer = await fetch(app.url + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify(body),
  });
  if (path === '/api/verify')
    flowIds.set(answer, ((await answer.clone().json()) as { flowId?: string }).flowId ?? 'none');
  return answer;
};

const cookieOf = (res: Response) => res.headers.getSetCookie()[0]!.split(';')[0]!;
/** The status call of the flow `started` answered, with its cookie. */
const statusOf = (app: RunningApp, started: Response) =>
  post(app, '/api/verify-status', { flowId: flowIds.get(started) }, cookieOf(started));

describe('demo backend + the real sandbox emulator (flow verify-status)', () => {
  let emulator: EmulatorHandle;
  let app: RunningApp;
  let sandbox: SandboxClient;

  before(async () => {
    const appPort = await freeLoopbackPort();
    emulator = await startEmulator({
      port: 0,
      webhookUrl: `http://localhost:${appPort}/api/webhook`,
      webhookSecret: WEBHOOK_SECRET,
    });
    app = await startApp({
      port: appPort,
      prove: { baseUrl: emulator.url, clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
      mode: 'emulator',
      emulatorUrl: emulator.url,
      webhookSecret: WEBHOOK_SECRET,
      static: { bundleMain: false },
      limits: NO_LIMITS,
      flow: 'verify-status',
    });
    sandbox = new SandboxClient(emulator.url);
  });
  after(async () => {
    await app.close();
    await emulator.close();
  });

  test('/api/verify answers an authToken and /api/verify-status answers 202 pending', async () => {
    const started = await post(app, '/api/verify', { ...ADDY, possessionType: 'desktop' });
    assert.equal(started.status, 200);
    const { authToken } = (await started.json()) as { authToken: string };
    assert.equal(authToken.split('.').length, 3, 'a JWT for the browser SDK');
    const status = await statusOf(app, started);
    assert.equal(status.status, 202);
    assert.deepEqual(await status.json(), { pending: true });
  });

  test('a whole mobile flow: OTP 1234 through the client API, then success with an identityId', async () => {
    const started = await post(app, '/api/verify', {
      ...ADDY,
      phoneNumber: '(200) 100-4010',
      possessionType: 'mobile',
    });
    assert.equal(started.status, 200);
    const { authToken } = (await started.json()) as { authToken: string };
    const otpStart = await sandbox.client('mobile/otp/start', authToken, {});
    assert.equal(otpStart.status, 200, JSON.stringify(otpStart.body));
    const messages = await sandbox.messages(ADDY.phoneNumber);
    assert.ok(
      messages.body.some((m: { otp?: string }) => m.otp),
      'the code reached the simulated phone',
    );
    const otpFinish = await sandbox.client('mobile/otp/finish', authToken, { otp: '1234' });
    assert.equal(otpFinish.status, 200, JSON.stringify(otpFinish.body));

    const status = await statusOf(app, started);
    assert.equal(status.status, 200);
    const result = (await status.json()) as Record<string, unknown>;
    assert.equal(result.success, true);
    assert.equal(result.possessionResult, 'success');
    assert.equal(result.verifyResult, 'success');
    assert.equal(typeof result.identityId, 'string');
  });

  test("the desktop Instant Link lands on the app's landing page, which claims no result", async () => {
    const linksBefore = new Set(
      ((await sandbox.messages(ADDY.phoneNumber)).body as Array<{ link?: string }>).map((m) => m.link),
    );
    const started = await post(app, '/api/verify', { ...ADDY, possessionType: 'desktop' });
    const { authToken } = (await started.json()) as { authToken: string };
    const linkStart = await sandbox.client('mobile/instantlink/start', authToken, {
      mobileNumber: null,
      isMobile: false,
      sourceIp: null,
    });
    assert.equal(linkStart.status, 200, JSON.stringify(linkStart.body));
    const messages = (await sandbox.messages(ADDY.phoneNumber)).body as Array<{ link?: string }>;
    const link = messages.find((m) => m.link && !linksBefore.has(m.link))?.link;
    assert.ok(link, 'an Instant Link was sent');
    const opened = await sandbox.openLink(link);
    assert.ok([302, 303].includes(opened.status), `the link redirects (HTTP ${opened.status})`);
    const location = new URL(opened.headers.get('location') ?? '');
    assert.equal(location.origin + location.pathname, `${app.url}/link-opened.html`, 'the default finalTargetUrl');
    assert.equal(location.search, '', 'started on another device: no asc/authId');
    const landing = await fetch(location);
    assert.equal(landing.status, 200);
    const html = await landing.text();
    assert.match(html, /Go back to where you started/);
    assert.doesNotMatch(html, /verified/i);
    const status = await statusOf(app, started);
    assert.equal(((await status.json()) as { success: boolean }).success, true);
  });

  test("a name that is not the phone's owner fails verification", async () => {
    const started = await post(app, '/api/verify', { ...ADDY, firstName: 'Someone', possessionType: 'mobile' });
    const { authToken } = (await started.json()) as { authToken: string };
    await sandbox.client('mobile/otp/start', authToken, {});
    await sandbox.client('mobile/otp/finish', authToken, { otp: '1234' });
    const result = (await (await statusOf(app, started)).json()) as Record<string, unknown>;
    assert.equal(result.success, false);
    assert.equal(result.possessionResult, 'success');
    assert.equal(result.verifyResult, 'failed');
  });

  /** Arms one of the emulator's fault switches (POST /sandbox/faults) for the next matching call. */
  async function armFault(fault: string): Promise<void> {
    const res = await fetch(`${emulator.url}/sandbox/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fault }),
    });
    assert.equal(res.status, 200, `the emulator armed ${fault}: ${await res.text()}`);
  }

  /** Starts a mobile flow on `target`, sends the code, and enters `codes` one after another. */
  async function enterCodes(target: RunningApp, codes: string[]) {
    const started = await post(target, '/api/verify', { ...ADDY, possessionType: 'mobile' });
    assert.equal(started.status, 200);
    const { authToken } = (await started.json()) as { authToken: string };
    assert.equal((await sandbox.client('mobile/otp/start', authToken, {})).status, 200);
    const answers: unknown[] = [];
    for (const otp of codes) answers.push((await sandbox.client('mobile/otp/finish', authToken, { otp })).body);
    const status = await statusOf(target, started);
    return { answers, status: status.status, result: (await status.json()) as Record<string, unknown> };
  }

  test("allowOTPRetry on (the demo's default): a wrong code can be entered again", async () => {
    const { answers, status, result } = await enterCodes(app, ['0000', '1234']);
    assert.ok(
      answers[0] && typeof answers[0] === 'object' && 'data' in answers[0],
      `a recoverable refusal: ${JSON.stringify(answers[0])}`,
    );
    assert.deepEqual(answers[1], { next: 'done' });
    assert.equal(status, 200);
    assert.equal(result.success, true);
  });

  test('allowOTPRetry off: the first wrong code ends possession', async () => {
    const strict = await startApp({
      port: 0,
      prove: { baseUrl: emulator.url, clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
      static: { bundleMain: false },
      limits: NO_LIMITS,
      allowOtpRetry: false,
      flow: 'verify-status',
    });
    try {
      const { answers, status, result } = await enterCodes(strict, ['0000']);
      assert.ok(
        answers[0] && typeof answers[0] === 'object' && 'error' in answers[0],
        `possession ends: ${JSON.stringify(answers[0])}`,
      );
      assert.equal(status, 200);
      assert.deepEqual(result, {
        success: false,
        possessionResult: 'failed',
        verifyResult: 'not_applicable',
        phoneNumber: '+12001004010',
      });
    } finally {
      await strict.close();
    }
  });

  test('Prove refusing the person at once (fault verify-refused): 200 {success: false}, no authToken, no session', async () => {
    await armFault('verify-refused');
    const started = await post(app, '/api/verify', { ...ADDY, possessionType: 'desktop' });
    assert.equal(started.status, 200);
    assert.deepEqual(await started.json(), {
      success: false,
      possessionResult: 'not_applicable',
      verifyResult: 'failed',
    });
    const cookie = cookieOf(started);
    assert.equal(cookie, 'pv_session=', 'the cookie is cleared');
    assert.equal((await post(app, '/api/verify-status', { flowId: 'f' }, cookie)).status, 401);
  });

  test('a status Prove still calls pending after the code (fault status-pending) is 202, then the verdict', async () => {
    const started = await post(app, '/api/verify', { ...ADDY, possessionType: 'mobile' });
    const { authToken } = (await started.json()) as { authToken: string };
    await sandbox.client('mobile/otp/start', authToken, {});
    await sandbox.client('mobile/otp/finish', authToken, { otp: '1234' });
    await armFault('status-pending');
    let status = await statusOf(app, started);
    assert.equal(status.status, 202);
    assert.deepEqual(await status.json(), { pending: true });
    status = await statusOf(app, started);
    assert.equal(status.status, 200);
    assert.equal(((await status.json()) as { success: boolean }).success, true);
  });

  test("the emulator's signed test webhook is accepted, and its retry is deduplicated", async () => {
    const sent = await fetch(`${emulator.url}/sandbox/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ eventType: 'DISCONNECT' }),
    });
    assert.deepEqual(await sent.json(), { delivered: true, status: 200 });
    const { events } = (await (await fetch(`${app.url}/api/webhook-events`)).json()) as {
      events: Array<Record<string, unknown>>;
    };
    assert.equal(events[0]!.eventType, 'DISCONNECT');
  });

  test('the emulator refusing our credentials is a 502 that names no secret', async () => {
    const other = await startApp({
      port: 0,
      prove: { baseUrl: emulator.url, clientId: 'demo-client-id', clientSecret: 'not-the-secret' },
      static: { bundleMain: false },
      limits: NO_LIMITS,
    });
    try {
      const res = await post(other, '/api/verify', { ...ADDY, possessionType: 'mobile' });
      assert.equal(res.status, 502);
      const text = await res.text();
      assert.match(text, /prove_error/);
      assert.ok(!text.includes('not-the-secret'));
    } finally {
      await other.close();
    }
  });
});

describe("demo backend + an emulator holding Prove's rate limit", () => {
  test("over the limit the page gets 429 rate_limited with Prove's Retry-After, and Prove is not asked again", async () => {
    const emulator = await startEmulator({ port: 0, rateLimitPerSecond: 2 });
    const app = await startApp({
      port: 0,
      prove: { baseUrl: emulator.url, clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
      static: { bundleMain: false },
      limits: NO_LIMITS,
    });
    try {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => post(app, '/api/verify', { ...ADDY, possessionType: 'mobile' })),
      );
      const limited = answers.filter((res) => res.status === 429);
      assert.ok(limited.length > 0, `some were limited: ${answers.map((r) => r.status).join(', ')}`);
      for (const res of limited) {
        assert.match(res.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
        assert.equal(((await res.json()) as { code: string }).code, 'rate_limited');
      }
      assert.ok(
        answers.every((res) => res.status === 200 || res.status === 429),
        answers.map((r) => r.status).join(', '),
      );
    } finally {
      await app.close();
      await emulator.close();
    }
  });
});

describe('demo backend + the real sandbox emulator (flow unify, the default)', () => {
  let emulator: EmulatorHandle;
  let app: RunningApp;
  let sandbox: SandboxClient;

  before(async () => {
    const appPort = await freeLoopbackPort();
    emulator = await startEmulator({
      port: 0,
      webhookUrl: `http://localhost:${appPort}/api/webhook`,
      webhookSecret: WEBHOOK_SECRET,
    });
    app = await startApp({
      port: appPort,
      prove: { baseUrl: emulator.url, clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
      mode: 'emulator',
      emulatorUrl: emulator.url,
      webhookSecret: WEBHOOK_SECRET,
      static: { bundleMain: false },
      limits: NO_LIMITS,
    });
    sandbox = new SandboxClient(emulator.url);
  });
  after(async () => {
    await app.close();
    await emulator.close();
  });

  /** A desktop flow of `person` through its Instant Link; answers the verdict. */
  async function desktopFlow(person: typeof ADDY): Promise<Record<string, unknown>> {
    const linksBefore = new Set(
      ((await sandbox.messages(person.phoneNumber)).body as Array<{ link?: string }>).map((m) => m.link),
    );
    const started = await post(app, '/api/verify', { ...person, possessionType: 'desktop' });
    assert.equal(started.status, 200);
    const { authToken, changeNumber } = (await started.json()) as { authToken: string; changeNumber: string };
    assert.equal(changeNumber, 'in-flow');
    assert.equal((await statusOf(app, started)).status, 202);
    const linkStart = await sandbox.client('mobile/instantlink/start', authToken, {
      mobileNumber: null,
      isMobile: false,
      sourceIp: null,
    });
    assert.equal(linkStart.status, 200, JSON.stringify(linkStart.body));
    const messages = (await sandbox.messages(person.phoneNumber)).body as Array<{ link?: string }>;
    const link = messages.find((m) => m.link && !linksBefore.has(m.link))?.link;
    assert.ok(link, 'an Instant Link was sent');
    await sandbox.openLink(link);
    const status = await statusOf(app, started);
    assert.equal(status.status, 200);
    return (await status.json()) as Record<string, unknown>;
  }

  test('possession by Unify, then the identity check: the verdict names the number proved, with proveId', async () => {
    const verdict = await desktopFlow(ADDY);
    assert.equal(verdict.success, true);
    assert.equal(verdict.possessionResult, 'success');
    assert.equal(verdict.verifyResult, 'success');
    assert.equal(verdict.phoneNumber, '+12001004010');
    assert.equal(typeof verdict.proveId, 'string');
  });

  test("a name that is not the phone's owner: possession holds, the identity check fails", async () => {
    const verdict = await desktopFlow({ ...ADDY, firstName: 'Someone' });
    assert.equal(verdict.success, false);
    assert.equal(verdict.possessionResult, 'success');
    assert.equal(verdict.verifyResult, 'failed');
  });
});
