/**
 * docs/backend-contract.yaml (OpenAPI 3.1) against the demo backend's real answers: every answer
 * a test provokes over HTTP must be a status the contract lists for that path, carry the headers
 * it requires, and match its schema (ajv, JSON Schema 2020-12, OpenAPI 3.1's dialect). The answers
 * of prove-verify-server that the demo cannot provoke (a body parser mounted first, settings made
 * at the first request that cannot work) are checked the same way.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SignJWT } from 'jose';
import { parse as parseYaml } from 'yaml';
import type { RunningApp } from '../../demo/server/app/index.js';
import { fetchVerificationResult, startVerification } from '../../src/backend.js';
import { createProveVerifyHandlers, redisStore } from '../../src/server/index.js';
import { ADDY, call, cookieOf, startAppOn, startStubProve, type Answer, type StubProve } from './app-helpers.js';

interface Operation {
  requestBody: { content: { 'application/json': { schema: unknown } } };
  responses: Record<string, { headers?: Record<string, { required?: boolean }>; content?: { 'application/json': { schema: unknown } } }>;
}
interface Contract {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<string, { post: Operation }>;
}

// JSON is YAML 1.2, and the file is written in that form: no YAML parser is a dependency yet.
const contract = parseYaml(await readFile(new URL('../../docs/backend-contract.yaml', import.meta.url), 'utf8')) as Contract;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
ajv.addSchema(contract, 'contract');

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
const validatorAt = (...parts: string[]) => ajv.compile({ $ref: `contract#/${pointer(...parts)}` });

/** The contract's path for a demo URL path (the demo serves the contract under its server URL, /api). */
function contractPath(demoPath: string): string {
  const base = contract.servers[0]!.url;
  assert.ok(demoPath.startsWith(`${base}/`), demoPath);
  return demoPath.slice(base.length);
}

/** Asserts `answer` is one the contract lists for POST `demoPath`, with its headers and body. */
function assertInContract(demoPath: string, answer: Answer): void {
  const path = contractPath(demoPath);
  const status = String(answer.status);
  const response = contract.paths[path]?.post.responses[status];
  assert.ok(response, `POST ${path} answered ${status}, which the contract does not list: ${answer.text}`);
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if (header.required) assert.ok(answer.headers[name.toLowerCase()] !== undefined, `${path} ${status} lacks ${name}`);
  }
  if (!response.content) return;
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  const validate = validatorAt('paths', path, 'post', 'responses', status, 'content', 'application/json', 'schema');
  assert.ok(validate(answer.json()), `${path} ${status}: ${ajv.errorsText(validate.errors)} in ${answer.text}`);
}

/** Asserts a request body is one the contract accepts (what the tests send is what the element may). */
function assertRequestInContract(path: string, body: unknown): void {
  const validate = validatorAt('paths', path, 'post', 'requestBody', 'content', 'application/json', 'schema');
  assert.ok(validate(body), `${path} request: ${ajv.errorsText(validate.errors)}`);
}

let stub: StubProve;
let app: RunningApp;

before(async () => {
  stub = await startStubProve();
  app = await startAppOn(stub, { webhookSecret: 'whsec_contract_test' });
});
after(async () => {
  await app.close();
  await stub.close();
});

