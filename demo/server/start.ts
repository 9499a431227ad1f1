/**
 * `npm start`: the demo. Without Prove credentials it starts the local Prove sandbox emulator
 * (EMULATOR_PORT, default 8081) and the demo backend (PORT, default 8080) wired to it, webhooks
 * included; under NODE_ENV=production or on a HOST other machines reach, only with
 * PROVE_EMULATOR=1 (config.ts). With PROVE_CLIENT_ID and PROVE_CLIENT_SECRET set it starts only the backend, talking to
 * Prove (PROVE_ENV, default uat-us; uat-eu/prod-eu outside North America). PROVE_FLOW (unify, the
 * default, or verify-status) says which of Prove's contracts to speak. PROVE_ALLOW_OTP_RETRY
 * (default true) says whether a wrong code may be entered again. REDIS_URL keeps flows, budgets and
 * webhook tokens in that Redis (prove-verify-server's redisStore), so several backends behind one
 * address share them. Ctrl-C stops both.
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { redisStore } from '../../src/server/redis-store.js';
import type { ProveVerifyStore } from '../../src/server/store.js';
import { startApp, type RunningApp } from './app/index.js';
import {
  allowOtpRetryFrom,
  ConfigError,
  DEFAULT_APP_PORT,
  DEFAULT_EMULATOR_PORT,
  parsePort,
  proveFlowFrom,
  resolveProveConfig,
  webhookSecretFrom,
  type ProveConfig,
} from './app/config.js';
import { loopbackOrigins, startEmulator } from './emulator/index.js';
import { freeLoopbackPort } from './loopback.js';

const MODE_LABELS = {
  emulator: 'Local sandbox emulator',
  'prove-sandbox': 'Prove sandbox',
  'prove-production': 'Prove production',
} as const;

interface Closable {
  close(): Promise<void> | void;
}

async function main(): Promise<void> {
  let config: ProveConfig;
  let appPort: number;
  let emulatorPort: number;
  let allowOtpRetry: boolean;
  let flow: ReturnType<typeof proveFlowFrom>;
  let webhookSecret: string;
  try {
    config = resolveProveConfig(process.env);
    allowOtpRetry = allowOtpRetryFrom(process.env);
    flow = proveFlowFrom(process.env);
    webhookSecret = webhookSecretFrom(process.env, config.mode);
    appPort = parsePort(process.env.PORT, DEFAULT_APP_PORT, 'PORT');
    emulatorPort = parsePort(process.env.EMULATOR_PORT, DEFAULT_EMULATOR_PORT, 'EMULATOR_PORT');
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`prove-verify demo: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  // The emulator needs the app's webhook URL before the app is up: settle the port first.
  if (appPort === 0) appPort = await freeLoopbackPort();

  const running: Closable[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled(running.reverse().map((service) => Promise.resolve(service.close())));
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1); // a second Ctrl-C: do not wait
      console.log(`\n${signal}: stopping`);
      void stop(0);
    });
  }

  try {
    let prove = config.prove;
    let emulatorUrl: string | undefined;
    if (config.mode === 'emulator') {
      const emulator = await startEmulator({
        port: emulatorPort,
        clientId: config.prove.clientId,
        clientSecret: config.prove.clientSecret,
        webhookUrl: `http://localhost:${appPort}/api/webhook`,
        webhookSecret,
        // The demo's pages read the inbox and send test webhooks; no other page may.
        sandboxOrigins: [
          ...loopbackOrigins(appPort),
          ...(process.env.PUBLIC_ORIGIN?.trim() ? [process.env.PUBLIC_ORIGIN.trim()] : []),
        ],
      });
      running.push(emulator);
      emulatorUrl = emulator.url.replace(/\/+$/, '');
      prove = { ...config.prove, baseUrl: emulatorUrl };
    }
    const app: RunningApp = await startApp({
      port: appPort,
      prove,
      mode: config.mode,
      emulatorUrl,
      webhookSecret,
      allowOtpRetry,
      flow,
      store: await sharedStore(running),
      log: (line) => console.log(line),
    });
    running.push(app);
    const built = await app.ready();

    console.log('');
    console.log(`prove-verify demo: ${MODE_LABELS[config.mode]}${config.proveEnv ? ` (${config.proveEnv})` : ''}`);
    console.log(`  demo page   ${app.url}/`);
    console.log(`  CDN page    ${app.url}/cdn.html`);
    console.log(
      `  Prove flow  ${flow === 'unify' ? "unify (Prove's current API: /v3/unify, then /v3/verify)" : "verify-status (Prove's July 2025 contract: /v3/verify, then /v3/verify-status)"}`,
    );
    console.log(
      `  OTP retry   ${allowOtpRetry ? 'on (a wrong code can be entered again)' : 'off (one wrong code ends the flow)'}`,
    );
    if (emulatorUrl) {
      console.log(`  emulator    ${emulatorUrl}  (sandbox inbox: ${emulatorUrl}/sandbox/messages?phone=2001004010)`);
      console.log('  sandbox person: Addy Epinay, 2001004010; OTP 1234 succeeds');
      console.log("  set PROVE_CLIENT_ID and PROVE_CLIENT_SECRET to use Prove's own sandbox instead");
    } else {
      console.log(`  Prove API   ${prove.baseUrl}`);
      if (!process.env.PUBLIC_ORIGIN?.trim()) {
        console.log("  note: the Instant Link lands on this app's /link-opened.html; set PUBLIC_ORIGIN to an");
        console.log('        address the phone can reach (e.g. an https tunnel), or test the mobile (OTP) flow');
      }
    }
    if (!built) console.log('  warning: demo/main.ts did not build; /main.js answers the error');
    console.log('  Ctrl-C to stop');
    console.log('');
  } catch (error) {
    console.error(`prove-verify demo: could not start: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
  }
}

await main();

/** The Redis store when REDIS_URL is set (closed with the app), else undefined: this process's memory. */
async function sharedStore(running: Closable[]): Promise<ProveVerifyStore | undefined> {
  const url = process.env.REDIS_URL?.trim();
  if (!url) return undefined;
  // README's settings: a Redis that stops answering is a quick 503 store_unavailable for the page,
  // not a request left waiting, and a line per connection error rather than "Unhandled error event".
  const client = new Redis(url, {
    commandTimeout: 1000,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
  });
  client.on('error', (error) => console.warn(`prove-verify demo redis: ${error.message}`));
  running.push({ close: () => void client.disconnect() });
  // No offline queue: wait until connected, so that the first requests are not refused.
  if (client.status !== 'ready') await once(client, 'ready');
  await client.ping();
  console.log(`prove-verify demo: flows, budgets and webhook tokens in Redis (${new URL(url).host})`);
  return redisStore(client);
}
