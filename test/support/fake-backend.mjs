/**
 * A backend for component tests, served by the test runner itself so requests really go over
 * HTTP. The path says how to answer: `/fake-backend/<test id>/<scenario>/<verify|verify-status>`.
 * `GET /fake-backend/<test id>/requests` answers what that test's element sent.
 *
 * Scenarios: ok (verified), nomatch (not verified), nopossession (code or link failed), verify-500, verify-notjson, verify-noauth,
 * verify-slow (answers after 3 s), verify-refused (Prove refused at once: `success: false`, no authToken),
 * verify-429 and status-429 (HTTP 429, `Retry-After: 3`), status-500, status-expired, status-flaky (fails once, then ok),
 * verify-unavailable and status-unavailable (the first call of the kind answers 503 store_unavailable with
 * `Retry-After: 5`, as prove-verify-server does when its store is down; then as ok),
 * status-pendingN (202 for the first N status calls, then ok; with no N, always 202; odd calls have no body).
 * After the scenario, `.`-separated options: in-flow or restart (the start answer's `changeNumber`;
 * none: the field is absent), change-bogus (an unknown `changeNumber`), proved (the verdict's
 * `phoneNumber` is the number of the latest start), proved-<digits> (it is +<digits>),
 * proved-bad (it is not E.164), jwt (the authToken is a JWT naming Prove's client API), e.g.
 * `ok.in-flow.proved-12015550123`.
 */
const requests = new Map();
const statusCalls = new Map();

function send(ctx, status, body, type = 'application/json') {
  ctx.status = status;
  ctx.type = type;
  ctx.body = typeof body === 'string' ? body : JSON.stringify(body);
}

function storeUnavailable(ctx) {
  ctx.set('Retry-After', '5');
  send(ctx, 503, { code: 'store_unavailable', message: 'The server cannot reach its store right now: try again in 5 seconds' });
}

async function readBody(ctx) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export async function fakeBackend(ctx, next) {
  const match = /^\/fake-backend\/([\w-]+)\/(?:([\w.-]+)\/)?(verify|verify-status|requests)$/.exec(ctx.path);
  if (!match) return next();
  const [, id, path = 'ok', call] = match;
  const [scenario, ...options] = path.split('.');
  if (call === 'requests') return send(ctx, 200, requests.get(id) ?? []);
  const raw = await readBody(ctx);
  const list = requests.get(id) ?? [];
  list.push({ call, method: ctx.method, contentType: ctx.get('content-type'), body: raw ? JSON.parse(raw) : undefined });
  requests.set(id, list);

  if (call === 'verify') {
    if (scenario === 'verify-500') return send(ctx, 500, { code: 'prove_error', message: 'Prove is down' });
    if (scenario === 'verify-notjson') return send(ctx, 200, '<html>oops</html>', 'text/html');
    if (scenario === 'verify-noauth') return send(ctx, 200, { ok: true });
    if (scenario === 'verify-refused') return send(ctx, 200, { success: false, possessionResult: 'not_applicable', verifyResult: 'failed' });
    if (scenario === 'verify-unavailable' && list.filter((r) => r.call === 'verify').length === 1) return storeUnavailable(ctx);
    if (scenario === 'verify-429') {
      ctx.set('Retry-After', '3');
      return send(ctx, 429, { code: 'rate_limited', message: 'Too many verifications from this address' });
    }
    if (scenario === 'verify-slow') {
      const record = list[list.length - 1];
      // The element aborting its request closes the connection before this answers.
      ctx.res.once('close', () => {
        if (!ctx.res.writableFinished) record.aborted = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 3000).unref());
    }
    const changeNumber = options.includes('in-flow')
      ? 'in-flow'
      : options.includes('restart')
        ? 'restart'
        : options.includes('change-bogus')
          ? 'sometimes'
          : undefined;
    // Each start its own token, so a test tells a second flow's SDK run from the first's.
    const starts = list.filter((r) => r.call === 'verify').length;
    const name = starts > 1 ? `token-${id}-${starts}` : `token-${id}`;
    // `jwt`: shaped as Prove's, naming its client API (`auth.endp`) as the SDK reads it.
    const claims = { auth: { endp: 'https://platform.uat.proveapis.com/v1/client' }, jti: name };
    const authToken = options.includes('jwt') ? `e30.${Buffer.from(JSON.stringify(claims)).toString('base64')}.sig` : name;
    return send(ctx, 200, {
      authToken,
      ...(scenario === 'flow-id' ? { flowId: `flow-${list.length}` } : {}),
      ...(changeNumber ? { changeNumber } : {}),
    });
  }
  const proved = options.find((option) => option.startsWith('proved'));
  const lastStarted = [...list].reverse().find((r) => r.call === 'verify')?.body?.phoneNumber;
  const phoneNumber = proved === 'proved' ? lastStarted : proved === 'proved-bad' ? '2001004011' : proved ? `+${proved.slice('proved-'.length)}` : undefined;
  const calls = (statusCalls.get(id) ?? 0) + 1;
  statusCalls.set(id, calls);
  if (scenario === 'status-500' || (scenario === 'status-flaky' && calls === 1)) {
    return send(ctx, 500, { code: 'prove_error', message: 'try later' });
  }
  if (scenario === 'status-unavailable' && calls === 1) return storeUnavailable(ctx);
  if (scenario === 'status-expired') return send(ctx, 401, { code: 'session_expired', message: 'expired' });
  if (scenario === 'status-429') {
    ctx.set('Retry-After', '3');
    return send(ctx, 429, { code: 'rate_limited', message: 'Too many status calls' });
  }
  const pending = /^status-pending(\d*)$/.exec(scenario);
  if (pending && (pending[1] === '' || calls <= Number(pending[1]))) {
    return calls % 2 ? send(ctx, 202, '', 'text/plain') : send(ctx, 202, { pending: true });
  }
  if (scenario === 'nopossession') {
    return send(ctx, 200, { success: false, possessionResult: 'failed', verifyResult: 'not_applicable' });
  }
  const success = scenario !== 'nomatch';
  return send(ctx, 200, {
    success,
    possessionResult: 'success',
    verifyResult: success ? 'success' : 'failed',
    identityId: success ? 'identity-1' : undefined,
    ...(phoneNumber ? { phoneNumber } : {}),
  });
}