describe('the contract document', () => {
  test('is OpenAPI 3.1 and its schemas refuse what the contract forbids', () => {
    assert.equal(contract.openapi, '3.1.0');
    const verdict = validatorAt('components', 'schemas', 'Verdict');
    assert.equal(
      verdict({ success: 'true', possessionResult: 'success', verifyResult: 'success' }),
      false,
      "Prove's string success is not the contract's boolean",
    );
    assert.equal(verdict({ success: true, possessionResult: 'success', verifyResult: 'not applicable' }), false, 'only not_applicable');
    const started = validatorAt('components', 'schemas', 'VerifyStarted');
    assert.equal(started({ flowId: 'abc' }), false, 'a start without an authToken');
    assert.equal(started({ authToken: 't', flowId: 'f', changeNumber: 'in-flow' }), true);
    assert.equal(started({ authToken: 't' }), false, 'a start names its flow');
    assert.equal(started({ authToken: 't', changeNumber: 'sdk' }), false, 'changeNumber is in-flow or restart');
    assert.equal(verdict({ success: true, possessionResult: 'success', verifyResult: 'success', phoneNumber: '2001004010' }), false, 'the phone is E.164');
    assert.equal(verdict({ success: true, possessionResult: 'success', verifyResult: 'success', phoneNumber: '+12001004010', reasons: 'NA' }), false);
    const request = validatorAt('components', 'schemas', 'VerifyRequest');
    assert.equal(request({ ...ADDY, possessionType: 'tablet' }), false);
    assert.equal(request({ ...ADDY, finalTargetUrl: 'javascript:alert(1)' }), false);
    assert.equal(request({ ...ADDY, correlationId: 'x' }), false, 'the page never sends Prove ids');
    assert.equal(validatorAt('components', 'schemas', 'StatusRequest')({ flowId: 'abc', correlationId: 'x' }), false);
    assert.equal(validatorAt('components', 'schemas', 'StatusRequest')({}), false, 'the status call names its flow');
  });
});

