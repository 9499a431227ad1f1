// README "Your backend: prove-verify-server", block 3
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import type { ProveVerifyHandler, ProveVerifyHandlers } from 'prove-verify-server';

export function createApp(prove: ProveVerifyHandlers): express.Express {
  const app = express();
  // A Fetch API Request for the handler, and the connection's address for the per-address budgets.
  const mount = (handler: ProveVerifyHandler) =>
    getRequestListener((request, { incoming }) => handler(request, { clientAddress: incoming.socket.remoteAddress }));
  // Before express.json() or any other body parser: the handlers read (and limit) the body themselves.
  app.post('/api/verify', mount(prove.verify));
  app.post('/api/verify-status', mount(prove.verifyStatus));
  app.post('/api/webhook', mount(prove.webhook));
  app.use(express.json()); // your own routes from here on
  return app;
}
// createApp(prove).listen(3000);
