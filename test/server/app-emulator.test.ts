// The demo backend against the real sandbox emulator, and demo/server/start.ts as `npm start` runs it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp, type RunningApp } from '../../demo/server/app/index.js';
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
    });
    sandbox = new SandboxClient(emulator.url);
  });
  after(async () => {
    await app.close();
    await emulator.close();
  });

  test('/api/verify answers an authToken and /api/verify-status answers pending', async () => {
    const started = await post(app, '/api/verify', { ...ADDY, possessionType: 'desktop' });
    assert.equal(started.status, 200);
    const { authToken } = (await started.json()) as { authToken: string };
    assert.equal(authToken.split('.').length, 3, 'a JWT for the browser SDK');
    const status = await post(app, '/api/verify-status', {}, cookieOf(started));
    assert.equal(status.status, 200);
    assert.deepEqual(await status.json(), { success: false, possessionResult: 'pending', verifyResult: 'pending' });
  });

  test('a whole mobile flow: OTP 1234 through the client API, then success with an identityId', async () => {
    const started = await post(app, '/api/verify', { ...ADDY, phoneNumber: '(200) 100-4010', possessionType: 'mobile' });
    assert.equal(started.status, 200);
    const { authToken } = (await started.json()) as { authToken: string };
    const otpStart = await sandbox.client('mobile/otp/start', authToken, {});
    assert.equal(otpStart.status, 200, JSON.stringify(otpStart.body));
    const messages = await sandbox.messages(ADDY.phoneNumber);
    assert.ok(messages.body.some((m: { otp?: string }) => m.otp), 'the code reached the simulated phone');
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

  test('the desktop Instant Link lands on the app\'s verified page', async () => {
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
    assert.equal(location.origin + location.pathname, `${app.url}/verified.html`, 'the default finalTargetUrl');
    const landing = await fetch(location);
    assert.equal(landing.status, 200);
    assert.match(await landing.text(), /Your phone is verified/);
    const status = await post(app, '/api/verify-status', {}, cookieOf(started));
    assert.equal(((await status.json()) as { success: boolean }).success, true);
  });

  test('a name that is not the phone\'s owner fails verification', async () => {
    const started = await post(app, '/api/verify', { ...ADDY, firstName: 'Someone', possessionType: 'mobile' });
    const { authToken } = (await started.json()) as { authToken: string };
    await sandbox.client('mobile/otp/start', authToken, {});
    await sandbox.client('mobile/otp/finish', authToken, { otp: '1234' });
    const result = (await (await post(app, '/api/verify-status', {}, cookieOf(started))).json()) as Record<string, unknown>;
    assert.equal(result.success, false);
    assert.equal(result.possessionResult, 'success');
    assert.equal(result.verifyResult, 'failed');
  });

  test('the emulator\'s signed test webhook is accepted, and its retry is deduplicated', async () => {
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

  const noProve = { PROVE_CLIENT_ID: undefined, PROVE_CLIENT_SECRET: undefined, PROVE_ENV: undefined, HOST: undefined };

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
      assert.deepEqual(await sent.json(), { delivered: true, status: 200 }, 'the emulator signs with the app\'s secret');
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
      { ...noProve, PORT: String(port), PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'csecret' },
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

  test('an unknown PROVE_ENV stops it at startup with a clear message', async () => {
    const started = run({ ...noProve, PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'csecret', PROVE_ENV: 'mars-1' }, /never/);
    assert.equal(await started.exited, 1);
    assert.match(started.output(), /PROVE_ENV="mars-1" is not a Prove environment/);
  });
});
