/**
 * The demo app's routes on Hono: the contract's endpoints are prove-verify-server's handlers; the
 * rest is the demo's own (its config, its webhook panel, its pages). Every API failure is
 * `{code, message}`.
 */
import type { HttpBindings } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { jsonResponse, type ProveVerifyHandler, type ProveVerifyHandlers } from '../../../src/server/handlers.js';
import type { WebhookEventLog } from '../../../src/server/webhooks.js';
import type { DemoMode } from './config.js';
import { FILE_HEADERS, proveAuthBundlePath, type StaticFiles } from './static.js';

export interface DemoRoutesOptions {
  /** The contract's handlers; a getter because they are made once the app knows its own address. */
  contract: () => ProveVerifyHandlers;
  mode: DemoMode;
  emulatorUrl?: string;
  webhookEvents: WebhookEventLog;
  statics: StaticFiles;
  log: (line: string) => void;
}

type Env = { Bindings: HttpBindings };

const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  jsonResponse(status, { code, message }, headers);

export function demoRoutes(options: DemoRoutesOptions): Hono<Env> {
  const app = new Hono<Env>();
  // The socket's address is the client's as far as the app can see (trustProxy reads further).
  const contract = (pick: (handlers: ProveVerifyHandlers) => ProveVerifyHandler) => (c: Context<Env>) =>
    pick(options.contract())(c.req.raw, { clientAddress: c.env.incoming.socket.remoteAddress });

  /** The API's paths and their one method each, for 405's Allow. */
  const api: Record<string, string> = {
    '/api/verify': 'POST',
    '/api/verify-status': 'POST',
    '/api/webhook': 'POST',
    '/api/config': 'GET',
  };
  app.post(
    '/api/verify',
    contract((h) => h.verify),
  );
  app.post(
    '/api/verify-status',
    contract((h) => h.verifyStatus),
  );
  app.post(
    '/api/webhook',
    contract((h) => h.webhook),
  );
  app.get('/api/config', () =>
    jsonResponse(200, { mode: options.mode, ...(options.emulatorUrl ? { emulatorUrl: options.emulatorUrl } : {}) }),
  );
  // The demo's webhook panel; a real backend keeps its events to itself.
  if (options.mode === 'emulator') {
    api['/api/webhook-events'] = 'GET';
    app.get('/api/webhook-events', () => jsonResponse(200, { events: options.webhookEvents.list() }));
  }
  app.all('/api/*', (c) => {
    const allow = Object.hasOwn(api, c.req.path) ? api[c.req.path] : undefined;
    if (!allow) return error(404, 'not_found', 'No such API endpoint');
    return error(405, 'method_not_allowed', `Use ${allow}`, { Allow: allow });
  });
  app.all('/api', () => error(404, 'not_found', 'No such API endpoint'));

  const { statics } = options;
  const fileHeaders = (_path: string, c: Context<Env>) => {
    for (const [name, value] of Object.entries(FILE_HEADERS)) c.header(name, value);
  };
  // Prove's SDK byte for byte, as Prove ships it (its licence wants it unmodified).
  app.get('/vendor/prove-auth.js', serveStatic({ path: proveAuthBundlePath(), onFound: fileHeaders }));
  // Made once dist/cdn/ exists: `npm run build` may make it after the app starts.
  let cdn: MiddlewareHandler<Env> | undefined;
  app.get('/cdn/*', async (c, next) => {
    const missing = await statics.cdnMissing();
    if (missing) return missing;
    cdn ??= serveStatic({
      root: statics.cdnDir,
      rewriteRequestPath: (path) => path.slice('/cdn'.length),
      onFound: fileHeaders,
    });
    return cdn(c, next);
  });
  app.get(
    '*',
    async (c) => (await statics.respond(c.req.path, new URL(c.req.url).search)) ?? error(404, 'not_found', 'Not found'),
  );
  app.all('*', () => error(405, 'method_not_allowed', 'Use GET', { Allow: 'GET, HEAD' }));

  app.onError((failure) => {
    options.log(`  ${failure.name}`);
    return error(500, 'internal_error', 'Something went wrong on the server');
  });
  return app;
}
