// docs/server.md "Hono", block 1
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import type { ProveVerifyHandlers } from 'prove-verify-server';

export function createApp(prove: ProveVerifyHandlers): Hono {
  const app = new Hono();
  // Every method (prove.handle answers 405 with Allow: POST to all but POST); the Request as it
  // came, and the connection's address for the per-address budgets.
  app.all('/api/:endpoint{verify|verify-status|webhook}', (c) =>
    prove.handle(c.req.raw, { clientAddress: getConnInfo(c).remote.address }),
  );
  return app;
}
// serve({ fetch: createApp(prove).fetch, port: 3000 }); // @hono/node-server
