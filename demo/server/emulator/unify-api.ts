import { z } from 'zod';
import { mintAuthToken } from './auth-token.js';
import type { EmulatorContext, RouteHandler } from './context.js';
import { requirePersonAllowed } from './credentials.js';
import { ErrorCode, invalidField, missingField, proveHttpError, STEP_NOT_ALLOWED } from './errors.js';
import type { Flow } from './flows.js';
import { readJsonObject, sendJson } from './http.js';
import { SANDBOX_OWNERS, SANDBOX_OTP, findOwner, proveIdFor } from './sandbox-rules.js';
import {
  NO_TEST_USER,
  emailAddress,
  ipAddress,
  finalTargetUrl,
  isBlank,
  lookupFlow,
  optionalText,
  parseFields,
  proveStylePhone,
  requireClient,
  requireFields,
  requirePhone,
  smsMessage,
} from './server-fields.js';

/**
 * Prove's current possession API (reference/unify-request, unify-status-request,
 * unify-bind-request; the fields are those of prove-sdk-server-typescript's V3Unify* models).
 * The answers leave out fields that have no value, as Prove's API conventions say
 * (reference/status-and-error-codes).
 */

const unifySchema = z.object({
  possessionType: z.enum(['mobile', 'desktop', 'none']),
  phoneNumber: z.string().max(32).optional(),
  clientRequestId: z.string().min(1).max(128),
  finalTargetUrl,
  smsMessage,
  allowOTPRetry: z.boolean().optional(),
  clientCustomerId: optionalText(128),
  clientHumanId: optionalText(128),
  checkReputation: z.boolean().optional(),
  deviceId: optionalText(64),
  proveId: optionalText(64),
  rebind: z.boolean().optional(),
  emailAddress,
  ipAddress,
});

/** The phone to prove: as given, or (the docs' "a valid ProveID is provided") the person's behind proveId. */
function phoneOf(input: z.infer<typeof unifySchema>): string {
  if (!isBlank(input.phoneNumber)) return requirePhone(input.phoneNumber!);
  if (isBlank(input.proveId)) throw proveHttpError(400, missingField('phoneNumber'));
  const owner = SANDBOX_OWNERS.find((person) => person.proveId === input.proveId);
  if (!owner) throw proveHttpError(400, invalidField('proveId'));
  return owner.phone;
}

/** POST /v3/unify → {authToken, correlationId, success: "pending"}. */
export const unify: RouteHandler = async (req, res, ctx) => {
  const clientId = requireClient(req, ctx);
  const body = await readJsonObject(req);
  requireFields(body, ['possessionType', 'clientRequestId']);
  const input = parseFields(unifySchema, body);
  const phone = phoneOf(input);
  if (input.possessionType === 'desktop' && isBlank(input.finalTargetUrl))
    throw proveHttpError(400, missingField('finalTargetUrl'));
  const owner = findOwner(phone);
  if (!owner) throw proveHttpError(400, NO_TEST_USER);
  requirePersonAllowed(ctx, clientId, 'unify', phone);
  const flow = ctx.flows.create({
    contract: 'unify',
    clientId,
    firstName: '',
    lastName: '',
    phone,
    possessionType: input.possessionType,
    finalTargetUrl: input.finalTargetUrl,
    smsMessage: input.smsMessage || undefined,
    clientCustomerId: input.clientCustomerId,
    clientRequestId: input.clientRequestId,
    clientHumanId: input.clientHumanId,
    rebind: input.rebind,
    otpCode: SANDBOX_OTP,
    allowOtpRetry: input.allowOTPRetry ?? false,
    possessionRefused: owner.outcome === 'possession-fails',
    mobileAuth: owner.mobileAuth,
    // The short-term users "always pass the possession check but no Prove Key is generated".
    possession: owner.outcome === 'skips-possession' ? 'success' : undefined,
  });
  if (flow.possession === 'success') flow.provedBy = 'short-term';
  sendJson(res, 200, {
    authToken: mintAuthToken(ctx.signer, flow, ctx.config.publicOrigin),
    correlationId: flow.correlationId,
    success: 'pending',
  });
};

