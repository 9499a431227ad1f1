/**
 * Shared by the demo backend's test files app-*.test.ts: a small stand-in for Prove (both of its
 * contracts: /v3/verify + /v3/verify-status, and /v3/unify + /v3/unify-status + /v3/verify with
 * verificationType) that records what reached it, a request helper on node:http (so a test sets
 * every header and the client's own loopback address), and the error-shape check.
 */
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NO_LIMITS, startApp, type AppOptions, type RunningApp } from '../../demo/server/app/index.js';

export const ADDY = {
  firstName: 'Addy',
  lastName: 'Epinay',
  phoneNumber: '2001004010',
  possessionType: 'desktop',
} as const;

export interface StubProve {
  url: string;
  /** Bodies of /v3/verify calls, in order. */
  verifies: Array<Record<string, unknown>>;
  /** Bodies of /v3/verify-status calls, in order. */
  statuses: Array<Record<string, unknown>>;
  /** What /v3/verify-status answers (default pending). */
  status: Record<string, unknown>;
  /** What the next /v3/verify answers instead of a new flow (consumed once). */
  nextVerify?: { status: number; body: unknown };
  /** Bodies of /v3/unify calls, in order. */
  unifies: Array<Record<string, unknown>>;
  /** Bodies of /v3/unify-status calls, in order. */
  unifyStatuses: Array<Record<string, unknown>>;
  /** Bodies of /v3/verify calls with verificationType (the identity check), in order. */
  identities: Array<Record<string, unknown>>;
  /** What /v3/unify-status answers (default pending). */
  unifyStatus: Record<string, unknown>;
  /** What the identity check answers (default a success naming the number it was sent). */
  identity?: Record<string, unknown>;
  close(): Promise<void>;
}

/** The stub's answers and records as a new test wants them. */
export function resetStub(stub: StubProve): void {
  stub.verifies.length = 0;
  stub.statuses.length = 0;
  stub.unifies.length = 0;
  stub.unifyStatuses.length = 0;
  stub.identities.length = 0;
  stub.status = { success: 'pending', possessionResult: 'pending', verifyResult: 'pending' };
  stub.unifyStatus = { success: 'pending' };
  stub.identity = undefined;
  stub.nextVerify = undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Prove's /token and both contracts' calls; each flow gets auth-token-N and correlation-N. */
export async function startStubProve(): Promise<StubProve> {
  let flows = 0;
  const stub: StubProve = {
    url: '',
    verifies: [],
    statuses: [],
    status: { success: 'pending', possessionResult: 'pending', verifyResult: 'pending' },
    unifies: [],
    unifyStatuses: [],
    identities: [],
    unifyStatus: { success: 'pending' },
    close: async () => {},
  };
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/token') return send(200, { access_token: 'stub-token', token_type: 'Bearer', expires_in: 3600 });
    if (req.url === '/v3/verify' && 'verificationType' in (JSON.parse(text) as object)) {
      const body = JSON.parse(text) as Record<string, unknown>;
      stub.identities.push(body);
      return send(
        200,
        stub.identity ?? {
          success: 'true',
          correlationId: 'identity-correlation',
          phoneNumber: body.phoneNumber,
          proveId: 'prove-id-1',
          identity: { firstName: body.firstName, lastName: body.lastName, assuranceLevel: 'AL2', reasons: ['NA'] },
        },
      );
    }
    if (req.url === '/v3/unify') {
      stub.unifies.push(JSON.parse(text) as Record<string, unknown>);
      flows++;
      return send(200, { authToken: `auth-token-${flows}`, correlationId: `correlation-${flows}`, success: 'pending' });
    }
    if (req.url === '/v3/unify-status') {
      stub.unifyStatuses.push(JSON.parse(text) as Record<string, unknown>);
      return send(200, stub.unifyStatus);
    }
    if (req.url === '/v3/verify') {
      stub.verifies.push(JSON.parse(text) as Record<string, unknown>);
      const next = stub.nextVerify;
      stub.nextVerify = undefined;
      if (next) return send(next.status, next.body);
      flows++;
      return send(200, {
        authToken: `auth-token-${flows}`,
        correlationId: `correlation-${flows}`,
        success: 'pending',
        possessionResult: 'pending',
        verifyResult: 'pending',
      });
    }
    if (req.url === '/v3/verify-status') {
      stub.statuses.push(JSON.parse(text) as Record<string, unknown>);
      return send(200, stub.status);
    }
    send(404, { code: 1001, message: 'no such path' });
  };
  const server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return stub;
}

/**
 * The app in front of `stub`, budgets off unless `options.limits` says otherwise, speaking the
 * verify-status contract (whose calls these tests count) unless `options.flow` says unify.
 */
export function startAppOn(stub: StubProve, options: AppOptions = {}): Promise<RunningApp> {
  return startApp({
    port: 0,
    host: '127.0.0.1',
    prove: { baseUrl: stub.url, clientId: 'id', clientSecret: 'secret' },
    static: { bundleMain: false },
    limits: NO_LIMITS,
    flow: 'verify-status',
    ...options,
  });
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

export interface PostOptions {
  cookie?: string;
  headers?: Record<string, string>;
  /** The client's own address (any 127.x.y.z reaches a 127.0.0.1 listener on Linux). */
  from?: string;
  method?: string;
}

/** One request on a fresh connection (no keep-alive: nothing is left open between tests). */
export function call(app: RunningApp, path: string, body?: unknown, options: PostOptions = {}): Promise<Answer> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const url = new URL(path, app.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
        agent: false,
        localAddress: options.from,
        headers: {
          ...(payload !== undefined
            ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }
            : {}),
          ...(options.cookie ? { Cookie: options.cookie } : {}),
          ...options.headers,
        },
      },
      (res) => {
        readBody(res).then(
          (text) => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }),
          reject,
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The `name=value` of the session cookie an answer sets ('' when it sets none). */
export function cookieOf(answer: Answer): string {
  const cookies = answer.headers['set-cookie'] ?? [];
  return cookies.find((c) => /^(?:__Host-)?pv_session=/.test(c))?.split(';')[0] ?? '';
}

/** Asserts an error answer: `status`, JSON `{code, message}` with a non-empty message. */
export function assertError(answer: Answer, status: number, code?: string): { code: string; message: string } {
  assert.equal(answer.status, status, `status ${answer.status} (wanted ${status}): ${answer.text}`);
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  const body = answer.json() as { code: string; message: string };
  assert.equal(typeof body.code, 'string');
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0);
  if (code) assert.equal(body.code, code);
  return body;
}
