// demo/server/start.ts as `npm start` runs it, in a child process each: the emulator and the app
// wired together, Prove's settings from the environment, and what stops it at startup. (The
// end-to-end tests of `npm test` start the demo through it too.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '../../demo/server/loopback.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADDY = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' };

describe('demo/server/start.ts', () => {
  /** Runs start.ts with `env`; resolves with its output once `until` shows up or it exits. */
  function run(env: Record<string, string | undefined>, until: RegExp) {
    // Emulator mode refuses NODE_ENV=production (a shell that exports it must not fail these runs).
    const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: undefined, PROVE_EMULATOR: undefined, ...env };
    for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key];
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
      for (let i = 0; i < 40 && !/POST \/api\/verify 200/.test(started.output()); i++)
        await new Promise((r) => setTimeout(r, 50));
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
      {
        ...noProve,
        PORT: String(port),
        PROVE_CLIENT_ID: 'cid',
        PROVE_CLIENT_SECRET: 'csecret',
        PROVE_WEBHOOK_SECRET: 'whsec_portal',
      },
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
      const started = run(
        { ...noProve, PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'csecret', PROVE_WEBHOOK_SECRET: secret },
        /never/,
      );
      assert.equal(await started.exited, 1, String(secret));
      assert.match(
        started.output(),
        secret ? /PROVE_WEBHOOK_SECRET is the public demo secret/ : /PROVE_WEBHOOK_SECRET is not set/,
      );
      assert.doesNotMatch(started.output(), /Ctrl-C to stop/);
    }
  });

  test('an unknown PROVE_ENV stops it at startup with a clear message', async () => {
    const started = run(
      { ...noProve, PROVE_CLIENT_ID: 'cid', PROVE_CLIENT_SECRET: 'csecret', PROVE_ENV: 'mars-1' },
      /never/,
    );
    assert.equal(await started.exited, 1);
    assert.match(started.output(), /PROVE_ENV="mars-1" is not a Prove environment/);
  });
});
