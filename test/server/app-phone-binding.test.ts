// The verdict is bound to the phone Prove proved. The page holds the authToken, so it can take the
// SDK's change-number step (or post Prove's client API by hand, as here) and prove a phone other
// than the one the flow started with. With Unify, the identity check then runs on the phone
// proved and the verdict, and the server's onVerified, name that phone; never the started one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_LIMITS, startApp, type RunningApp } from '../../demo/server/app/index.js';
import { startEmulator, type EmulatorHandle } from '../../demo/server/emulator/index.js';
import { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';
import type { VerifiedResult } from '../../src/server/handlers.js';
import { call, cookieOf } from './app-helpers.js';

const STARTED = '2001004010'; // Addy Epinay's
const SWAPPED = '2001004014'; // Lorant Nerger's

describe('the verdict names the phone Prove proved', () => {
  let emulator: EmulatorHandle;
  let sandbox: SandboxClient;
  const heard: VerifiedResult[] = [];
  const apps: Partial<Record<'unify' | 'verify-status', RunningApp>> = {};

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    sandbox = new SandboxClient(emulator.url);
    for (const flow of ['unify', 'verify-status'] as const) {
      apps[flow] = await startApp({
        port: 0,
        prove: { baseUrl: emulator.url, clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
        mode: 'emulator',
        emulatorUrl: emulator.url,
        static: { bundleMain: false },
        limits: NO_LIMITS,
        flow,
        onVerified: (result) => {
          heard.push(result);
          return { heardBy: 'server' };
        },
      });
    }
  });
  after(async () => {
    await Promise.all(Object.values(apps).map((app) => app.close()));
    await emulator.close();
  });

  /**
   * Starts a desktop flow for `person` on the started number, then sends the Instant Link to
   * `swapTo` through Prove's client API with the flow's authToken, opens it on that phone and asks
   * for the verdict.
   */
  async function swappedFlow(app: RunningApp, person: { firstName: string; lastName: string }, swapTo: string) {
    heard.length = 0;
    const started = await call(
      app,
      '/api/verify',
      { ...person, phoneNumber: STARTED, possessionType: 'desktop' },
      { headers: { Origin: app.url } },
    );
    assert.equal(started.status, 200);
    const { authToken, flowId } = started.json() as { authToken: string; flowId: string };
    const before = ((await sandbox.messages(swapTo)).body as unknown[]).length;
    const send = await sandbox.client('mobile/instantlink/start', authToken, {
      mobileNumber: swapTo,
      isMobile: false,
      sourceIp: null,
    });
    assert.equal(send.status, 200, JSON.stringify(send.body));
    const messages = (await sandbox.messages(swapTo)).body as { link?: string }[];
    assert.equal(messages.length, before + 1, 'the link went to the new phone');
    assert.equal(((await sandbox.messages(STARTED)).body as unknown[]).length, 0, 'nothing went to the started phone');
    await sandbox.openLink(messages.at(-1)!.link!);
    const status = await call(
      app,
      '/api/verify-status',
      { flowId },
      { cookie: cookieOf(started), headers: { Origin: app.url } },
    );
    assert.equal(status.status, 200);
    return { verdict: status.json() as Record<string, unknown>, flowId };
  }

  test('unify: the identity check runs on the phone proved, and the verdict and onVerified name it, not the started one', async () => {
    const { verdict, flowId } = await swappedFlow(apps.unify!, { firstName: 'Lorant', lastName: 'Nerger' }, SWAPPED);
    assert.equal(verdict.success, true, JSON.stringify(verdict));
    assert.equal(verdict.phoneNumber, '+12001004014');
    assert.equal(verdict.heardBy, 'server', "onVerified's answer reaches the browser");
    assert.deepEqual(heard, [
      {
        success: true,
        phoneNumber: '+12001004014',
        firstName: 'Lorant',
        lastName: 'Nerger',
        proveId: heard[0]?.proveId,
        assuranceLevel: heard[0]?.assuranceLevel,
        flowId,
      },
    ]);
    assert.equal(typeof heard[0]!.proveId, 'string');
  });

  test("unify: the started number's owner named, another phone proved: a failure that names the phone proved", async () => {
    const { verdict } = await swappedFlow(apps.unify!, { firstName: 'Addy', lastName: 'Epinay' }, SWAPPED);
    assert.equal(verdict.success, false);
    assert.equal(verdict.possessionResult, 'success');
    assert.equal(verdict.verifyResult, 'failed');
    assert.equal(verdict.phoneNumber, '+12001004014');
    assert.equal(heard.length, 1);
    assert.equal(heard[0]!.success, false);
    assert.equal(heard[0]!.phoneNumber, '+12001004014');
  });

  test("verify-status: the started number's owner named, another phone proved: no success for the started number", async () => {
    const { verdict } = await swappedFlow(apps['verify-status']!, { firstName: 'Addy', lastName: 'Epinay' }, SWAPPED);
    assert.equal(verdict.success, false, JSON.stringify(verdict));
    assert.equal(heard.length, 1);
    assert.equal(heard[0]!.success, false);
  });

  test('the start tells the element how to change number: a new start in verify-status, in the flow in unify', async () => {
    const addy = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: STARTED, possessionType: 'mobile' };
    for (const [flow, changeNumber] of [
      ['verify-status', 'restart'],
      ['unify', 'in-flow'],
    ] as const) {
      const started = await call(apps[flow]!, '/api/verify', addy, { headers: { Origin: apps[flow]!.url } });
      assert.equal((started.json() as { changeNumber?: string }).changeNumber, changeNumber, flow);
    }
  });
});
