/** `npm run load -- [flags]`: what to run, against what, for how long. */
import { parseArgs } from 'node:util';

export interface LoadOptions {
  flows: number;
  concurrency: number;
  /** Whole run, warm-up and expiry wait included; then everything stops. */
  deadlineMs: number;
  requestTimeoutMs: number;
  /** Lifetime of flows and sessions on the stack this script starts. */
  ttlMs: number;
  /** A running stack instead of one of our own (no memory figures then). */
  target?: { appUrl: string; emulatorUrl: string };
  json: boolean;
  record: boolean;
}

export const USAGE = `npm run load -- [options]
  --flows N            complete flows to run (default 1000)
  --concurrency N      flows at once (default 200)
  --ttl S              lifetime of flows and sessions on the stack it starts, seconds (default 10)
  --deadline S         hard limit for the whole run, seconds (default 180)
  --request-timeout S  per request, seconds (default 15)
  --app-url URL --emulator-url URL
                       drive a running demo instead (its start budgets and the emulator's
                       rate limit must be off or high, or they are what gets measured)
  --json               print the figures as JSON
  --record             write them to bench/results.md (## Load)`;

class UsageError extends Error {}

function count(value: string | undefined, fallback: number, name: string, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} wants a number of at least ${min}, got ${value}`);
  return n;
}

function origin(value: string, name: string): string {
  try {
    return new URL(value).origin;
  } catch {
    throw new UsageError(`--${name} wants a URL, got ${value}`);
  }
}

export function parseOptions(argv: readonly string[]): LoadOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      flows: { type: 'string' },
      concurrency: { type: 'string' },
      ttl: { type: 'string' },
      deadline: { type: 'string' },
      'request-timeout': { type: 'string' },
      'app-url': { type: 'string' },
      'emulator-url': { type: 'string' },
      json: { type: 'boolean', default: false },
      record: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if ((values['app-url'] === undefined) !== (values['emulator-url'] === undefined)) {
    throw new UsageError('--app-url and --emulator-url go together');
  }
  const flows = Math.floor(count(values.flows, 1000, 'flows'));
  return {
    flows,
    concurrency: Math.min(flows, Math.floor(count(values.concurrency, 200, 'concurrency'))),
    ttlMs: count(values.ttl, 10, 'ttl') * 1000,
    deadlineMs: count(values.deadline, 180, 'deadline') * 1000,
    requestTimeoutMs: count(values['request-timeout'], 15, 'request-timeout') * 1000,
    target: values['app-url']
      ? { appUrl: origin(values['app-url'], 'app-url'), emulatorUrl: origin(values['emulator-url']!, 'emulator-url') }
      : undefined,
    json: values.json,
    record: values.record,
  };
}
