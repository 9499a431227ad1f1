import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { mintAccessToken, mintAuthToken, readAccessToken } from './auth-token.js';
import { ACCESS_TOKEN_TTL_S } from './config.js';
import type { EmulatorContext, RouteHandler } from './context.js';
import { ErrorCode, proveHttpError, invalidField, missingField, unauthorized } from './errors.js';
import type { Flow } from './flows.js';
import { bearerToken, readForm, readJsonObject, sendJson } from './http.js';
import { normalizePhone } from './phone.js';
import { findOwner, hasPlaceholder, sandboxOtp, verifyIdentity } from './sandbox-rules.js';

/** Comparing digests keeps the comparison constant-time whatever the lengths. */
const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** POST /token: OAuth 2 client credentials, form-encoded. */
export const tokenGrant: RouteHandler = async (req, res, ctx) => {
  const form = await readForm(req);
  const grantType = form.get('grant_type');
  if (!grantType) throw proveHttpError(400, missingField('grant_type'));
  if (grantType !== 'client_credentials') throw proveHttpError(400, invalidField('grant_type'));
  const clientId = form.get('client_id') ?? '';
  const clientSecret = form.get('client_secret') ?? '';
  ctx.rate.take(`client:${clientId}`);
  const ok = sameSecret(clientId, ctx.config.clientId) && sameSecret(clientSecret, ctx.config.clientSecret);
  if (!ok) throw proveHttpError(401, unauthorized('invalid client credentials'));
  sendJson(res, 200, {
    access_token: mintAccessToken(ctx.signer, clientId, ctx.config.publicOrigin, ctx.config.now(), ACCESS_TOKEN_TTL_S),
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_TTL_S,
  });
};

function requireClient(req: IncomingMessage, ctx: EmulatorContext): string {
  const token = bearerToken(req);
  if (!token) throw proveHttpError(401, unauthorized('missing bearer token'));
  const clientId = readAccessToken(ctx.signer, token, ctx.config.now());
  if (!clientId) throw proveHttpError(401, unauthorized('invalid or expired access token'));
  ctx.rate.take(`client:${clientId}`);
  return clientId;
}

const name = z.string().trim().min(1).max(100);
const optionalText = (max: number) => z.string().max(max).optional();

/** Prove: "Acceptable characters are: alphanumeric with symbols '-._+=/:?'. Max length is 128 characters." */
const FINAL_TARGET_URL = /^[A-Za-z0-9\-._+=/:?]{1,128}$/;

const verifySchema = z.object({
  firstName: name,
  lastName: name,
  phoneNumber: z.string().max(32),
  possessionType: z.enum(['mobile', 'desktop', 'none']),
  finalTargetUrl: z.string().regex(FINAL_TARGET_URL).optional(),
  // Without a #### to ###### placeholder the text would carry no code or link.
  smsMessage: z.string().max(160).refine(hasPlaceholder).optional(),
  clientCustomerId: optionalText(128),
  clientRequestId: optionalText(128),
  emailAddress: optionalText(254),
  allowOTPRetry: z.boolean().optional(),
});

const REQUIRED = ['firstName', 'lastName', 'phoneNumber', 'possessionType'] as const;

const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const NO_TEST_USER = { code: ErrorCode.SANDBOX_USER_NOT_FOUND, message: 'no test user found matching the phone number' };

/**
 * POST /v3/verify: starts a flow and hands back the authToken for the browser. A flow that
 * needs no browser (possessionType none, or a sandbox person whose verify fails at once)
 * answers its result straight away, without an authToken.
 */
