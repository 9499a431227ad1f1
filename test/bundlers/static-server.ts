/**
 * A production build's output folder, served as any static host would: files as they are, a
 * missing file answered 404 (no fallback page that would hide one), on a free loopback port.
 */
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { closeServer } from '../../demo/server/loopback.js';

export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

export async function serveFolder(root: string): Promise<StaticSite> {
  const app = new Hono();
  app.use('*', serveStatic({ root }));
  const listener = getRequestListener(app.fetch);
  const server = createServer((request, response) => void listener(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the static server has no port');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => closeServer(server) };
}
