import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { MAX_SENDS, OTP_ENTRIES } from './config.js';
import type { EmulatorContext, RouteHandler } from './context.js';
import {
  failPossession,
  parseBody,
  pastProveKey,
  recoverable,
  requireFlow,
  requirePendingStep,
} from './client-flow.js';
import { personAllowed, TEST_USER_NOT_ALLOWED } from './credentials.js';
import { ErrorCode, proveHttpError, STEP_NOT_ALLOWED, type ProveError } from './errors.js';
import type { Flow } from './flows.js';
import { readJsonObject, readJsonText, sendJson } from './http.js';
import { normalizePhone } from './phone.js';
import { DEFAULT_LINK_SMS, DEFAULT_OTP_SMS, composeSms, findOwner } from './sandbox-rules.js';
import { requireSignature } from './signed-request.js';

export { flowForToken } from './client-flow.js';

/**
 * The API Prove's browser SDK calls with the flow's authToken. Answers follow what
 * @prove-identity/prove-auth 3.6.2 acts on (internal/mobile-otp-step.js,
 * mobile-instantlink-step.js, report-error-step.js):
 *   `{next}`               step went through
 *   `{data: {code, msg}}`  recoverable: the SDK asks the person again (phone or code)
 *   `{error, next:"done"}` possession failed; the SDK still runs the AuthFinishStep
 *   `{}`                   (Instant Link start only) sent; the SDK calls the retry step
 * Fault switches (faults.ts) that belong to one step are consumed here, once the request has
 * passed the checks a real one would, so a refused request does not use them up.
 * The Prove Key steps are in prove-key-api.ts, Mobile Auth in mobile-auth-api.ts.
 */

const INVALID_PHONE = recoverable(ErrorCode.MALFORMED_REQUEST, "field 'mobileNumber' is not valid");
const TOO_MANY_SENDS: ProveError = {
  code: ErrorCode.TOO_MANY_SENDS,
  message: `No more than ${MAX_SENDS} messages can be sent in one session`,
};

const optionalNumber = z.string().max(64).nullish();

/** The "change number" path: a non-empty mobileNumber replaces the flow's phone. */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- 'invalid' names the refusal, which `string` alone would hide
function requestedPhone(mobileNumber: string | null | undefined): string | undefined | 'invalid' {
  if (mobileNumber === undefined || mobileNumber === null || mobileNumber.trim() === '') return undefined;
  return normalizePhone(mobileNumber) ?? 'invalid';
}

const productOf = (flow: Flow) => (flow.contract === 'unify' ? ('unify' as const) : ('verify-status' as const));

/**
 * What both start calls do before sending: the flow at that step, its body, a new number when
 * one is given, and the send limit. A refusal is the answer to give instead of sending; otherwise
 * the send is counted.
 */
async function startSend<T extends z.ZodType<{ mobileNumber?: string | null }>>(
  req: IncomingMessage,
  ctx: EmulatorContext,
  step: Flow['next'],
  schema: T,
): Promise<{ refusal: object } | { flow: Flow; body: z.infer<T> }> {
  const flow = requireFlow(req, ctx);
  requirePendingStep(flow, step);
  const body = parseBody(schema, await readJsonObject(req));
  const phone = requestedPhone(body.mobileNumber);
  if (ctx.faults.take('phone-rejected') || phone === 'invalid') return { refusal: INVALID_PHONE };
  if (phone && !personAllowed(ctx, flow.clientId, productOf(flow), phone)) {
    return { refusal: recoverable(TEST_USER_NOT_ALLOWED.code, TEST_USER_NOT_ALLOWED.message) };
  }
  if (ctx.faults.take('sends-exhausted') || flow.sends >= MAX_SENDS) {
    return { refusal: failPossession(ctx, flow, TOO_MANY_SENDS) };
  }
  if (phone) {
    // The phone proved is the phone changed to: its person's sandbox rules apply from now on.
    flow.phone = phone;
    flow.possessionRefused = findOwner(phone)?.outcome === 'possession-fails';
  }
  flow.sends++;
  return { flow, body };
}

/** The `unknown-step` fault: the send happens, but the answer names a step the SDK does not know. */
const answerOf = (ctx: EmulatorContext, answer: object): object =>
  ctx.faults.take('unknown-step') ? { next: 'mobile/teleport' } : answer;

const otpStartSchema = z.object({ mobileNumber: optionalNumber });

/** POST /v1/client/mobile/otp/start. The first send and a resend both post `{}`. */
export const otpStart: RouteHandler = async (req, res, ctx) => {
  const send = await startSend(req, ctx, 'mobile/otp', otpStartSchema);
  if ('refusal' in send) return sendJson(res, 200, send.refusal);
  const { flow } = send;
  const now = ctx.config.now();
  flow.lastOtpSentAt = now;
  const text = composeSms(flow.smsMessage, DEFAULT_OTP_SMS, flow.otpCode);
  ctx.inbox.send(flow.id, flow.phone, text, now, { otp: flow.otpCode });
  sendJson(res, 200, answerOf(ctx, { next: 'mobile/otp' }));
};