export const verify: RouteHandler = async (req, res, ctx) => {
  const clientId = requireClient(req, ctx);
  const body = await readJsonObject(req);
  for (const field of REQUIRED) {
    if (isBlank(body[field])) throw proveHttpError(400, missingField(field));
  }
  const parsed = verifySchema.safeParse(body);
  if (!parsed.success) {
    throw proveHttpError(400, invalidField(String(parsed.error.issues[0]?.path[0] ?? 'body')));
  }
  const input = parsed.data;
  const phone = normalizePhone(input.phoneNumber);
  if (!phone) throw proveHttpError(400, invalidField('phoneNumber'));
  if (input.possessionType === 'desktop') {
    if (isBlank(input.finalTargetUrl)) throw proveHttpError(400, missingField('finalTargetUrl'));
  }
  if (input.finalTargetUrl !== undefined && !isWebUrl(input.finalTargetUrl)) {
    throw proveHttpError(400, invalidField('finalTargetUrl'));
  }
  const owner = findOwner(phone);
  if (!owner) throw proveHttpError(400, NO_TEST_USER);
  const verifyRefused = ctx.faults.take('verify-refused') !== undefined || owner.outcome === 'verify-fails';
  const needsBrowser = input.possessionType !== 'none' && !verifyRefused;
  const flow = ctx.flows.create({
    clientId,
    firstName: input.firstName,
    lastName: input.lastName,
    phone,
    possessionType: input.possessionType,
    finalTargetUrl: input.finalTargetUrl,
    smsMessage: input.smsMessage || undefined,
    clientCustomerId: input.clientCustomerId,
    clientRequestId: input.clientRequestId,
    otpCode: sandboxOtp(input.smsMessage),
    allowOtpRetry: input.allowOTPRetry ?? false,
    verifyRefused,
    possessionRefused: owner.outcome === 'possession-fails',
    possession: !needsBrowser ? 'not_applicable' : owner.outcome === 'skips-possession' ? 'success' : undefined,
  });
  if (!needsBrowser) {
    const { identityId: _kept, ...result } = statusOf(flow);
    return sendJson(res, 200, { correlationId: flow.correlationId, ...result });
  }
  sendJson(res, 200, {
    authToken: mintAuthToken(ctx.signer, flow, ctx.config.publicOrigin),
    correlationId: flow.correlationId,
    possessionResult: 'pending',
    verifyResult: 'pending',
    success: 'pending',
  });
};

interface VerifyStatus {
  success: 'true' | 'false' | 'pending';
  possessionResult: 'pending' | 'success' | 'failed' | 'not_applicable';
  verifyResult: 'pending' | 'success' | 'failed' | 'not_applicable';
  identityId?: string;
}

const PENDING: VerifyStatus = { success: 'pending', possessionResult: 'pending', verifyResult: 'pending' };

function statusOf(flow: Flow): VerifyStatus {
  if (flow.verifyRefused) return { success: 'false', possessionResult: 'not_applicable', verifyResult: 'failed' };
  switch (flow.possession) {
    case 'pending':
      return PENDING;
    case 'failed':
      return { success: 'false', possessionResult: 'failed', verifyResult: 'not_applicable' };
    case 'success':
    case 'not_applicable': {
      const outcome = verifyIdentity(flow.phone, flow.firstName, flow.lastName);
      return outcome.verified
        ? { success: 'true', possessionResult: flow.possession, verifyResult: 'success', identityId: outcome.identityId }
        : { success: 'false', possessionResult: flow.possession, verifyResult: 'failed' };
    }
  }
}

const statusSchema = z.object({
  correlationId: z.string().min(1).max(64),
  clientRequestId: optionalText(128),
});

/** POST /v3/verify-status: the result once the browser's possession step is over. */
export const verifyStatus: RouteHandler = async (req, res, ctx) => {
  const clientId = requireClient(req, ctx);
  const body = await readJsonObject(req);
  if (isBlank(body.correlationId)) throw proveHttpError(400, missingField('correlationId'));
  const parsed = statusSchema.safeParse(body);
  // A bad correlationId is Prove's 8008; any other bad field is named as such, not blamed on the id.
  const badField = parsed.success ? undefined : String(parsed.error.issues[0]?.path[0] ?? 'body');
  if (badField !== undefined && badField !== 'correlationId') throw proveHttpError(400, invalidField(badField));
  const flow = parsed.success ? ctx.flows.getByCorrelationId(parsed.data.correlationId) : undefined;
  if (!flow || flow.clientId !== clientId) {
    throw proveHttpError(400, { code: ErrorCode.INVALID_CORRELATION_ID, message: 'invalid correlationId' });
  }
  if (ctx.faults.take('status-pending')) return sendJson(res, 200, PENDING);
  const status = statusOf(flow);
  if (status.identityId) {
    ctx.lastVerified = { identityId: status.identityId, clientCustomerId: flow.clientCustomerId };
  }
  sendJson(res, 200, status);
};
