/**
 * A test-runner plugin that starts the real stack (emulator + demo backend) for the
 * integration tests and proxies the page's `/live/api/*` to the backend, so the element calls
 * its backend on its own origin (cookies included) while the SDK talks to the emulator's origin.
 * `GET /live/config` tells a test where the emulator is (for its inbox).
 *
 * The stack starts on the first `/live/` request, so a run without integration tests (the
 * `unit-component` group, one component file) never starts it; the runner's groups share one
 * server and its plugins, so a plugin cannot belong to one group only.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The test page's origin (the runner's), set when the runner starts. */
let pageOrigin;
/** The running stack, from its first request on: `{ child, urls }`. */
let started;

/** Answers `/live/config` and proxies `/live/api/*`, starting the stack on the first request. */
export async function liveStackProxy(ctx, next) {
  if (!ctx.path.startsWith('/live/')) return next();
  if (!pageOrigin) throw new Error('the live-stack plugin is not in the runner config');
  started ??= startStack(pageOrigin);
  const { urls } = await started;
  if (ctx.path === '/live/config') {
    ctx.body = urls;
    return;
  }
  // `/live/api/*`: the demo backend (Unify); `/live/noretry-api/*`: the same with Prove's
  // allowOTPRetry off; `/live/seed-api/*`: the July 2025 guide's contract (verify-status).
  const backend = /^\/live\/(api|noretry-api|seed-api)\//.exec(ctx.path)?.[1];
  if (!backend) return next();
  const appUrl = { api: urls.appUrl, 'noretry-api': urls.noRetryAppUrl, 'seed-api': urls.seedAppUrl }[backend];
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const response = await fetch(`${appUrl}/api/${ctx.path.slice(`/live/${backend}/`.length)}`, {
    method: ctx.method,
    headers: {
      'content-type': ctx.get('content-type') || 'application/json',
      cookie: ctx.get('cookie'),
    },
    body: ['GET', 'HEAD'].includes(ctx.method) ? undefined : Buffer.concat(chunks),
  });
  ctx.status = response.status;
  const setCookies = response.headers.getSetCookie();
  if (setCookies.length)
    ctx.set(
      'set-cookie',
      setCookies.map((c) => c.replace(/Path=\/api/i, `Path=/live/${backend}`)),
    );
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter) ctx.set('retry-after', retryAfter);
  ctx.type = response.headers.get('content-type') ?? 'application/json';
  ctx.body = Buffer.from(await response.arrayBuffer());
}

/** Starts the stack in a child process; answers it and the URLs of its first line. */
async function startStack(origin) {
  // The runner's origin is the test page's, the one the emulator lets read its inbox and arm its faults.
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/live-stack-server.ts'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, LIVE_PAGE_ORIGIN: origin },
  });
  const firstLine = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`live stack exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return { child, urls: JSON.parse(firstLine) };
}

export function liveStack() {
  return {
    name: 'live-stack',
    serverStart({ config }) {
      pageOrigin = `http://${config.hostname}:${config.port}`;
    },
    async serverStop() {
      const stack = await started?.catch(() => undefined);
      started = undefined;
      const child = stack?.child;
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}
