/**
 * A fake of the integrator's backend, answering as the backend contract does. The path says how to
 * answer: `/fake-backend/<id>/<scenario>/<verify|verify-status>`; `GET /fake-backend/<id>/requests`
 * answers what the element with that id sent.
 *
 * It has two doors to one set of answers:
 * - `fakeBackend`, middleware of the test runner's server, so the component tests' requests really
 *   go over HTTP;
 * - `installFakeBackend()`, a stand-in for `fetch` in the page, for the states gallery (demo/gallery/):
 *   its hundreds of elements, some waiting on an answer for ever, would queue behind the browser's
 *   six connections to one server.
 *
 * Scenarios: ok (verified), nomatch (not verified), nopossession (code or link failed), verify-500,
 * verify-notjson, verify-noauth, verify-slow (answers after 3 s), verify-refused (Prove refused at
 * once: `success: false`, no authToken), verify-429 and status-429 (HTTP 429, `Retry-After: 3`),
 * status-500, status-expired, status-flaky (fails once, then ok), verify-unavailable and
 * status-unavailable (the first call of the kind answers 503 store_unavailable with
 * `Retry-After: 5`, as prove-verify-server does when its store is down; then as ok),
 * status-pendingN (202 for the first N status calls, then ok; with no N, always 202; odd calls
 * have no body), verify-hold and status-hold (never answer; the element's timeout or cancel ends
 * the request), verify-network (the connection drops: `fetch` rejects).
 * After the scenario, `.`-separated options: in-flow or restart (the start answer's `changeNumber`;
 * none: the field is absent), change-bogus (an unknown `changeNumber`), proved (the verdict's
 * `phoneNumber` is the number of the latest start), proved-<digits> (it is +<digits>),
 * proved-bad (it is not E.164), jwt (the authToken is a JWT naming Prove's client API),
 * retry-after-<seconds> (the 429's `Retry-After`), e.g. `ok.in-flow.proved-12015550123`.
 *
 * Both calls must be POSTs with a JSON body, and the start call's must hold what the contract asks
 * (names, an E.164 number, a possession type): else 405 or 400, as the reference server answers.
 */
const PATH = /^\/fake-backend\/([\w-]+)\/(?:([\w.-]+)\/)?(verify|verify-status|requests)$/;

/** What each id's element sent, in order. */
const requests = new Map();
const statusCalls = new Map();