describe("the demo backend's answers are the contract's", () => {
  test('a flow: started, pending, the verdict, then expired', async () => {
    assertRequestInContract('/verify', ADDY);
    const started = await call(app, '/api/verify', ADDY);
    assert.equal(started.status, 200);
    assertInContract('/api/verify', started);
    const { flowId } = started.json() as { flowId: string };
    const cookie = cookieOf(started);

    assertRequestInContract('/verify-status', { flowId });
    const pending = await call(app, '/api/verify-status', { flowId }, { cookie });
    assert.equal(pending.status, 202);
    assertInContract('/api/verify-status', pending);

    stub.status = { success: 'true', possessionResult: 'success', verifyResult: 'not applicable', identityId: 'id-7' };
    const verdict = await call(app, '/api/verify-status', { flowId }, { cookie });
    assert.equal(verdict.status, 200);
    assertInContract('/api/verify-status', verdict);

    const expired = await call(app, '/api/verify-status', { flowId }, { cookie });
    assert.equal(expired.status, 401);
    assertInContract('/api/verify-status', expired);
  });

  test("Prove's current contract (unify): started in-flow, pending, the verdict on the number proved, possession_required", async () => {
    const unify = await startAppOn(stub, { flow: 'unify' });
    try {
      const started = await call(unify, '/api/verify', ADDY);
      assertInContract('/api/verify', started);
      assert.equal((started.json() as { changeNumber: string }).changeNumber, 'in-flow');
      const { flowId } = started.json() as { flowId: string };
      const cookie = cookieOf(started);
      stub.unifyStatus = { success: 'pending' };
      const pending = await call(unify, '/api/verify-status', { flowId }, { cookie });
      assert.equal(pending.status, 202);
      assertInContract('/api/verify-status', pending);
      stub.unifyStatus = { success: 'true', correlationId: 'c', phoneNumber: '2001004011', proveId: 'p-1' };
      const verdict = await call(unify, '/api/verify-status', { flowId }, { cookie });
      assert.equal(verdict.status, 200);
      assertInContract('/api/verify-status', verdict);
      assert.equal((verdict.json() as { phoneNumber: string }).phoneNumber, '+12001004011');

      const next = await call(unify, '/api/verify', ADDY);
      stub.unifyStatus = { success: 'possession_required', phoneNumber: '2001004010' };
      const misfit = await call(unify, '/api/verify-status', { flowId: (next.json() as { flowId: string }).flowId }, { cookie: cookieOf(next) });
      assert.equal(misfit.status, 500);
      assertInContract('/api/verify-status', misfit);
    } finally {
      stub.unifyStatus = { success: 'pending' };
      await unify.close();
    }
  });

  test('Prove refusing the person at once', async () => {
    stub.nextVerify = { status: 200, body: { success: 'false', possessionResult: 'not_applicable', verifyResult: 'failed' } };
    const refused = await call(app, '/api/verify', ADDY);
    assert.equal(refused.status, 200);
    assertInContract('/api/verify', refused);
  });

  test('refusals: a bad field, an unknown field, another origin, another method, a big body, not JSON, Prove failing', async () => {
    const answers: Array<[string, Answer]> = [
      ['/api/verify', await call(app, '/api/verify', { ...ADDY, phoneNumber: '12' })],
      ['/api/verify', await call(app, '/api/verify', { ...ADDY, clientCustomerId: 'c-1' })],
      ['/api/verify-status', await call(app, '/api/verify-status', { flowId: 'abc', correlationId: 'x' })],
      ['/api/webhook', await call(app, '/api/webhook', undefined, { method: 'GET' })],
      ['/api/verify', await call(app, '/api/verify', ADDY, { headers: { Origin: 'https://evil.example' } })],
      ['/api/verify', await call(app, '/api/verify', undefined, { method: 'GET' })],
      ['/api/verify', await call(app, '/api/verify', { ...ADDY, firstName: 'a'.repeat(20_000) })],
      ['/api/verify', await call(app, '/api/verify', 'firstName=Addy', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })],
      ['/api/verify-status', await call(app, '/api/verify-status', '{not json')],
    ];
    stub.nextVerify = { status: 500, body: { code: 9000, message: 'down' } };
    answers.push(['/api/verify', await call(app, '/api/verify', ADDY)]);
    assert.deepEqual(
      answers.map(([, a]) => a.status),
      [400, 400, 400, 405, 403, 405, 413, 415, 400, 502],
    );
    for (const [path, answer] of answers) assertInContract(path, answer);
  });

  test('over a budget (429) and a full store (503), both with Retry-After', async () => {
    const limited = await startAppOn(stub, { limits: { textsPerPhone: 3 }, maxSessions: 1 });
    try {
      assert.equal((await call(limited, '/api/verify', ADDY)).status, 200);
      const overBudget = await call(limited, '/api/verify', ADDY);
      assert.equal(overBudget.status, 429);
      assertInContract('/api/verify', overBudget);
      const full = await call(limited, '/api/verify', { ...ADDY, phoneNumber: '2001004011' });
      assert.equal(full.status, 503);
      assertInContract('/api/verify', full);
    } finally {
      await limited.close();
    }
  });

  test('a store that cannot answer (503 store_unavailable with Retry-After), on either call', async () => {
    const down = () => Promise.reject(new Error('Connection is closed.'));
    const store = redisStore({ eval: down, get: down, set: down, zrem: down, zrangebyscore: down });
    const storeless = await startAppOn(stub, { store });
    try {
      const start = await call(storeless, '/api/verify', ADDY);
      const status = await call(storeless, '/api/verify-status', { flowId: 'f' }, { cookie: 'pv_session=k' });
      const answers = [
        ['/api/verify', start],
        ['/api/verify-status', status],
      ] as const;
      for (const [path, answer] of answers) {
        assert.equal(answer.status, 503);
        assert.equal(answer.headers['retry-after'], '5');
        assertInContract(path, answer);
      }
    } finally {
      await storeless.close();
    }
  });

  test('webhooks: taken, then refused as a replay', async () => {
    const jwt = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('Prove Identity')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('whsec_contract_test'));
    const payload = {
      notifications: [{ eventId: 'e-9', event: 'moved', eventType: 'PORT', eventTimestamp: '2026-01-01T00:00:00Z', identityId: 'id-9' }],
    };
    assertRequestInContract('/webhook', payload);
    const headers = { 'X-Prove-Authorization': `Bearer ${jwt}` };
    const taken = await call(app, '/api/webhook', payload, { headers });
    assert.equal(taken.status, 200);
    assertInContract('/api/webhook', taken);
    const replayed = await call(app, '/api/webhook', payload, { headers });
    assert.equal(replayed.status, 401);
    assertInContract('/api/webhook', replayed);
  });
});

