import { startEmulator } from './index.js';

/** Standalone: `tsx demo/server/emulator/main.ts`, port from EMULATOR_PORT (default 8081). */
const port = Number(process.env.EMULATOR_PORT ?? 8081);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`EMULATOR_PORT must be a port number, got ${process.env.EMULATOR_PORT}`);
  process.exit(1);
}

const emulator = await startEmulator({
  port,
  publicOrigin: process.env.EMULATOR_PUBLIC_ORIGIN || undefined,
  clientId: process.env.PROVE_CLIENT_ID || undefined,
  clientSecret: process.env.PROVE_CLIENT_SECRET || undefined,
  webhookUrl: process.env.EMULATOR_WEBHOOK_URL || undefined,
  webhookSecret: process.env.EMULATOR_WEBHOOK_SECRET || undefined,
  log: (line) => console.log(`[emulator] ${line}`),
});
console.log(`[emulator] Prove sandbox emulator listening on ${emulator.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
