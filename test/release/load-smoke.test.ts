import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { recordSection, type LoadReport } from '../../scripts/load/report.js';

// `npm run load` with 5 flows, so its flow logic cannot rot unnoticed: every request of every flow
// got the answer a working flow gets (the script checks each), and the servers let go of them.

test('npm run load drives 5 complete flows and reports them', { timeout: 60_000 }, async () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/load.ts',
      '--flows',
      '5',
      '--concurrency',
      '5',
      '--ttl',
      '2',
      '--deadline',
      '50',
      '--json',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, stderr);

  const report = JSON.parse(stdout) as LoadReport;
  assert.deepEqual(report.flows.completed, 5);
  assert.deepEqual([report.flows.failed, report.flows.notStarted, report.errors], [0, 0, {}]);
  const counts = Object.fromEntries(Object.entries(report.requests).map(([kind, p]) => [kind, p.count]));
  assert.deepEqual(counts, {
    'app /api/verify': 5,
    // Unify on a phone: the Prove Key step (reported absent), then the code's two calls.
    'client preflight': 15,
    'client device/passive/error': 5,
    'client otp/start': 5,
    'sandbox inbox': 5,
    'client otp/finish': 5,
    'app /api/verify-status': 5,
  });
  assert.equal(report.flow.count, 5);
  assert.ok(report.flow.p50 > 0 && report.flow.p99 >= report.flow.p50);
  assert.ok(report.memory, 'its own stack: memory is measured');
  assert.equal(report.memory.before.flows, 0, 'the warm-up flows had expired');
  assert.equal(report.memory.afterExpiry?.flows, 0, 'the run waited until the flows expired');
  assert.ok(report.memory.before.heapUsed > 0 && report.memory.afterExpiry.rss > 0);
});

test('bad flags: a usage message and exit code 2', { timeout: 30_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/load.ts', '--flows', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  assert.equal(await new Promise((resolve) => child.once('exit', resolve)), 2);
  assert.match(stderr, /--flows wants a number of at least 1/);
});

test('--record replaces only the ## Load section of bench/results.md', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'load-results-'));
  try {
    const file = path.join(dir, 'results.md');
    writeFileSync(file, '# Title\n\n## Benchmarks\n\nbench figures\n\n## Load\n\nold load\n\n## Later\n\nkept\n');
    recordSection('## Load\n\nnew load\n', file);
    assert.equal(
      readFileSync(file, 'utf8'),
      '# Title\n\n## Benchmarks\n\nbench figures\n\n## Load\n\nnew load\n\n## Later\n\nkept\n',
    );
    writeFileSync(file, '# Title\n\n## Benchmarks\n\nbench figures\n');
    recordSection('## Load\n\nfirst\n', file);
    assert.equal(readFileSync(file, 'utf8'), '# Title\n\n## Benchmarks\n\nbench figures\n\n## Load\n\nfirst\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