describe("prove-verify-server's answers that the demo cannot provoke are the contract's", () => {
  /** A Fetch API Response as app-helpers' call() answers (header names in lower case). */
  const answerOf = async (response: Response): Promise<Answer> => {
    const text = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return { status: response.status, headers, text, json: () => JSON.parse(text) };
  };
  const settings = {
    prove: { baseUrl: 'http://127.0.0.1:9', clientId: 'id', clientSecret: 'secret' },
    finalTarget: { landingUrl: 'https://shop.example/link-opened.html' },
    pageOrigins: ['https://shop.example'],
    log: false,
  } as const;
  const post = (path: string, body: unknown) =>
    new Request(`https://shop.example/api${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  test('500 body_already_read, 500 server_misconfigured, and 405 on the webhook through handle', async (t) => {
    // Settings that cannot work are written even with log: false, once.
    const errors = t.mock.method(console, 'error', () => {});
    const handlers = createProveVerifyHandlers(settings);
    const misconfigured = createProveVerifyHandlers(() => ({ ...settings, pageOrigins: [] }));
    try {
      const read = post('/verify', ADDY);
      await read.text();
      const answers: Array<[string, Answer]> = [
        ['/api/verify', await answerOf(await handlers.verify(read))],
        ['/api/verify-status', await answerOf(await misconfigured.verifyStatus(post('/verify-status', {})))],
        ['/api/webhook', await answerOf(await misconfigured.webhook(post('/webhook', { notifications: [] })))],
        ['/api/webhook', await answerOf(await handlers.handle(new Request('https://shop.example/api/webhook')))],
      ];
      assert.deepEqual(
        answers.map(([, a]) => [a.status, (a.json() as { code: string }).code]),
        [
          [500, 'body_already_read'],
          [500, 'server_misconfigured'],
          [500, 'server_misconfigured'],
          [405, 'method_not_allowed'],
        ],
      );
      for (const [path, answer] of answers) assertInContract(path, answer);
      assert.equal(errors.mock.callCount(), 1);
    } finally {
      await handlers.close();
      await misconfigured.close();
    }
  });
});

describe("the element's own requests are the contract's", () => {
  test('src/backend.ts (what the element calls its backend with) sends bodies and headers the contract accepts', async () => {
    // A loopback backend that records what it is sent and answers as the contract says.
    const seen: Array<{ path: string; contentType?: string; body: unknown }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({ path: req.url!, contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify(
            req.url === '/api/verify'
              ? { authToken: 'token-1', flowId: 'flow-1', changeNumber: 'in-flow' }
              : { success: true, possessionResult: 'success', verifyResult: 'success', phoneNumber: '+12001004010' },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const config = {
        baseUrl: `http://127.0.0.1:${port}/api`,
        verifyPath: '/verify',
        statusPath: '/verify-status',
        credentials: 'same-origin' as const,
        timeout: 5000,
      };
      const started = await startVerification(config, {
        firstName: 'Addy',
        lastName: 'Epinay',
        phoneNumber: '+12001004010',
        possessionType: 'desktop',
        finalTargetUrl: 'https://example.com/landing',
      });
      assert.deepEqual(started, { authToken: 'token-1', flowId: 'flow-1', changeNumber: 'in-flow' });
      // With the flowId the start answered (the contract's starts all answer one; the element
      // sends {} only to an older backend that answers none).
      await fetchVerificationResult(config, 'flow-1');
      assert.deepEqual(
        seen.map((r) => r.path),
        ['/api/verify', '/api/verify-status'],
      );
      for (const request of seen) {
        assert.match(String(request.contentType), /^application\/json/);
        assertRequestInContract(contractPath(request.path), request.body);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
