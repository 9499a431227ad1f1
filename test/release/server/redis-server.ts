/**
 * A real redis-server for the Redis store's release tests (Debian's; .ci/run installs it), on a
 * free loopback port, each test file its own.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';

const REDIS_SERVER = '/usr/bin/redis-server';
const available = existsSync(REDIS_SERVER);

/** Skipped only on a developer's machine without Redis: under CI=true a missing tool fails the suite. */
export const skipWithoutRedis: string | false =
  available || process.env.CI === 'true' ? false : `${REDIS_SERVER} is absent (apt-get install -y redis-server)`;

/**
 * Starts redis-server on 127.0.0.1:`port` and answers it once it accepts connections. No
 * persistence unless `args` asks for it (`--appendonly yes`, `--dir`).
 */
export async function startRedisServer(port: number, args: readonly string[] = []): Promise<ChildProcess> {
  assert.ok(
    available,
    `${REDIS_SERVER} is absent: CI must install it (apt-get install -y redis-server), as .ci/run does`,
  );
  const server = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  for await (const chunk of server.stdout) {
    output += String(chunk);
    if (output.includes('Ready to accept connections')) break;
  }
  assert.match(output, /Ready to accept connections/, 'redis-server did not start');
  server.stdout.resume();
  return server;
}

/** Stops it (a paused one is woken first, so that it can take the signal) and waits for its exit. */
export async function stopRedisServer(
  server: ChildProcess | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  if (signal !== 'SIGCONT') server.kill('SIGCONT');
  server.kill(signal);
  await once(server, 'exit');
}
