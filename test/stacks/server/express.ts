// docs/server.md "Express", block 1
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import type { ProveVerifyHandlers } from 'prove-verify-server';

export function createApp(prove: ProveVerifyHandlers): express.Express {
  const app = express();
  // A Fetch API Request for the handlers, and the connection's address for the per-address budgets.
  const handle = getRequestListener((request, { incoming }) =>
    prove.handle(request, { clientAddress: incoming.socket.remoteAddress }),
  );
  // Every method (prove.handle answers 405 with Allow: POST to all but POST), and before
  // express.json() or any other body parser: the handlers read (and limit) the body themselves.
  app.all(['/api/verify', '/api/verify-status', '/api/webhook'], handle);
  app.use(express.json()); // your own routes from here on
  return app;
}
// createApp(prove).listen(3000);
