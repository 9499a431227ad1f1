// Prove's error code and message are text from outside: whatever an answer that looks like
// Prove's holds (newlines, format characters, 10 KB), a log line stays one short line and the
// page gets a short message and a code only when it is a plain one.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createProveVerifyHandlers, type ProveVerifyHandlers } from '../../src/server/index.js';
import { ProveClient, ProveHttpError, PROVE_TEXT_MAX } from '../../src/server/prove-client.js';
import { NO_LIMITS } from '../../src/server/budgets.js';
import { ADDY, startStubProve, type StubProve } from './app-helpers.js';

const SITE = 'https://shop.example';
let stub: StubProve;
let h: ProveVerifyHandlers;
const logged: string[] = [];

before(async () => {
  stub = await startStubProve();
  h = createProveVerifyHandlers({
    prove: { baseUrl: stub.url, clientId: 'id', clientSecret: 'secret' },
    finalTarget: { landingUrl: `${SITE}/link-opened.html` },
    pageOrigins: [SITE],
    limits: NO_LIMITS,
    flow: 'verify-status',
    log: (line) => logged.push(line),
  });
});
beforeEach(() => {
  logged.length = 0;
});
after(async () => {
  await h.close();
  await stub.close();
});

const start = () =>
  h.verify(
    new Request(`${SITE}/api/verify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: SITE },
      body: JSON.stringify(ADDY),
    }),
    {
      clientAddress: '127.0.0.1',
    },
  );

async function refusedWith(body: unknown): Promise<{ answer: Record<string, unknown>; line: string }> {
  stub.nextVerify = { status: 400, body };
  const response = await start();
  assert.equal(response.status, 502);
  assert.equal(logged.length, 1, `one log line: ${JSON.stringify(logged)}`);
  return { answer: (await response.json()) as Record<string, unknown>, line: logged[0]! };
}

describe("Prove's error texts", () => {
  test('a code with newlines and 10 KB: one short log line, no proveCode for the page', async () => {
    const code = `8001\nprove-verify 200 ok POST /api/verify\r\n${'x'.repeat(10_000)}`;
    const { answer, line } = await refusedWith({
      code,
      message: `field 'phoneNumber' is invalid\n${'y'.repeat(10_000)}`,
    });
    assert.ok(!/[\r\n]/.test(line), 'no line break in the log line');
    assert.ok(line.length < 400, `the log line is ${line.length} characters`);
    assert.equal(
      'proveCode' in answer,
      false,
      `proveCode reached the page: ${JSON.stringify(answer.proveCode)?.slice(0, 80)}`,
    );
    const message = String(answer.message);
    assert.ok(message.length <= PROVE_TEXT_MAX, `the page's message is ${message.length} characters`);
    assert.ok(!/[\r\n]/.test(message));
    assert.match(message, /^field 'phoneNumber' is invalid y+…$/);
  });

  test('format characters (a bidi override, a zero-width space) are taken out of the code and the message', async () => {
    const { answer, line } = await refusedWith({ code: '80\u202E01', message: 'step\u200B not\u2028allowed' });
    assert.equal('proveCode' in answer, false);
    assert.equal(answer.message, 'step  not allowed');
    assert.ok(!/[\u202E\u200B\u2028]/.test(line), line);
  });

  test('a plain code still reaches the page, a number or a short token', async () => {
    for (const code of [1001, '8002', 'INVALID_PHONE.v2-x']) {
      const { answer } = await refusedWith({ code, message: 'step not allowed' });
      assert.equal(answer.proveCode, code);
      assert.equal(answer.message, 'step not allowed');
      logged.length = 0;
    }
    for (const code of ['a'.repeat(33), 'code with spaces', '<b>1</b>', '']) {
      const { answer } = await refusedWith({ code, message: 'step not allowed' });
      assert.equal('proveCode' in answer, false, JSON.stringify(code));
      logged.length = 0;
    }
  });

  test('the error ProveClient throws carries the cleaned texts, so an integrator who logs it gets one line too', async () => {
    stub.nextVerify = {
      status: 400,
      body: { code: `1\n${'9'.repeat(10_000)}`, message: `a\r\nb${'c'.repeat(10_000)}` },
    };
    const client = new ProveClient({ baseUrl: stub.url, clientId: 'id', clientSecret: 'secret' });
    const error = await client
      .v3Verify({ firstName: 'Addy', lastName: 'Epinay', phoneNumber: '+12001004010', possessionType: 'mobile' })
      .then(
        () => assert.fail('no error'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof ProveHttpError);
    assert.ok(String(error.code).length <= PROVE_TEXT_MAX && !/\n/.test(String(error.code)));
    assert.ok(error.proveMessage!.length <= PROVE_TEXT_MAX && !/[\r\n]/.test(error.proveMessage!));
    assert.ok(error.message.length < 200 && !/\n/.test(error.message), error.message);
  });
});
