import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { EmulatorContext } from './context.js';
import { requirePersonAllowed } from './credentials.js';
import { ErrorCode, invalidField, proveHttpError, STEP_NOT_ALLOWED } from './errors.js';
import { sendJson } from './http.js';
import { findOwner, verifyIdentity } from './sandbox-rules.js';
import {
  emailAddress,
  ipAddress,
  NO_TEST_USER,
  optionalText,
  parseFields,
  personName,
  requireFields,
  requirePhone,
} from './server-fields.js';

/**
 * /v3/verify with `verificationType` (reference/verify, how-to/verified-users-verify). Only
 * verifiedUser is served; Prove's other types (prefill, accountOpening, ...) are products this
 * sandbox stand-in does not have.
 */
const VERIFICATION_TYPES = [
  'verifiedUser',
  'accountOpening',
  'humanAssurance',
  'bot',
  'prefill',
  'prefillForBiz',
  'identityResolution',
];

/** how-to/verified-users-verify: "Include the following required parameters". */
const REQUIRED = ['phoneNumber', 'firstName', 'lastName', 'clientRequestId'] as const;

const verifiedUserSchema = z.object({
  verificationType: z.literal('verifiedUser'),
  phoneNumber: z.string().max(32),
  firstName: personName,
  lastName: personName,
  clientRequestId: z.string().min(1).max(128),
  clientCustomerId: optionalText(128),
  clientHumanId: optionalText(128),
  proveId: optionalText(64),
  emailAddress,
  ipAddress,
  userAgent: optionalText(512),
  identityAttributes: z
    .array(z.object({ attributeType: z.string().max(64), attributeValue: z.string().max(256) }))
    .max(10)
    .optional(),
});

/**
 * Verified Users runs after "Step 1: Authentication": "This step must be complete before
 * proceeding with Verified Users" (docs/verified-users-flow). So a phone this client has not
 * proved with Unify (unify-status or unify-bind said true, within the flow's 15 minutes) is a
 * step called out of order: 403 {code: 8003}. The identity check then runs on that phone only.
 */
export function verifiedUser(
  res: ServerResponse,
  ctx: EmulatorContext,
  clientId: string,
  body: Record<string, unknown>,
): void {
  const type = body.verificationType;
  if (typeof type !== 'string' || !VERIFICATION_TYPES.includes(type))
    throw proveHttpError(400, invalidField('verificationType'));
  if (type !== 'verifiedUser') {
    throw proveHttpError(400, {
      code: ErrorCode.MALFORMED_REQUEST,
      message: `field 'verificationType' is not valid: ${type} is not available in this sandbox`,
    });
  }
  requireFields(body, REQUIRED);
  const input = parseFields(verifiedUserSchema, body);
  const phone = requirePhone(input.phoneNumber);
  const owner = findOwner(phone);
  if (!owner) throw proveHttpError(400, NO_TEST_USER);
  requirePersonAllowed(ctx, clientId, 'verifiedUser', phone);
  if (!ctx.proofs.holds(clientId, phone)) throw proveHttpError(403, STEP_NOT_ALLOWED);
  const refused = ctx.faults.take('verify-refused') !== undefined;
  const outcome = refused ? { verified: false } : verifyIdentity(phone, input.firstName, input.lastName);
  // Prove leaves out empty arrays (reference/status-and-error-codes, API conventions): a failure
  // carries a level but no reasons.
  const identity = outcome.verified
    ? {
        firstName: input.firstName,
        lastName: input.lastName,
        assuranceLevel: owner.assurance.level,
        reasons: owner.assurance.reasons,
      }
    : {
        firstName: input.firstName,
        lastName: input.lastName,
        assuranceLevel: owner.outcome === 'verify-fails' ? owner.assurance.level : 'AL0',
      };
  if (outcome.verified && outcome.identityId)
    ctx.lastVerified = { identityId: outcome.identityId, clientCustomerId: input.clientCustomerId };
  sendJson(res, 200, {
    success: outcome.verified ? 'true' : 'false',
    correlationId: randomUUID(),
    // "The input phone number", as sent.
    phoneNumber: input.phoneNumber,
    proveId: owner.proveId,
    clientRequestId: input.clientRequestId,
    ...(input.clientCustomerId && { clientCustomerId: input.clientCustomerId }),
    ...(input.clientHumanId && { clientHumanId: input.clientHumanId }),
    identity,
  });
}
