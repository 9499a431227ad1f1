/**
 * A site on a loopback port, served as a site that hosts the CDN folder itself would serve it: its
 * own pages, dist/cdn/ under /prove-verify/, a stub backend under /api/, and the same headers (the
 * page's Content-Security-Policy) on every answer. It records every request.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { REPO_ROOT } from '../../e2e/support/stack.js';

const CDN_DIR = path.join(REPO_ROOT, 'dist/cdn');
const CDN_PATH = '/prove-verify/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface SiteOptions {
  /** The site's own files by path (`/`, `/verify.js`), as served. */
  pages: Record<string, string>;
  /** Sent with every answer. */
  headers?: Record<string, string>;
  /** What `POST /api/<name>` answers (200, JSON). */
  api?: Record<string, unknown>;
  /** Or a real backend for `/api/*`: Fetch API handlers (prove-verify-server's), made for the site's origin. */
  backend?: (origin: string) => (request: Request) => Promise<Response>;
  /** Changes a CDN file (its path under dist/cdn/) on the way out, as a compromised CDN would. */
  alter?: (file: string, bytes: Buffer) => Buffer;
}

export interface SeenRequest {
  method: string;
  path: string;
  status: number;
  /** A POST's JSON body. */
  body?: unknown;
}

export interface Site {
  origin: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text)).on('error', reject);
  });
}

/** A CDN file's bytes, or undefined for a path that leaves dist/cdn/ or names nothing. */
function cdnFile(file: string): Buffer | undefined {
  const resolved = path.resolve(CDN_DIR, file);
  if (!resolved.startsWith(`${CDN_DIR}${path.sep}`)) return undefined;
  try {
    return readFileSync(resolved);
  } catch {
    return undefined;
  }
}

export async function serveSite({
  pages,
  headers = {},
  api = {},
  backend,
  alter = (_file, bytes) => bytes,
}: SiteOptions): Promise<Site> {
  const requests: SeenRequest[] = [];
  let origin = '';
  let handle: ((request: Request) => Promise<Response>) | undefined;
  // Made once, at the first call: the site's origin (its port) is known by then.
  const backendListener = backend && getRequestListener((request) => (handle ??= backend(origin))(request));
  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const { pathname } = new URL(request.url ?? '/', 'http://site');
    const seen: SeenRequest = { method: request.method ?? 'GET', path: pathname, status: 404 };
    requests.push(seen);
    if (backendListener && pathname.startsWith('/api/')) {
      response.on('finish', () => (seen.status = response.statusCode));
      return backendListener(request, response);
    }
    const answer = (status: number, type: string, body: string | Buffer) => {
      seen.status = status;
      response.writeHead(status, { ...headers, 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
    };
    if (request.method === 'POST' && pathname.startsWith('/api/')) {
      const text = await readBody(request);
      seen.body = text ? JSON.parse(text) : undefined;
      const reply = api[pathname.slice('/api/'.length)];
      return reply === undefined
        ? answer(404, 'application/json', '{}')
        : answer(200, 'application/json', JSON.stringify(reply));
    }
    const page = pages[pathname];
    if (page !== undefined) return answer(200, TYPES[path.extname(pathname) || '.html']!, page);
    if (pathname.startsWith(CDN_PATH)) {
      const file = pathname.slice(CDN_PATH.length);
      const bytes = cdnFile(file);
      if (bytes) return answer(200, TYPES[path.extname(file)] ?? 'application/octet-stream', alter(file, bytes));
    }
    answer(404, 'text/plain', 'not found');
  };
  const server = createServer((request, response) => void serve(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // A browser keeps its connections open; the test is over.
        server.closeAllConnections();
      }),
  };
}