/** A JSON answer (or `body` as it is, when a string). */
const send = (status, body, type = 'application/json', headers = {}) => ({
  status,
  type,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const storeUnavailable = () =>
  send(
    503,
    { code: 'store_unavailable', message: 'The server cannot reach its store right now: try again in 5 seconds' },
    'application/json',
    {
      'Retry-After': '5',
    },
  );

const rateLimited = (message, options) => {
  const seconds = options.find((option) => option.startsWith('retry-after-'))?.slice('retry-after-'.length) ?? '3';
  return send(429, { code: 'rate_limited', message }, 'application/json', { 'Retry-After': seconds });
};

const parse = (text) => {
  try {
    return { body: text ? JSON.parse(text) : undefined };
  } catch {
    return { invalid: true };
  }
};

/** The contract's checks on the start call's body: what is wrong with it, if anything. */
function invalidStart(body) {
  const b = body ?? {};
  for (const field of ['firstName', 'lastName', 'phoneNumber']) {
    if (typeof b[field] !== 'string' || !b[field].trim()) return `${field} is required`;
  }
  if (!/^\+[1-9]\d{6,14}$/.test(b.phoneNumber)) return 'phoneNumber must be E.164';
  if (b.possessionType !== 'mobile' && b.possessionType !== 'desktop')
    return 'possessionType must be mobile or desktop';
  return undefined;
}

/**
 * The answer to one request: `{status, type, headers, body}`, with `wait` (ms to wait before it;
 * `record`, what was sent, is marked `aborted` if the element gives up meanwhile); `{hold: true}`
 * (no answer ever); `{network: true}` (the connection drops); or undefined when the path is not
 * the fake backend's.
 */
function answer(pathname, method, contentType, text) {
  const match = PATH.exec(pathname);
  if (!match) return undefined;
  const [, id, path = 'ok', call] = match;
  const [scenario, ...options] = path.split('.');
  if (call === 'requests') return send(200, requests.get(id) ?? []);
  const { body, invalid } = parse(text);
  const list = requests.get(id) ?? [];
  const record = { call, method, contentType, body };
  list.push(record);
  requests.set(id, list);
  if (method !== 'POST') return send(405, { code: 'method_not_allowed', message: 'POST only' });
  if (invalid) return send(400, { code: 'invalid_json', message: 'The body is not JSON.' });

  if (call === 'verify') {
    const problem = invalidStart(body);
    if (problem) return send(400, { code: 'invalid_request', message: problem });
    if (scenario === 'verify-hold') return { hold: true };
    if (scenario === 'verify-network') return { network: true };
    if (scenario === 'verify-500') return send(500, { code: 'prove_error', message: 'Prove is down' });
    if (scenario === 'verify-notjson') return send(200, '<html>oops</html>', 'text/html');
    if (scenario === 'verify-noauth') return send(200, { ok: true });
    if (scenario === 'verify-refused')
      return send(200, { success: false, possessionResult: 'not_applicable', verifyResult: 'failed' });
    if (scenario === 'verify-unavailable' && list.filter((r) => r.call === 'verify').length === 1)
      return storeUnavailable();
    if (scenario === 'verify-429') return rateLimited('Too many verifications from this address', options);
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
    const authToken = options.includes('jwt') ? `e30.${btoa(JSON.stringify(claims))}.sig` : name;
    const started = send(200, {
      authToken,
      ...(scenario === 'flow-id' ? { flowId: `flow-${list.length}` } : {}),
      ...(changeNumber ? { changeNumber } : {}),
    });
    return scenario === 'verify-slow' ? { ...started, wait: 3000, record } : started;
  }
  if (scenario === 'status-hold') return { hold: true };
  const proved = options.find((option) => option.startsWith('proved'));
  const lastStarted = [...list].reverse().find((r) => r.call === 'verify')?.body?.phoneNumber;
  const phoneNumber =
    proved === 'proved'
      ? lastStarted
      : proved === 'proved-bad'
        ? '2001004011'
        : proved
          ? `+${proved.slice('proved-'.length)}`
          : undefined;
  const calls = (statusCalls.get(id) ?? 0) + 1;
  statusCalls.set(id, calls);
  if (scenario === 'status-500' || (scenario === 'status-flaky' && calls === 1)) {
    return send(500, { code: 'prove_error', message: 'try later' });
  }
  if (scenario === 'status-unavailable' && calls === 1) return storeUnavailable();
  if (scenario === 'status-expired') return send(401, { code: 'session_expired', message: 'expired' });
  if (scenario === 'status-429') return rateLimited('Too many status calls', options);
  const pending = /^status-pending(\d*)$/.exec(scenario);
  if (pending && (pending[1] === '' || calls <= Number(pending[1]))) {
    return calls % 2 ? send(202, '', 'text/plain') : send(202, { pending: true });
  }
  if (scenario === 'nopossession') {
    return send(200, { success: false, possessionResult: 'failed', verifyResult: 'not_applicable' });
  }
  const success = scenario !== 'nomatch';
  return send(200, {
    success,
    possessionResult: 'success',
    verifyResult: success ? 'success' : 'failed',
    identityId: success ? 'identity-1' : undefined,
    ...(phoneNumber ? { phoneNumber } : {}),
  });
}

async function readBody(ctx) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The test runner's middleware (Koa): answers the fake backend's paths over HTTP. */
export async function fakeBackend(ctx, next) {
  if (!PATH.test(ctx.path)) return next();
  const reply = answer(ctx.path, ctx.method, ctx.get('content-type'), await readBody(ctx));
  if (reply.hold || reply.network) {
    ctx.respond = false;
    if (reply.network) ctx.req.socket.destroy();
    return undefined;
  }
  if (reply.wait) {
    // The element aborting its request closes the connection before this answers.
    ctx.res.once('close', () => {
      if (!ctx.res.writableFinished) reply.record.aborted = true;
    });
    await new Promise((resolve) => setTimeout(resolve, reply.wait).unref());
  }
  ctx.status = reply.status;
  ctx.type = reply.type;
  ctx.set(reply.headers);
  ctx.body = reply.body;
  return undefined;
}

/**
 * Answers the fake backend's paths of the page's own origin in the page itself; other requests go
 * out. (`globalThis`: this module is also loaded by the test runner's config, in Node.)
 */
export function installFakeBackend() {
  const page = globalThis;
  const realFetch = page.fetch.bind(page);
  page.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), page.location.href);
    if (url.origin !== page.location.origin || !PATH.test(url.pathname)) return realFetch(input, init);
    const contentType = new Headers(init?.headers).get('content-type') ?? '';
    const reply = answer(
      url.pathname,
      init?.method ?? 'GET',
      contentType,
      typeof init?.body === 'string' ? init.body : '',
    );
    if (reply.network) throw new TypeError('Failed to fetch');
    const signal = init?.signal;
    const aborted = () => new DOMException('The operation was aborted.', 'AbortError');
    if (signal?.aborted) throw aborted();
    if (reply.hold || reply.wait) {
      // An abort (timeout, cancel) ends the wait as it ends a real request.
      await new Promise((resolve, reject) => {
        if (reply.wait) setTimeout(resolve, reply.wait);
        const abort = () => {
          if (reply.record) reply.record.aborted = true;
          reject(aborted());
        };
        signal?.addEventListener('abort', abort, { once: true });
      });
    }
    const body = reply.body === '' ? null : reply.body;
    return new Response(body, { status: reply.status, headers: { 'Content-Type': reply.type, ...reply.headers } });
  };
}
