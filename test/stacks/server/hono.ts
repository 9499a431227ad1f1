// README "Your backend: prove-verify-server", block 2
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import type { ProveVerifyHandler, ProveVerifyHandlers } from 'prove-verify-server';

export function createApp(prove: ProveVerifyHandlers): Hono {
  const app = new Hono();
  // The Request as it came, and the connection's address for the per-address budgets.
  const mount = (handler: ProveVerifyHandler) => (c: Context) => handler(c.req.raw, { clientAddress: getConnInfo(c).remote.address });
  app.post('/api/verify', mount(prove.verify));
  app.post('/api/verify-status', mount(prove.verifyStatus));
  app.post('/api/webhook', mount(prove.webhook));
  return app;
}
// serve({ fetch: createApp(prove).fetch, port: 3000 }); // @hono/node-server
