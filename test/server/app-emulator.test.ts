// The demo backend against the real sandbox emulator, and demo/server/start.ts as `npm start` runs it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NO_LIMITS, startApp, type RunningApp } from '../../demo/server/app/index.js';
import { startEmulator, type EmulatorHandle } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';
import { freeLoopbackPort } from '../../demo/server/loopback.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADDY = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' };
const WEBHOOK_SECRET = 'whsec_emulator_test';

const post = (app: RunningApp, path: string, body: unknown, cookie?: string) =>
  fetch(app.url + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify(body),
  });

const cookieOf = (res: Response) => res.headers.getSetCookie()[0]!.split(';')[0]!;

describe('demo backend + the real sandbox emulator', () => {
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

  test('/api/verify answers an authToken and /api/verify-status answers 202 pending', async () => {
    const started = await post(app, '/api/verify', { ...ADDY, possessionType: 'desktop' });
    assert.equal(started.status, 200);
    const { authToken } = (await started.json()) as { authToken: string };
    assert.equal(authToken.split('.').length, 3, 'a JWT for the browser SDK');
    const status = await post(app, '/api/verify-status', {}, cookieOf(started));
    assert.equal(status.status, 202);
    assert.deepEqual(await status.json(), { pending: true });
  });

  test('a whole mobile flow: OTP 1234 through the client API, then success with an identityId', async () => {
    const started = await post(app, '/api/verify', { ...ADDY, phoneNumber: '(200) 100-4010', possessionType: 'mobile' });
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

    const status = await post(app, '/api/verify-status', {}, cookieOf(started));
    assert.equal(status.status, 200);
    const result = (await status.json()) as Record<string, unknown>;
    assert.equal(result.success, true);
    assert.equal(result.possessionResult, 'success');
    assert.equal(result.verifyResult, 'success');
    assert.equal(typeof result.identityId, 'string');
  });

  test("the desktop Instant Link lands on the app's landing page, which claims no result", async () => {
    const linksBefore = new Set(((await sandbox.messages(ADDY.phoneNumber)).body as Array<{ link?: string }>).map((m) => m.link));
    const started = await post(app, '/api/verify', { ...ADDY, possessionType: 'desktop' });
    const { authToken } = (await started.json()) as { authToken: string };
    const linkStart = await sandbox.client('mobile/instantlink/start', authToken, { mobileNumber: null, isMobile: false, sourceIp: null });
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
    const status = await post(app, '/api/verify-status', {}, cookieOf(started));
    assert.equal(((await status.json()) as { success: boolean }).success, true);
  });

  test("a name that is not the phone's owner fails verification", async () => {
    const started = await post(app, '/api/verify', { ...ADDY, firstName: 'Someone', possessionType: 'mobile' });
    const { authToken } = (await started.json()) as { authToken: string };
    await sandbox.client('mobile/otp/start', authToken, {});
    await sandbox.client('mobile/otp/finish', authToken, { otp: '1234' });
    const result = (await (await post(app, '/api/verify-status', {}, cookieOf(started))).json()) as Record<string, unknown>;
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
    const status = await post(target, '/api/verify-status', {}, cookieOf(started));
    return { answers, status: status.status, result: (await status.json()) as Record<string, unknown> };
  }

  test("allowOTPRetry on (the demo's default): a wrong code can be entered again", async () => {
    const { answers, status, result } = await enterCodes(app, ['0000', '1234']);
    assert.ok(answers[0] && typeof answers[0] === 'object' && 'data' in answers[0], `a recoverable refusal: ${JSON.stringify(answers[0])}`);
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
    });
    try {
      const { answers, status, result } = await enterCodes(strict, ['0000']);
      assert.ok(answers[0] && typeof answers[0] === 'object' && 'error' in answers[0], `possession ends: ${JSON.stringify(answers[0])}`);
      assert.equal(status, 200);
      assert.deepEqual(result, { success: false, possessionResult: 'failed', verifyResult: 'not_applicable' });
    } finally {
      await strict.close();
    }
  });

  test('Prove refusing the person at once (fault verify-refused): 200 {success: false}, no authToken, no session', async () => {
    await armFault('verify-refused');
    const started = await post(app, '/api/verify', { ...ADDY, possessionType: 'desktop' });
    assert.equal(started.status, 200);
    assert.deepEqual(await started.json(), { success: false, possessionResult: 'not_applicable', verifyResult: 'failed' });
    const cookie = cookieOf(started);
    assert.equal(cookie, 'pv_session=', 'the cookie is cleared');
    assert.equal((await post(app, '/api/verify-status', {}, cookie)).status, 401);
  });

  test('a status Prove still calls pending after the code (fault status-pending) is 202, then the verdict', async () => {
    const started = await post(app, '/api/verify', { ...ADDY, possessionType: 'mobile' });
    const { authToken } = (await started.json()) as { authToken: string };
    await sandbox.client('mobile/otp/start', authToken, {});
    await sandbox.client('mobile/otp/finish', authToken, { otp: '1234' });
    await armFault('status-pending');
    let status = await post(app, '/api/verify-status', {}, cookieOf(started));
    assert.equal(status.status, 202);
    assert.deepEqual(await status.json(), { pending: true });
    status = await post(app, '/api/verify-status', {}, cookieOf(started));
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
    const { events } = (await (await fetch(`${app.url}/api/webhook-events`)).json()) as { events: Array<Record<string, unknown>> };
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
      const answers = await Promise.all(Array.from({ length: 6 }, () => post(app, '/api/verify', { ...ADDY, possessionType: 'mobile' })));
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

describe('demo/server/start.ts', () => {
  /** Runs start.ts with `env`; resolves with its output once `until` shows up or it exits. */
  function run(env: Record<string, string | undefined>, until: RegExp) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/server/start.ts'], {
      cwd: REPO_ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const seen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`start.ts did not print ${until} in time:\n${output}`)), 30_000);
      const check = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (until.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      void exited.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return { child, exited, seen, output: () => output };
  }

  const noProve = {
    PROVE_CLIENT_ID: undefined,
    PROVE_CLIENT_SECRET: undefined,
    PROVE_ENV: undefined,
    PROVE_ALLOW_OTP_RETRY: undefined,
    PROVE_WEBHOOK_SECRET: undefined,
    HOST: undefined,
  };

  test('starts the emulator and the app, wires webhooks, and stops cleanly on SIGTERM', async () => {
    const port = await freeLoopbackPort();
    const emulatorPort = await freeLoopbackPort([port]);
    const started = run({ ...noProve, PORT: String(port), EMULATOR_PORT: String(emulatorPort) }, /Ctrl-C to stop/);
    try {
      await started.seen;
      const output = started.output();
      assert.match(output, /Local sandbox emulator/);
      assert.ok(output.includes(`http://localhost:${port}/`));
      assert.ok(output.includes(`http://localhost:${emulatorPort}`));
      const config = await (await fetch(`http://localhost:${port}/api/config`)).json();
      assert.deepEqual(config, { mode: 'emulator', emulatorUrl: `http://localhost:${emulatorPort}` });
      const sent = await fetch(`http://localhost:${emulatorPort}/sandbox/webhook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      assert.deepEqual(await sent.json(), { delivered: true, status: 200 }, "the emulator signs with the app's secret");
      const verify = await fetch(`http://localhost:${port}/api/verify`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...ADDY, possessionType: 'mobile' }),
      });
      assert.equal(verify.status, 200);
      // The access line is written once the response has finished: give it a moment to arrive.
      for (let i = 0; i < 40 && !/POST \/api\/verify 200/.test(started.output()); i++) await new Promise((r) => setTimeout(r, 50));
      const log = started.output().split('Ctrl-C to stop')[1]!;
      assert.match(log, /POST \/api\/verify 200/, 'the access log runs');
      assert.ok(!log.includes('2001004010') && !log.includes('Addy'), 'no phone number or name in the log');
    } finally {
      started.child.kill('SIGTERM');
    }
    assert.equal(await started.exited, 0);
    assert.match(started.output(), /SIGTERM: stopping/);
  });

  test('with Prove credentials it starts no emulator and says which Prove it talks to', async () => {
    const port = await freeLoopbackPort();
    const started = run(
      { ...noProve, PORT: String(port), PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'csecret', PROVE_WEBHOOK_SECRET: 'whsec_portal' },
      /Ctrl-C to stop/,
    );
    try {
      await started.seen;
      assert.match(started.output(), /Prove sandbox \(uat-us\)/);
      assert.match(started.output(), /https:\/\/platform\.uat\.proveapis\.com/);
      assert.ok(!started.output().includes('csecret'));
      assert.deepEqual(await (await fetch(`http://localhost:${port}/api/config`)).json(), { mode: 'prove-sandbox' });
    } finally {
      started.child.kill('SIGINT');
    }
    assert.equal(await started.exited, 0);
  });

  test("PROVE_ENV=uat-eu talks to Prove's EU sandbox; PROVE_ALLOW_OTP_RETRY=false is said at startup", async () => {
    const port = await freeLoopbackPort();
    const started = run(
      {
        ...noProve,
        PORT: String(port),
        PROVE_CLIENT_ID: 'cid',
        PROVE_CLIENT_SECRET: 'csecret',
        PROVE_WEBHOOK_SECRET: 'whsec_portal',
        PROVE_ENV: 'uat-eu',
        PROVE_ALLOW_OTP_RETRY: 'false',
      },
      /Ctrl-C to stop/,
    );
    try {
      await started.seen;
      assert.match(started.output(), /Prove sandbox \(uat-eu\)/);
      assert.match(started.output(), /https:\/\/platform\.uat\.eu\.proveapis\.com/);
      assert.match(started.output(), /OTP retry\s+off/);
    } finally {
      started.child.kill('SIGINT');
    }
    assert.equal(await started.exited, 0);
  });

  test('a PROVE_ALLOW_OTP_RETRY that is not a boolean stops it at startup', async () => {
    const started = run({ ...noProve, PROVE_ALLOW_OTP_RETRY: 'sometimes' }, /never/);
    assert.equal(await started.exited, 1);
    assert.match(started.output(), /PROVE_ALLOW_OTP_RETRY="sometimes" is not a boolean/);
  });

  test('with Prove credentials but no PROVE_WEBHOOK_SECRET (or the demo one) it stops at startup', async () => {
    for (const secret of [undefined, 'whsec_demo_secret']) {
      const started = run({ ...noProve, PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'csecret', PROVE_WEBHOOK_SECRET: secret }, /never/);
      assert.equal(await started.exited, 1, String(secret));
      assert.match(started.output(), secret ? /PROVE_WEBHOOK_SECRET is the public demo secret/ : /PROVE_WEBHOOK_SECRET is not set/);
      assert.doesNotMatch(started.output(), /Ctrl-C to stop/);
    }
  });

  test('an unknown PROVE_ENV stops it at startup with a clear message', async () => {
    const started = run({ ...noProve, PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'csecret', PROVE_ENV: 'mars-1' }, /never/);
    assert.equal(await started.exited, 1);
    assert.match(started.output(), /PROVE_ENV="mars-1" is not a Prove environment/);
  });
});
