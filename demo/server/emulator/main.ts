import type { EmulatorCredential } from './config.js';
import { startEmulator } from './index.js';

/**
 * Standalone: `tsx demo/server/emulator/main.ts`, port from EMULATOR_PORT (default 8081).
 * EMULATOR_SANDBOX_ORIGINS and EMULATOR_ALLOWED_HOSTS are comma-separated lists (config.ts).
 * EMULATOR_CREDENTIALS is a JSON array of more credentials, each limited like a Prove project:
 * [{"clientId":"…","clientSecret":"…","products":["unify"],"persons":["2001004014"]}].
 */
const port = Number(process.env.EMULATOR_PORT ?? 8081);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`EMULATOR_PORT must be a port number, got ${process.env.EMULATOR_PORT}`);
  process.exit(1);
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function credentials(text: string | undefined): EmulatorCredential[] | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value)) return value as EmulatorCredential[];
  } catch {
    // reported below
  }
  console.error('EMULATOR_CREDENTIALS must be a JSON array of {clientId, clientSecret, products?, persons?}');
  process.exit(1);
}

const emulator = await startEmulator({
  port,
  publicOrigin: process.env.EMULATOR_PUBLIC_ORIGIN || undefined,
  clientId: process.env.PROVE_CLIENT_ID || undefined,
  clientSecret: process.env.PROVE_CLIENT_SECRET || undefined,
  credentials: credentials(process.env.EMULATOR_CREDENTIALS),
  webhookUrl: process.env.EMULATOR_WEBHOOK_URL || undefined,
  webhookSecret: process.env.EMULATOR_WEBHOOK_SECRET || undefined,
  sandboxOrigins: list(process.env.EMULATOR_SANDBOX_ORIGINS),
  allowedHosts: list(process.env.EMULATOR_ALLOWED_HOSTS),
  log: (line) => console.log(`[emulator] ${line}`),
});
console.log(`[emulator] Prove sandbox emulator listening on ${emulator.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
