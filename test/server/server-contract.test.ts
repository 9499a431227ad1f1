/**
 * docs/backend-contract.yaml (OpenAPI 3.1) is the backend contract's one source; this file checks
 * what restates it against it:
 * - the server's real answers (the demo backend over HTTP, and prove-verify-server's handlers in
 *   process for what the demo cannot provoke): each a status the contract lists for its path, with
 *   the headers it requires and their values, and a body of its schema (ajv, JSON Schema 2020-12,
 *   OpenAPI 3.1's dialect), closed: no field the contract does not name. Every status the contract
 *   lists for the element's two calls is provoked once at least;
 * - the types and checks that restate it: the element's client (src/backend.ts: the request it
 *   sends, the answers it reads), the server's request checks (validation.ts) and its verdict
 *   (flows/flow.ts), read from their source;
 * - the element's own requests, sent by src/backend.ts to a loopback backend.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { SignJWT } from 'jose';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { RunningApp } from '../../demo/server/app/index.js';
import { fetchVerificationResult, startVerification } from '../../src/backend.js';
import { createProveVerifyHandlers, NO_LIMITS, ProveClient, redisStore } from '../../src/server/index.js';
import { StatusBodySchema, VerifyBodySchema } from '../../src/server/validation.js';
import {
  ADDY,
  call,
  cookieOf,
  resetStub,
  startAppOn,
  startStubProve,
  type Answer,
  type StubProve,
} from './app-helpers.js';

interface Schema {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  enum?: unknown[];
  [keyword: string]: unknown;
}
interface Header {
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  requestBody: { content: { 'application/json': { schema: unknown } } };
  responses: Record<
    string,
    { headers?: Record<string, Header>; content?: { 'application/json': { schema: unknown } } }
  >;
}
interface Contract {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<string, { post: Operation }>;
  components: { schemas: Record<string, Schema> };
}

const contract = parseYaml(
  await readFile(new URL('../../docs/backend-contract.yaml', import.meta.url), 'utf8'),
) as Contract;

/**
 * The contract with every object schema that leaves its other fields open closed: the answers of
 * prove-verify-server (with no onVerified adding fields) name no field the contract does not, so
 * a field added to the server and not to the contract fails here.
 */
