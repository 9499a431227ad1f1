import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { mintAccessToken, mintAuthToken, readAccessToken } from './auth-token.js';
import { ACCESS_TOKEN_TTL_S } from './config.js';
import type { EmulatorContext, RouteHandler } from './context.js';
import { ErrorCode, HttpError, invalidField, missingField, unauthorized } from './errors.js';
import type { Flow } from './flows.js';
import { bearerToken, readForm, readJsonObject, sendJson } from './http.js';
import { normalizePhone } from './phone.js';
import { verifyIdentity } from './sandbox-rules.js';

/** Comparing digests keeps the comparison constant-time whatever the lengths. */
const sameSecret = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** POST /token: OAuth 2 client credentials, form-encoded. */
export const tokenGrant: RouteHandler = async (req, res, ctx) => {
  const form = await readForm(req);
  const grantType = form.get('grant_type');
  if (!grantType) throw new HttpError(400, missingField('grant_type'));
  if (grantType !== 'client_credentials') throw new HttpError(400, invalidField('grant_type'));
  const clientId = form.get('client_id') ?? '';
  const clientSecret = form.get('client_secret') ?? '';
  const ok = sameSecret(clientId, ctx.config.clientId) && sameSecret(clientSecret, ctx.config.clientSecret);
  if (!ok) throw new HttpError(401, unauthorized('invalid client credentials'));
  sendJson(res, 200, {
    access_token: mintAccessToken(ctx.signer, clientId, ctx.config.publicOrigin, ctx.config.now(), ACCESS_TOKEN_TTL_S),
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_TTL_S,
  });
};

function requireClient(req: IncomingMessage, ctx: EmulatorContext): string {
  const token = bearerToken(req);
  if (!token) throw new HttpError(401, unauthorized('missing bearer token'));
  const clientId = readAccessToken(ctx.signer, token, ctx.config.now());
  if (!clientId) throw new HttpError(401, unauthorized('invalid or expired access token'));
  return clientId;
}

const name = z.string().trim().min(1).max(100);
const optionalText = (max: number) => z.string().max(max).optional();

const verifySchema = z.object({
  firstName: name,
  lastName: name,
  phoneNumber: z.string().max(32),
  possessionType: z.enum(['mobile', 'desktop', 'none']),
  finalTargetUrl: optionalText(2048),
  smsMessage: optionalText(160),
  clientCustomerId: optionalText(128),
  clientRequestId: optionalText(128),
  emailAddress: optionalText(254),
  allowOTPRetry: z.boolean().optional(),
});

const REQUIRED = ['firstName', 'lastName', 'phoneNumber', 'possessionType'] as const;

const isBlank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** POST /v3/verify: starts a flow and hands back the authToken for the browser. */
export const verify: RouteHandler = async (req, res, ctx) => {
  const clientId = requireClient(req, ctx);
  const body = await readJsonObject(req);
  for (const field of REQUIRED) {
    if (isBlank(body[field])) throw new HttpError(400, missingField(field));
  }
  const parsed = verifySchema.safeParse(body);
  if (!parsed.success) {
    throw new HttpError(400, invalidField(String(parsed.error.issues[0]?.path[0] ?? 'body')));
  }
  const input = parsed.data;
  const phone = normalizePhone(input.phoneNumber);
  if (!phone) throw new HttpError(400, invalidField('phoneNumber'));
  if (input.possessionType === 'desktop') {
    if (isBlank(input.finalTargetUrl)) throw new HttpError(400, missingField('finalTargetUrl'));
  }
  if (input.finalTargetUrl !== undefined && !isWebUrl(input.finalTargetUrl)) {
    throw new HttpError(400, invalidField('finalTargetUrl'));
  }
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
  });
  sendJson(res, 200, {
    authToken: mintAuthToken(ctx.signer, flow, ctx.config.publicOrigin),
    correlationId: flow.correlationId,
    possessionResult: 'pending',
    verifyResult: 'pending',
    success: 'pending',
  });
};

export interface VerifyStatus {
  success: 'true' | 'false' | 'pending';
  possessionResult: 'pending' | 'success' | 'failed' | 'not_applicable';
  verifyResult: 'pending' | 'success' | 'failed' | 'not_applicable';
  identityId?: string;
}

export function statusOf(flow: Flow): VerifyStatus {
  switch (flow.possession) {
    case 'pending':
      return { success: 'pending', possessionResult: 'pending', verifyResult: 'pending' };
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
  if (isBlank(body.correlationId)) throw new HttpError(400, missingField('correlationId'));
  const parsed = statusSchema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, invalidField('correlationId'));
  const flow = ctx.flows.getByCorrelationId(parsed.data.correlationId);
  if (!flow || flow.clientId !== clientId) {
    throw new HttpError(404, { code: ErrorCode.NOT_FOUND, message: 'correlationId not found or expired' });
  }
  const status = statusOf(flow);
  if (status.identityId) {
    ctx.lastVerified = { identityId: status.identityId, clientCustomerId: flow.clientCustomerId };
  }
  sendJson(res, 200, status);
};
