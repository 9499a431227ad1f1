import { z } from 'zod';
import { mintAccessToken, mintAuthToken } from './auth-token.js';
import { ACCESS_TOKEN_TTL_S } from './config.js';
import type { EmulatorContext, RouteHandler } from './context.js';
import { requirePersonAllowed } from './credentials.js';
import { proveHttpError, invalidField, missingField, unauthorized } from './errors.js';
import type { Flow } from './flows.js';
import { readForm, readJsonObject, sendJson } from './http.js';
import { findOwner, SANDBOX_OTP, verifyIdentity } from './sandbox-rules.js';
import {
  NO_TEST_USER,
  finalTargetUrl,
  isBlank,
  lookupFlow,
  optionalText,
  parseFields,
  personName,
  requireClient,
  requireFields,
  requirePhone,
  sameSecret,
  smsMessage,
} from './server-fields.js';
import { verifiedUser } from './verified-user-api.js';

/** POST /token: OAuth 2 client credentials, form-encoded. */
export const tokenGrant: RouteHandler = async (req, res, ctx) => {
  const form = await readForm(req);
  const grantType = form.get('grant_type');
  if (!grantType) throw proveHttpError(400, missingField('grant_type'));
  if (grantType !== 'client_credentials') throw proveHttpError(400, invalidField('grant_type'));
  const clientId = form.get('client_id') ?? '';
  const clientSecret = form.get('client_secret') ?? '';
  ctx.rate.take(`client:${clientId}`);
  const known = ctx.config.credentials.get(clientId);
  // Compared even for an unknown id, so the answer takes as long either way.
  const ok = sameSecret(clientSecret, known?.clientSecret ?? ctx.config.clientSecret) && known !== undefined;
  if (!ok) throw proveHttpError(401, unauthorized('invalid client credentials'));
  sendJson(res, 200, {
    access_token: mintAccessToken(ctx.signer, clientId, ctx.config.publicOrigin, ctx.config.now(), ACCESS_TOKEN_TTL_S),
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_TTL_S,
  });
};

const possessionVerifySchema = z.object({
  firstName: personName,
  lastName: personName,
  phoneNumber: z.string().max(32),
  possessionType: z.enum(['mobile', 'desktop', 'none']),
  finalTargetUrl,
  smsMessage,
  clientCustomerId: optionalText(128),
  clientRequestId: optionalText(128),
  emailAddress: optionalText(254),
  allowOTPRetry: z.boolean().optional(),
});

const POSSESSION_REQUIRED = ['firstName', 'lastName', 'phoneNumber', 'possessionType'] as const;

/**
 * POST /v3/verify is two endpoints in one, told apart by the body as Prove's server does:
 * `verificationType` is the current contract (Verified Users after Unify, verified-user-api.ts),
 * `possessionType` the July 2025 one (then /v3/verify-status).
 */
export const verify: RouteHandler = async (req, res, ctx) => {
  const clientId = requireClient(req, ctx);
  const body = await readJsonObject(req);
  const current = body.verificationType !== undefined;
  const seed = body.possessionType !== undefined;
  if (current && seed) throw proveHttpError(400, invalidField('possessionType'));
  if (current) return verifiedUser(res, ctx, clientId, body);
  if (!seed) throw proveHttpError(400, missingField('verificationType'));
  return possessionVerify(res, ctx, clientId, body);
};

/**
 * /v3/verify with possessionType: starts a flow and hands back the authToken for the browser. A
 * flow that needs no browser (possessionType none, or a sandbox person whose verify fails at
 * once) answers its result straight away, without an authToken.
 */
function possessionVerify(
  res: Parameters<RouteHandler>[1],
  ctx: EmulatorContext,
  clientId: string,
  body: Record<string, unknown>,
) {
  requireFields(body, POSSESSION_REQUIRED);
  const input = parseFields(possessionVerifySchema, body);
  const phone = requirePhone(input.phoneNumber);
  if (input.possessionType === 'desktop' && isBlank(input.finalTargetUrl))
    throw proveHttpError(400, missingField('finalTargetUrl'));
  const owner = findOwner(phone);
  if (!owner) throw proveHttpError(400, NO_TEST_USER);
  requirePersonAllowed(ctx, clientId, 'verify-status', phone);
  const verifyRefused = ctx.faults.take('verify-refused') !== undefined || owner.outcome === 'verify-fails';
  const needsBrowser = input.possessionType !== 'none' && !verifyRefused;
  const flow = ctx.flows.create({
    contract: 'verify',
    clientId,
    firstName: input.firstName,
    lastName: input.lastName,
    phone,
    possessionType: input.possessionType,
    finalTargetUrl: input.finalTargetUrl,
    smsMessage: input.smsMessage || undefined,
    clientCustomerId: input.clientCustomerId,
    clientRequestId: input.clientRequestId,
    otpCode: SANDBOX_OTP,
    allowOtpRetry: input.allowOTPRetry ?? false,
    verifyRefused,
    possessionRefused: owner.outcome === 'possession-fails',
    possession: !needsBrowser ? 'not_applicable' : owner.outcome === 'skips-possession' ? 'success' : undefined,
  });
  if (flow.possession === 'success') flow.provedBy = 'short-term';
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
}

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
    case 'required':
      return PENDING;
    case 'failed':
      return { success: 'false', possessionResult: 'failed', verifyResult: 'not_applicable' };
    case 'success':
    case 'not_applicable': {
      const outcome = verifyIdentity(flow.phone, flow.firstName, flow.lastName);
      return outcome.verified
        ? {
            success: 'true',
            possessionResult: flow.possession,
            verifyResult: 'success',
            identityId: outcome.identityId,
          }
        : { success: 'false', possessionResult: flow.possession, verifyResult: 'failed' };
    }
  }
}

/** POST /v3/verify-status: the result once the browser's possession step is over. */
export const verifyStatus: RouteHandler = async (req, res, ctx) => {
  const clientId = requireClient(req, ctx);
  const { flow } = lookupFlow(ctx, clientId, await readJsonObject(req), 'verify');
  if (ctx.faults.take('status-pending')) return sendJson(res, 200, PENDING);
  const status = statusOf(flow);
  if (status.identityId) {
    ctx.lastVerified = { identityId: status.identityId, clientCustomerId: flow.clientCustomerId };
  }
  sendJson(res, 200, status);
};