function closed<T>(node: T): T {
  if (Array.isArray(node)) return node.map(closed) as T;
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, closed(value)]),
  );
  if (copy.type === 'object' && copy.properties && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy as T;
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
ajv.addSchema(contract, 'contract');
ajv.addSchema(closed(contract), 'closed');

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
const compiled = new Map<string, ValidateFunction>();
/** A validator for the schema at `parts` in the contract (`closed`: in its closed copy). */
function validatorAt(...parts: string[]): ValidateFunction {
  return validatorIn('contract', ...parts);
}
function validatorIn(id: 'contract' | 'closed', ...parts: string[]): ValidateFunction {
  const ref = `${id}#/${pointer(...parts)}`;
  let validate = compiled.get(ref);
  if (!validate) compiled.set(ref, (validate = ajv.compile({ $ref: ref })));
  return validate;
}

/** The contract's path for a demo URL path (the demo serves the contract under its server URL, /api). */
function contractPath(demoPath: string): string {
  const base = contract.servers[0]!.url;
  assert.ok(demoPath.startsWith(`${base}/`), demoPath);
  return demoPath.slice(base.length);
}

/** Every `POST <path> <status>` an answer was checked for. */
const provoked = new Set<string>();

/** Asserts `answer` is one the contract lists for POST `demoPath`, with its headers and body. */
function assertInContract(demoPath: string, answer: Answer): void {
  const path = contractPath(demoPath);
  const status = String(answer.status);
  const response = contract.paths[path]?.post.responses[status];
  assert.ok(response, `POST ${path} answered ${status}, which the contract does not list: ${answer.text}`);
  provoked.add(`${path} ${status}`);
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const value = answer.headers[name.toLowerCase()];
    if (header.required) assert.ok(value !== undefined, `${path} ${status} lacks ${name}`);
    if (value === undefined || !header.schema) continue;
    const validate = validatorAt('paths', path, 'post', 'responses', status, 'headers', name, 'schema');
    for (const one of [value].flat())
      assert.ok(
        validate(one),
        `${path} ${status} ${name}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(one)}`,
      );
  }
  // prove-verify-server says how long to wait whenever it refuses for a while, though the contract
  // lets another backend leave it out of a 503.
  if (status === '429' || status === '503')
    assert.match(String(answer.headers['retry-after']), /^[1-9][0-9]*$/, `${path} ${status} says how long`);
  if (!response.content) return;
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  const validate = validatorIn(
    'closed',
    'paths',
    path,
    'post',
    'responses',
    status,
    'content',
    'application/json',
    'schema',
  );
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
    assert.equal(
      verdict({ success: true, possessionResult: 'success', verifyResult: 'not applicable' }),
      false,
      'only not_applicable',
    );
    const started = validatorAt('components', 'schemas', 'VerifyStarted');
    assert.equal(started({ flowId: 'abc' }), false, 'a start without an authToken');
    assert.equal(started({ authToken: 't', flowId: 'f', changeNumber: 'in-flow' }), true);
    assert.equal(started({ authToken: 't' }), false, 'a start names its flow');
    assert.equal(started({ authToken: 't', changeNumber: 'sdk' }), false, 'changeNumber is in-flow or restart');
    assert.equal(
      verdict({ success: true, possessionResult: 'success', verifyResult: 'success', phoneNumber: '2001004010' }),
      false,
      'the phone is E.164',
    );
    assert.equal(
      verdict({
        success: true,
        possessionResult: 'success',
        verifyResult: 'success',
        phoneNumber: '+12001004010',
        reasons: 'NA',
      }),
      false,
    );
    const request = validatorAt('components', 'schemas', 'VerifyRequest');
    assert.equal(request({ ...ADDY, possessionType: 'tablet' }), false);
    assert.equal(request({ ...ADDY, finalTargetUrl: 'javascript:alert(1)' }), false);
    assert.equal(request({ ...ADDY, correlationId: 'x' }), false, 'the page never sends Prove ids');
    assert.equal(validatorAt('components', 'schemas', 'StatusRequest')({ flowId: 'abc', correlationId: 'x' }), false);
    assert.equal(validatorAt('components', 'schemas', 'StatusRequest')({}), false, 'the status call names its flow');
    const verdictOk = {
      success: true,
      possessionResult: 'success',
      verifyResult: 'success',
      phoneNumber: '+12001004010',
    };
    assert.equal(
      verdict({ ...verdictOk, orderId: 'o-1' }),
      true,
      "another backend's verdict may carry fields of its own",
    );
    assert.equal(
      validatorIn('closed', 'components', 'schemas', 'Verdict')({ ...verdictOk, orderId: 'o-1' }),
      false,
      'the closed copy names every field',
    );
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
      const misfit = await call(
        unify,
        '/api/verify-status',
        { flowId: (next.json() as { flowId: string }).flowId },
        { cookie: cookieOf(next) },
      );
      assert.equal(misfit.status, 500);
      assertInContract('/api/verify-status', misfit);
    } finally {
      stub.unifyStatus = { success: 'pending' };
      await unify.close();
    }
  });

  test('Prove refusing the person at once', async () => {
    stub.nextVerify = {
      status: 200,
      body: { success: 'false', possessionResult: 'not_applicable', verifyResult: 'failed' },
    };
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
      [
        '/api/verify',
        await call(app, '/api/verify', 'firstName=Addy', {
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        }),
      ],
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
    const limited = await startAppOn(stub, { limits: { textsPerPhone: 3 }, maxFlows: 1 });
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

  test("the status call's refusals: another origin, another method, a big body, not JSON by type, over its budget", async () => {
    resetStub(stub);
    const limited = await startAppOn(stub, { limits: { ...NO_LIMITS, statusPerFlow: 1 } });
    try {
      const started = await call(limited, '/api/verify', ADDY);
      const { flowId } = started.json() as { flowId: string };
      const cookie = cookieOf(started);
      const answers = [
        await call(limited, '/api/verify-status', { flowId }, { cookie, headers: { Origin: 'https://evil.example' } }),
        await call(limited, '/api/verify-status', undefined, { method: 'GET', cookie }),
        await call(limited, '/api/verify-status', { flowId, padding: 'a'.repeat(20_000) }, { cookie }),
        await call(limited, '/api/verify-status', `flowId=${flowId}`, {
          cookie,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        }),
        await call(limited, '/api/verify-status', { flowId }, { cookie }),
        await call(limited, '/api/verify-status', { flowId }, { cookie }),
      ];
      assert.deepEqual(
        answers.map((a) => a.status),
        [403, 405, 413, 415, 202, 429],
      );
      for (const answer of answers) assertInContract('/api/verify-status', answer);
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

  test('webhooks: taken, then refused as a replay, and refused to a page of another site', async () => {
    const jwt = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('Prove Identity')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('whsec_contract_test'));
    const payload = {
      notifications: [
        {
          eventId: 'e-9',
          event: 'moved',
          eventType: 'PORT',
          eventTimestamp: '2026-01-01T00:00:00Z',
          identityId: 'id-9',
        },
      ],
    };
    assertRequestInContract('/webhook', payload);
    const headers = { 'X-Prove-Authorization': `Bearer ${jwt}` };
    const taken = await call(app, '/api/webhook', payload, { headers });
    assert.equal(taken.status, 200);
    assertInContract('/api/webhook', taken);
    const replayed = await call(app, '/api/webhook', payload, { headers });
    assert.equal(replayed.status, 401);
    assertInContract('/api/webhook', replayed);
    // A page of another site posting to it is refused as on the element's calls.
    const fromAPage = await call(app, '/api/webhook', payload, { headers: { Origin: 'https://evil.example' } });
    assert.equal(fromAPage.status, 403);
    assertInContract('/api/webhook', fromAPage);
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
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    new Request(`https://shop.example/api${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

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

  test("Prove failing (502) or silent (504) on either call, and Prove's 429 on a status call passed on with its wait", async () => {
    let prove: 'answers' | 'fails' | 'is silent' | 'limits' = 'answers';
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
    const fetchProve = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const path = new URL(input instanceof Request ? input.url : input).pathname;
      if (path === '/token') return answer(200, { access_token: 'token', token_type: 'Bearer', expires_in: 3600 });
      if (prove === 'fails') return answer(500, { code: 9000, message: 'down' });
      if (prove === 'limits') return answer(429, { code: 9001, message: 'slow down' }, { 'Retry-After': '3600' });
      if (prove === 'is silent')
        return new Promise((_, reject) =>
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- as fetch does: with the signal's reason
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        );
      const pending = { success: 'pending', possessionResult: 'pending', verifyResult: 'pending' };
      return answer(
        200,
        path === '/v3/verify' ? { authToken: 'auth', correlationId: crypto.randomUUID(), ...pending } : pending,
      );
    };
    const handlers = createProveVerifyHandlers({
      ...settings,
      prove: new ProveClient({
        baseUrl: 'https://prove.example',
        clientId: 'id',
        clientSecret: 'secret',
        fetch: fetchProve,
        timeoutMs: 100,
      }),
      flow: 'verify-status',
      limits: NO_LIMITS,
    });
    try {
      /** A started flow's status call, made once Prove behaves as `then`. */
      const statusWhen = async (then: typeof prove) => {
        prove = 'answers';
        const started = await handlers.verify(post('/verify', ADDY));
        assert.equal(started.status, 200);
        const { flowId } = (await started.json()) as { flowId: string };
        const cookie = started.headers.get('set-cookie')!.split(';')[0]!;
        prove = then;
        return handlers.verifyStatus(post('/verify-status', { flowId }, { Cookie: cookie }));
      };
      const startWhen = async (then: typeof prove) => {
        prove = then;
        return handlers.verify(post('/verify', ADDY));
      };
      const answers: Array<[string, Answer]> = [
        ['/api/verify', await answerOf(await startWhen('is silent'))],
        ['/api/verify-status', await answerOf(await statusWhen('fails'))],
        ['/api/verify-status', await answerOf(await statusWhen('is silent'))],
        ['/api/verify-status', await answerOf(await statusWhen('limits'))],
      ];
      assert.deepEqual(
        answers.map(([, a]) => [a.status, (a.json() as { code: string }).code]),
        [
          [504, 'prove_timeout'],
          [502, 'prove_error'],
          [504, 'prove_timeout'],
          [429, 'rate_limited'],
        ],
      );
      assert.equal(
        answers[3]![1].headers['retry-after'],
        '60',
        "Prove's hour is passed on as the Prove client's minute",
      );
      for (const [path, a] of answers) assertInContract(path, a);
    } finally {
      await handlers.close();
    }
  });
});

/** A TypeScript source's interfaces (each property, and whether it is optional) and its unions of string literals. */
async function declarationsOf(file: string) {
  const text = await readFile(new URL(`../../${file}`, import.meta.url), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, Fields>();
  const unions = new Map<string, string[]>();
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) {
      const properties = statement.members.filter(ts.isPropertySignature);
      interfaces.set(statement.name.text, {
        required: properties.filter((p) => !p.questionToken).map((p) => p.name.getText(source)),
        optional: properties.filter((p) => p.questionToken).map((p) => p.name.getText(source)),
      });
    }
    if (ts.isTypeAliasDeclaration(statement) && ts.isUnionTypeNode(statement.type)) {
      const literal = (node: ts.TypeNode) =>
        ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal) ? node.literal.text : node.getText(source);
      unions.set(statement.name.text, statement.type.types.map(literal));
    }
  }
  const interfaceNamed = (name: string) => {
    const fields = interfaces.get(name);
    assert.ok(fields, `${file} declares interface ${name}`);
    return { required: [...fields.required].sort(), optional: [...fields.optional].sort() };
  };
  const unionNamed = (name: string) => {
    const members = unions.get(name);
    assert.ok(members, `${file} declares type ${name} as a union`);
    return [...members].sort();
  };
  return { interfaceNamed, unionNamed };
}

interface Fields {
  required: string[];
  optional: string[];
}

/** A contract schema's fields, as declarationsOf answers an interface's. */
function fieldsOf(schema: Schema): Fields {
  const names = Object.keys(schema.properties ?? {});
  const required = schema.required ?? [];
  return { required: [...required].sort(), optional: names.filter((n) => !required.includes(n)).sort() };
}
const schemaNamed = (name: string): Schema => {
  const schema = contract.components.schemas[name];
  assert.ok(schema, `the contract has components.schemas.${name}`);
  return schema;
};
const enumOf = (schema: Schema, field: string) => [...(schema.properties?.[field]?.enum ?? [])].map(String).sort();
const names = (fields: Fields) => [...fields.required, ...fields.optional].sort();

describe('the types and checks that restate the contract are the contract', () => {
  test("the element's request (src/backend.ts VerifyRequest) has exactly the contract's fields, optional where it says", async () => {
    const element = await declarationsOf('src/backend.ts');
    const request = schemaNamed('VerifyRequest');
    assert.deepEqual(element.interfaceNamed('VerifyRequest'), fieldsOf(request));
    assert.deepEqual(element.unionNamed('PossessionType'), enumOf(request, 'possessionType'));
  });

  test('what the element reads of the answers (src/backend.ts) is named in the contract, required where the element needs it', async () => {
    const element = await declarationsOf('src/backend.ts');
    // VerifyStarted is the start answer as the element keeps it (changeNumber filled in): its names only.
    const started = schemaNamed('VerifyStarted');
    const read = element.interfaceNamed('VerifyStarted');
    assert.deepEqual(
      names(read).filter((n) => !(n in (started.properties ?? {}))),
      [],
      'fields of the start answer the contract does not name',
    );
    assert.deepEqual(element.unionNamed('ChangeNumber'), enumOf(started, 'changeNumber'));
    const verdict = schemaNamed('Verdict');
    const result = element.interfaceNamed('VerificationResult');
    assert.deepEqual(
      names(result).filter((n) => !(n in (verdict.properties ?? {}))),
      [],
      'fields of the verdict the contract does not name',
    );
    assert.deepEqual(
      result.required.filter((n) => !verdict.required?.includes(n)),
      [],
      'fields the element needs and the contract leaves optional',
    );
  });

  test("the server's request checks (src/server/validation.ts) take the contract's fields, with its bounds", () => {
    const pairs = [
      ['VerifyRequest', VerifyBodySchema],
      ['StatusRequest', StatusBodySchema],
    ] as const;
    for (const [name, check] of pairs) {
      // The input the check takes (a phone number as typed, before it becomes E.164); its refinements
      // (a possible number, an allowed URL) are the server's own and have no JSON Schema.
      const server = z.toJSONSchema(check, { io: 'input', unrepresentable: 'any' }) as Schema;
      const yaml = schemaNamed(name);
      assert.deepEqual(fieldsOf(server), fieldsOf(yaml), name);
      assert.equal(server.additionalProperties, false, `${name}: the server refuses other fields`);
      assert.equal(yaml.additionalProperties, false, `${name}: the contract refuses other fields`);
      for (const [field, rule] of Object.entries(server.properties ?? {})) {
        for (const keyword of ['type', 'enum', 'minLength', 'maxLength', 'pattern']) {
          if (keyword in rule)
            assert.deepEqual(yaml.properties?.[field]?.[keyword], rule[keyword], `${name}.${field} ${keyword}`);
        }
      }
    }
  });

  test("the server's verdict (src/server/flows/flow.ts Verdict) has the contract's fields and results", async () => {
    const server = await declarationsOf('src/server/flows/flow.ts');
    const verdict = schemaNamed('Verdict');
    const fields = server.interfaceNamed('Verdict');
    assert.deepEqual(names(fields), names(fieldsOf(verdict)));
    assert.deepEqual(
      (verdict.required ?? []).filter((n) => !fields.required.includes(n)),
      [],
      'fields the contract requires and the server may leave out',
    );
    const results = server.unionNamed('StepResult');
    for (const schema of ['Verdict', 'VerifyRefused']) {
      for (const field of ['possessionResult', 'verifyResult'])
        assert.deepEqual(enumOf(schemaNamed(schema), field), results, `${schema}.${field}`);
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
        seen.push({
          path: req.url!,
          contentType: req.headers['content-type'],
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
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
      // sends {} only to a backend whose start answers none).
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

describe('every answer the contract lists for the two calls', () => {
  // 410: prove-verify-server answers 401 for a flow it no longer has; the contract lists 410 for
  // other backends, and the element reads the two alike.
  const answeredByOthersOnly = new Set(['/verify-status 410']);
  test("is provoked above, and found to be the contract's", () => {
    const listed = ['/verify', '/verify-status'].flatMap((path) =>
      Object.keys(contract.paths[path]!.post.responses).map((status) => `${path} ${status}`),
    );
    assert.deepEqual(
      listed.filter((answer) => !provoked.has(answer) && !answeredByOthersOnly.has(answer)),
      [],
      'listed in the contract, never answered here',
    );
  });
});
