/**
 * A test-runner plugin that starts the real stack (emulator + demo backend) for the
 * integration tests and proxies the page's `/live/api/*` to the backend, so the element calls
 * its backend on its own origin (cookies included) while the SDK talks to the emulator's origin.
 * `GET /live/config` tells a test where the emulator is (for its inbox).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

let urls;

/** Answers `/live/config` and proxies `/live/api/*` once the plugin has started the stack. */
export async function liveStackProxy(ctx, next) {
  if (!ctx.path.startsWith('/live/')) return next();
  if (!urls) throw new Error('the live stack is not running');
  if (ctx.path === '/live/config') {
    ctx.body = urls;
    return;
  }
  // `/live/api/*`: the demo backend; `/live/noretry-api/*`: the same with Prove's allowOTPRetry off.
  const backend = /^\/live\/(api|noretry-api)\//.exec(ctx.path)?.[1];
  if (!backend) return next();
  const appUrl = backend === 'api' ? urls.appUrl : urls.noRetryAppUrl;
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
  if (setCookies.length) ctx.set('set-cookie', setCookies.map((c) => c.replace(/Path=\/api/i, `Path=/live/${backend}`)));
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter) ctx.set('retry-after', retryAfter);
  ctx.type = response.headers.get('content-type') ?? 'application/json';
  ctx.body = Buffer.from(await response.arrayBuffer());
}

export function liveStack() {
  let child;
  return {
    name: 'live-stack',
    async serverStart({ config }) {
      // The runner is listening already: its origin is the test page's, the one the emulator lets
      // read its inbox and arm its faults.
      child = spawn(process.execPath, ['--import', 'tsx', 'test/support/live-stack-server.ts'], {
        stdio: ['pipe', 'pipe', 'inherit'],
        env: { ...process.env, LIVE_PAGE_ORIGIN: `http://${config.hostname}:${config.port}` },
      });
      const firstLine = await new Promise((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`live stack exited with ${code}`)));
        createInterface({ input: child.stdout }).once('line', resolve);
      });
      urls = JSON.parse(firstLine);
    },
    async serverStop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}