/**
 * Possession is proved: the flow's Prove Key binds to the phone (moving from another phone only
 * with rebind), and the phone counts as proved for verifiedUser.
 */
function bindProved(ctx: EmulatorContext, flow: Flow): void {
  if (flow.deviceId) {
    const device = ctx.devices.get(flow.deviceId);
    if (device && (!device.boundPhone || flow.rebind)) ctx.devices.bind(device.deviceId, flow.phone);
  }
  ctx.proofs.record(flow.clientId, flow.phone);
}

/** What unify-status and unify-bind answer once possession is proved. */
function provedAnswer(flow: Flow, clientRequestId: string | undefined) {
  return {
    success: 'true',
    phoneNumber: proveStylePhone(flow.phone),
    proveId: proveIdFor(flow.phone),
    ...(flow.deviceId && { deviceId: flow.deviceId }),
    ...(clientRequestId && { clientRequestId }),
    ...(flow.clientHumanId && { clientHumanId: flow.clientHumanId }),
  };
}

const UNIFY_STATUS: Record<Exclude<Flow['possession'], 'success'>, string> = {
  pending: 'pending',
  failed: 'false',
  not_applicable: 'false',
  required: 'possession_required',
};

/**
 * POST /v3/unify-status → {success: true|false|pending|possession_required, phoneNumber, ...}.
 * The phone is the one proved: after the SDK's change-number step, the new one.
 */
export const unifyStatus: RouteHandler = async (req, res, ctx) => {
  const clientId = requireClient(req, ctx);
  const { flow, clientRequestId } = lookupFlow(ctx, clientId, await readJsonObject(req), 'unify');
  const forcedPending = ctx.faults.take('status-pending') !== undefined;
  if (forcedPending || flow.possession !== 'success') {
    const success = forcedPending || flow.possession === 'success' ? 'pending' : UNIFY_STATUS[flow.possession];
    return sendJson(res, 200, {
      success,
      phoneNumber: proveStylePhone(flow.phone),
      ...(clientRequestId && { clientRequestId }),
    });
  }
  bindProved(ctx, flow);
  sendJson(res, 200, provedAnswer(flow, clientRequestId));
};

const bindSchema = z.object({
  correlationId: z.string().min(1).max(64),
  phoneNumber: z.string().max(32),
  clientRequestId: optionalText(128),
});

/**
 * POST /v3/unify-bind: possessionType none, after unify-status said possession_required and the
 * integrator's own check passed. A phone other than the flow's does not bind ("the phone number
 * doesn't match the test user", docs/unify-sandbox-testing): success false, and the flow is over.
 */
export const unifyBind: RouteHandler = async (req, res, ctx) => {
  const clientId = requireClient(req, ctx);
  const body = await readJsonObject(req);
  requireFields(body, ['correlationId', 'phoneNumber']);
  const input = parseFields(bindSchema, body);
  const phone = requirePhone(input.phoneNumber);
  const { flow, clientRequestId } = lookupFlow(ctx, clientId, body, 'unify');
  if (flow.possession !== 'required') throw proveHttpError(403, STEP_NOT_ALLOWED);
  requirePersonAllowed(ctx, clientId, 'unify', phone);
  if (phone !== flow.phone) {
    ctx.flows.settle(flow, {
      success: false,
      error: { code: ErrorCode.POSSESSION_REFUSED, message: 'The bound phone is not the flow’s' },
    });
    return sendJson(res, 200, {
      success: 'false',
      phoneNumber: proveStylePhone(phone),
      ...(clientRequestId && { clientRequestId }),
    });
  }
  ctx.flows.settle(flow, { success: true, by: 'bind' });
  bindProved(ctx, flow);
  sendJson(res, 200, provedAnswer(flow, clientRequestId));
};
