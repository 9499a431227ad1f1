// `npm run dev` (scripts/dev.mjs): starts, serves the demo page with its reload script, tells the
// page to reload when a page file changes, and stops on SIGTERM. Without the CDN watch (`--no-cdn`):
// other suites read dist/ at the same time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync, utimesSync } from 'node:fs';
import { freeLoopbackPort } from '../../demo/server/loopback.js';

async function until<T>(what: string, deadline: number, attempt: () => Promise<T | undefined>): Promise<T> {
  while (Date.now() < deadline) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('npm run dev serves the demo page and reloads it when a page file changes', { timeout: 90_000 }, async () => {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, ['scripts/dev.mjs', '--no-cdn'], {
    env: {
      ...process.env,
      PORT: String(port),
      EMULATOR_PORT: '0',
      PROVE_CLIENT_ID: '',
      PROVE_CLIENT_SECRET: '',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const events = new AbortController();
  try {
    const deadline = Date.now() + 60_000;
    const page = await until('the demo page', deadline, async () => {
      const response = await fetch(`http://localhost:${port}/`);
      return response.ok ? response.text() : undefined;
    }).catch((error: Error) => assert.fail(`${error.message}\n${output}`));
    assert.match(page, /<prove-verify\b/);
    assert.match(page, /<script type="module" src="\/__dev\/reload.js"><\/script>\s*<\/body>/);
    const script = await fetch(`http://localhost:${port}/__dev/reload.js`);
    assert.match(await script.text(), /EventSource\('\/__dev\/events'\)/);

    const stream = await fetch(`http://localhost:${port}/__dev/events`, { signal: events.signal });
    assert.equal(stream.headers.get('content-type'), 'text/event-stream');
    const reader = stream.body!.getReader();
    await reader.read(); // connected
    // A page file changes (its times set to what they were: the watcher sees it, nothing else does).
    const css = 'demo/demo.css';
    const { atime, mtime } = statSync(css);
    utimesSync(css, atime, mtime);
    const received = await Promise.race([
      reader.read().then(({ value }) => new TextDecoder().decode(value)),
      new Promise<string>((resolve) => setTimeout(() => resolve('nothing within 10 s'), 10_000)),
    ]);
    assert.match(received, /event: reload/);
  } finally {
    events.abort();
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ]);
    if (code === 'still running') child.kill('SIGKILL');
    assert.equal(code, 0, output);
  }
});