const OTP_EXPIRED = recoverable(ErrorCode.OTP_EXPIRED, 'That code has expired. Ask for a new one.');

const otpFinishSchema = z.object({ otp: z.string().max(32).nullish() });

/** POST /v1/client/mobile/otp/finish. */
export const otpFinish: RouteHandler = async (req, res, ctx) => {
  const flow = requireFlow(req, ctx);
  requirePendingStep(flow, 'mobile/otp');
  const body = parseBody(otpFinishSchema, await readJsonObject(req));
  if (flow.lastOtpSentAt === undefined) throw proveHttpError(403, STEP_NOT_ALLOWED);
  // An expired code is not a wrong one: it costs no attempt, and a resend fixes it.
  if (ctx.faults.take('otp-expired') || ctx.config.now() - flow.lastOtpSentAt >= ctx.config.otpTtlMs) {
    return sendJson(res, 200, OTP_EXPIRED);
  }
  if (!flow.possessionRefused && (body.otp ?? '').trim() === flow.otpCode) {
    ctx.flows.settle(flow, { success: true, by: 'otp' });
    return sendJson(res, 200, { next: 'done' });
  }
  flow.wrongOtps++;
  // allowOTPRetry false (Prove's default): the first wrong code ends possession; true: the third.
  if (flow.wrongOtps >= (flow.allowOtpRetry ? OTP_ENTRIES : 1)) {
    const error = flow.allowOtpRetry
      ? { code: ErrorCode.OTP_TOO_MANY_ATTEMPTS, message: 'Too many wrong codes' }
      : { code: ErrorCode.OTP_WRONG, message: 'That code is not right' };
    return sendJson(res, 200, failPossession(ctx, flow, error));
  }
  sendJson(res, 200, recoverable(ErrorCode.OTP_WRONG, 'That code is not right'));
};

const instantLinkStartSchema = z.object({
  sourceIp: z.string().max(64).nullish(),
  mobileNumber: optionalNumber,
  isMobile: z.boolean().nullish(),
});

/** POST /v1/client/mobile/instantlink/start. A resend posts mobileNumber ''. */
export const instantLinkStart: RouteHandler = async (req, res, ctx) => {
  const send = await startSend(req, ctx, 'mobile/instantlink', instantLinkStartSchema);
  if ('refusal' in send) return sendJson(res, 200, send.refusal);
  const { flow, body } = send;
  // A resend posts isMobile too; only an explicit true means "this browser is the phone".
  flow.linkOnSameDevice = body.isMobile === true;
  const link = ctx.flows.addLink(flow);
  const url = `${ctx.config.publicOrigin}/sandbox/link/${link.id}`;
  ctx.inbox.send(flow.id, flow.phone, composeSms(flow.smsMessage, DEFAULT_LINK_SMS, url), ctx.config.now(), {
    link: url,
  });
  // `{}`: neither `next` nor `data`, so the SDK runs the integrator's retry step (the
  // widget's "Resend link") while its status socket waits for the phone.
  sendJson(res, 200, answerOf(ctx, {}));
};

const errorReportSchema = z.object({
  code: z.union([z.number(), z.string().max(64)]).nullish(),
  message: z.string().nullish(),
});

/**
 * POST /v1/client/<step>/error: the SDK reports a step that threw on the device. A Prove Key or
 * Mobile Auth failure is not a possession failure: Prove goes on to the next authenticator
 * (docs/unify-flow: "falls back to Mobile Auth, followed by SMS OTP"). Any other step's
 * failure ends possession.
 */
export const errorReport: RouteHandler = async (req, res, ctx) => {
  const flow = requireFlow(req, ctx);
  const { text, value } = await readJsonText(req);
  requireSignature(req, ctx, flow, text);
  const body = parseBody(errorReportSchema, value);
  ctx.flows.recordClientError(flow, {
    code: body.code ?? undefined,
    message: body.message ? body.message.slice(0, 300) : undefined,
  });
  const step = /^\/v1\/client\/(.+)\/error$/.exec(new URL(req.url ?? '/', 'http://emulator.invalid').pathname)?.[1];
  if (
    flow.possession === 'pending' &&
    flow.next === 'device/passive' &&
    (step === 'device/passive' || step === 'device/fido2')
  ) {
    return sendJson(res, 200, { next: pastProveKey(ctx, flow) });
  }
  if (flow.possession === 'pending' && flow.next === 'mobile/instant' && step === 'mobile/instant') {
    flow.next = 'mobile/otp';
    return sendJson(res, 200, { next: 'mobile/otp' });
  }
  ctx.flows.settle(flow, {
    success: false,
    error: { code: ErrorCode.CLIENT_REPORTED_ERROR, message: 'The possession step failed on the device' },
  });
  sendJson(res, 200, { next: 'done' });
};
