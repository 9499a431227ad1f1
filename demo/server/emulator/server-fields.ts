import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { readAccessToken } from './auth-token.js';
import type { EmulatorContext } from './context.js';
import { ErrorCode, invalidField, missingField, proveHttpError, unauthorized } from './errors.js';
import type { Flow } from './flows.js';
import { normalizePhone } from './phone.js';

/** What the server-API routes (both contracts) check the same way. */

/** Comparing digests keeps the comparison constant-time whatever the lengths. */
export const sameSecret = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** The client id behind a valid access token (and a rate-limit slot for it). */
export function requireClient(req: IncomingMessage, ctx: EmulatorContext): string {
  const header = req.headers.authorization;
  const token = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (!token) throw proveHttpError(401, unauthorized('missing bearer token'));
  const clientId = readAccessToken(ctx.signer, token, ctx.config.now());
  if (!clientId) throw proveHttpError(401, unauthorized('invalid or expired access token'));
  ctx.rate.take(`client:${clientId}`);
  return clientId;
}

export const personName = z.string().trim().min(1).max(100);
export const optionalText = (max: number) => z.string().max(max).optional();

/** Prove: "Acceptable characters are: alphanumeric with symbols '-._+=/:?'. Max length is 128 characters." */
const FINAL_TARGET_URL = /^[A-Za-z0-9\-._+=/:?]{1,128}$/;

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export const finalTargetUrl = z.string().regex(FINAL_TARGET_URL).refine(isWebUrl).optional();

/** "Max length is 160 characters. Non-ASCII characters are allowed." No placeholder is required. */
export const smsMessage = z.string().max(160).optional();

/** Prove: "Acceptable characters are: alphanumeric with symbols '@.+'" / "Alphanumeric with '.:' symbols". */
export const emailAddress = z
  .string()
  .max(254)
  .regex(/^[A-Za-z0-9@.+]+$/)
  .optional();
export const ipAddress = z
  .string()
  .max(45)
  .regex(/^[A-Za-z0-9.:]+$/)
  .optional();

export const isBlank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** 400 {8001} "field '…' is missing" for the first blank one. */
export function requireFields(body: Record<string, unknown>, fields: readonly string[]): void {
  for (const field of fields) {
    if (isBlank(body[field])) throw proveHttpError(400, missingField(field));
  }
}

/** The first failing field, as Prove names it: 400 {8001} "field '…' is not valid". */
export function parseFields<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw proveHttpError(400, invalidField(String(parsed.error.issues[0]?.path[0] ?? 'body')));
  return parsed.data;
}

export function requirePhone(raw: string, field = 'phoneNumber'): string {
  const phone = normalizePhone(raw);
  if (!phone) throw proveHttpError(400, invalidField(field));
  return phone;
}

export const NO_TEST_USER = {
  code: ErrorCode.SANDBOX_USER_NOT_FOUND,
  message: 'no test user found matching the phone number',
};
const INVALID_CORRELATION_ID = { code: ErrorCode.INVALID_CORRELATION_ID, message: 'invalid correlationId' };

/**
 * Prove's phone style in its answers (reference/unify-status-request: "phoneNumber":
 * "2001004011"): a North American number without +1, any other in E.164.
 */
export const proveStylePhone = (e164: string) => (e164.startsWith('+1') ? e164.slice(2) : e164);

const lookupSchema = z.object({
  correlationId: z.string().min(1).max(64),
  clientRequestId: optionalText(128),
});

/**
 * The flow a status call names, when it belongs to this client and this contract; otherwise
 * Prove's 8008. Any other bad field is named as such, not blamed on the id.
 */
export function lookupFlow(
  ctx: EmulatorContext,
  clientId: string,
  body: Record<string, unknown>,
  contract: Flow['contract'],
): { flow: Flow; clientRequestId?: string } {
  if (isBlank(body.correlationId)) throw proveHttpError(400, missingField('correlationId'));
  const parsed = lookupSchema.safeParse(body);
  const badField = parsed.success ? undefined : String(parsed.error.issues[0]?.path[0] ?? 'body');
  if (badField !== undefined && badField !== 'correlationId') throw proveHttpError(400, invalidField(badField));
  const flow = parsed.success ? ctx.flows.getByCorrelationId(parsed.data.correlationId) : undefined;
  // One contract's correlationId is as unknown to the other's status call as a made-up one.
  if (!flow || flow.clientId !== clientId || flow.contract !== contract)
    throw proveHttpError(400, INVALID_CORRELATION_ID);
  return { flow, clientRequestId: parsed.success ? parsed.data.clientRequestId : undefined };
}
