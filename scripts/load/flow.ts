/**
 * One complete mobile (OTP) flow over HTTP, as the page, Prove's SDK and the person make it:
 *
 *   app /api/verify            the element starts the flow on its backend (authToken, flowId, cookie)
 *   client preflight           the browser's CORS check before each SDK call (another origin)
 *   client otp/start           the SDK asks Prove to text the code (`{}`: the backend gave the number)
 *   sandbox inbox              the person reads the text (the emulator's simulated phone)
 *   client otp/finish          the SDK sends the code
 *   app /api/verify-status     the element's AuthFinishStep asks its backend for the verdict
 *
 * Headers are the SDK's own (internal/auth-session.js). Any answer but the one a working flow gets
 * throws a FlowError naming the step, so a run counts what failed and where.
 */
import type { Recorder, RequestKind } from './recorder.js';

export interface Target {
  appUrl: string;
  emulatorUrl: string;
}

/** The sandbox person of Prove's integration guide: the emulator texts them 1234 and Verified Users passes. */
const PERSON = { firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' } as const;

/** What Prove's SDK 3.6.2 sends as PA-Version. */
const PA_VERSION = 'ProveAuth/3.6.2 Contract/2.15.1 WEB/1';

export class FlowError extends Error {
  override name = 'FlowError';
  constructor(
    readonly kind: RequestKind,
    readonly reason: string,
  ) {
    super(`${kind}: ${reason}`);
  }
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** Runs one request, timed from sending to the last byte of the answer. */
async function timed(recorder: Recorder, kind: RequestKind, url: string, init: RequestInit): Promise<Answer> {
  const started = performance.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, init);
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new FlowError(
      kind,
      error instanceof Error && error.name === 'TimeoutError'
        ? 'timed out'
        : `network error${cause ? ` (${cause})` : ''}`,
    );
  }
  recorder.request(kind, performance.now() - started);
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body };
}

function expect(kind: RequestKind, answer: Answer, ok: boolean, expected: string): void {
  if (ok) return;
  // The error's code and the status, never the body's other fields: they may hold a token.
  const code =
    typeof answer.body?.code === 'string' || typeof answer.body?.code === 'number' ? ` ${answer.body.code}` : '';
  throw new FlowError(kind, `HTTP ${answer.status}${code} (wanted ${expected})`);
}

/**
 * The origin of Prove's client API and the first step, from the token's claims, as the SDK reads
 * them (plain atob). A Unify token on a phone starts with the Prove Key; a verify-status one with the OTP.
 */
function firstStep(authToken: string): { endp: string; next: 'mobile/otp' | 'device/passive' } {
  const claims = JSON.parse(atob(authToken.split('.')[1] ?? '')) as { auth?: { endp?: unknown; next?: unknown } };
  const next = claims.auth?.next;
  if (typeof claims.auth?.endp !== 'string' || (next !== 'mobile/otp' && next !== 'device/passive')) {
    throw new FlowError('app /api/verify', 'the authToken names no OTP or Prove Key step');
  }
  return { endp: claims.auth.endp, next };
}

/** One flow; resolves when the backend said success, throws a FlowError otherwise. */
export async function runFlow(
  target: Target,
  recorder: Recorder,
  signal: AbortSignal,
  requestTimeoutMs: number,
): Promise<void> {
  const appOrigin = new URL(target.appUrl).origin;
  const init = (method: string, headers: Record<string, string>, body?: unknown): RequestInit => ({
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]),
  });
  const json = { 'Content-Type': 'application/json', Origin: appOrigin };

  const started = await timed(
    recorder,
    'app /api/verify',
    `${target.appUrl}/api/verify`,
    init('POST', json, { ...PERSON, possessionType: 'mobile' }),
  );
  expect(
    'app /api/verify',
    started,
    started.status === 200 && typeof started.body?.authToken === 'string',
    '200 {authToken}',
  );
  const { authToken, flowId } = started.body as { authToken: string; flowId?: string };
  const cookie = started.headers
    .getSetCookie()
    .find((c) => c.startsWith('pv_session='))
    ?.split(';')[0];
  if (!cookie) throw new FlowError('app /api/verify', 'no session cookie');
  const { endp, next } = firstStep(authToken);

  const sdkCall = async (step: 'otp/start' | 'otp/finish' | 'device/passive/error', body: object): Promise<Answer> => {
    const url = `${endp}/v1/client/${step.startsWith('otp/') ? `mobile/${step}` : step}`;
    const preflight = await timed(
      recorder,
      'client preflight',
      url,
      init('OPTIONS', {
        Origin: appOrigin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,pa-version',
      }),
    );
    expect(
      'client preflight',
      preflight,
      preflight.status === 204 && preflight.headers.get('access-control-allow-origin') === appOrigin,
      '204 for this origin',
    );
    return timed(
      recorder,
      `client ${step}`,
      url,
      init(
        'POST',
        {
          ...json,
          Accept: 'application/json',
          Authorization: `Bearer ${authToken}`,
          'PA-Version': PA_VERSION,
        },
        body,
      ),
    );
  };

  if (next === 'device/passive') {
    // A client with no Prove Key, as a browser without one reports it: Prove goes on to the OTP.
    const skipped = await sdkCall('device/passive/error', { message: 'no Prove Key on this client' });
    expect(
      'client device/passive/error',
      skipped,
      skipped.status === 200 && skipped.body?.next === 'mobile/otp',
      '200 {next: mobile/otp}',
    );
  }
  const sent = await sdkCall('otp/start', {});
  expect('client otp/start', sent, sent.status === 200 && sent.body?.next === 'mobile/otp', '200 {next: mobile/otp}');

  // The phone: the newest text to the sandbox number. Every flow's code is the sandbox's, so a
  // text of a flow started a moment later reads the same.
  const inbox = await timed(
    recorder,
    'sandbox inbox',
    `${target.emulatorUrl}/sandbox/messages?phone=${PERSON.phoneNumber}&limit=1`,
    init('GET', {}),
  );
  const otp = (inbox.body as { otp?: unknown }[] | undefined)?.[0]?.otp;
  expect('sandbox inbox', inbox, inbox.status === 200 && typeof otp === 'string', '200 with a code');

  const finished = await sdkCall('otp/finish', { otp });
  expect('client otp/finish', finished, finished.status === 200 && finished.body?.next === 'done', '200 {next: done}');

  const verdict = await timed(
    recorder,
    'app /api/verify-status',
    `${target.appUrl}/api/verify-status`,
    init('POST', { ...json, Cookie: cookie }, flowId ? { flowId } : {}),
  );
  expect(
    'app /api/verify-status',
    verdict,
    verdict.status === 200 && verdict.body?.success === true,
    '200 {success: true}',
  );
}
