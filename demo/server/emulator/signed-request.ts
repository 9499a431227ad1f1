import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { SIGNING_CHALLENGE_TTL_S } from './config.js';
import type { EmulatorContext, RouteHandler } from './context.js';
import { signatureHolds } from './devices.js';
import { ErrorCode, proveHttpError } from './errors.js';
import type { Flow } from './flows.js';
import { parseBody, requireFlow } from './client-flow.js';
import { readJsonObject, sendJson } from './http.js';

/**
 * Once a browser holds a Prove Key, SDK 3.6.2 signs some requests (internal/request-signer-v3.js):
 * it asks /v1/client/challenge for a challenge, then sends PA-Sig-Version 3, PA-Challenge,
 * PA-KID and PA-Signature, an ES256 signature over
 * `POST\n<path>\n<query>\napplication/json\n<challenge>\n<hex SHA-256 of the body>`.
 */
const SIGNED_PATHS: ReadonlySet<string> = new Set([
  '/v1/client/stepup/unregister',
  '/v1/client/device/unregister',
  '/v1/client/device/passive/error',
  '/v1/client/mobile/instant/error',
  '/v1/client/mobile/otp/error',
  '/v1/client/user/mobileactive',
  '/v1/client/user/mobileactive/error',
]);

/** A flow asks for a handful at most; more would only grow memory. */
const MAX_CHALLENGES_PER_FLOW = 8;

const challengeSchema = z.object({ deviceId: z.string().min(1).max(64) });

/** POST /v1/client/challenge {deviceId} → {challenge, ttl}: top-level fields, as the signer reads them. */
export const signingChallenge: RouteHandler = async (req, res, ctx) => {
  const flow = requireFlow(req, ctx);
  const { deviceId } = parseBody(challengeSchema, await readJsonObject(req));
  const now = ctx.config.now();
  for (const [value, issued] of flow.signingChallenges)
    if (issued.expiresAt <= now) flow.signingChallenges.delete(value);
  while (flow.signingChallenges.size >= MAX_CHALLENGES_PER_FLOW)
    flow.signingChallenges.delete(flow.signingChallenges.keys().next().value as string);
  const challenge = randomBytes(24).toString('base64url');
  flow.signingChallenges.set(challenge, { deviceId, expiresAt: now + SIGNING_CHALLENGE_TTL_S * 1000 });
  sendJson(res, 200, { challenge, ttl: SIGNING_CHALLENGE_TTL_S });
};

const BAD_SIGNATURE = { code: ErrorCode.BAD_REQUEST_SIGNATURE, message: 'the request signature does not hold' };

/**
 * For a flow whose browser registered or used a Prove Key, the paths the SDK signs must carry a
 * signature that holds for that key. A browser without a key signs nothing, and is not asked to.
 */
export function requireSignature(req: IncomingMessage, ctx: EmulatorContext, flow: Flow, bodyText: string): void {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  if (!flow.deviceId || !SIGNED_PATHS.has(url.pathname)) return;
  const device = ctx.devices.get(flow.deviceId);
  if (!device) return; // evicted: nothing left to check against
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const challenge = header('pa-challenge') ?? '';
  const issued = flow.signingChallenges.get(challenge);
  const signature = header('pa-signature');
  const fresh = issued !== undefined && issued.deviceId === device.deviceId && issued.expiresAt > ctx.config.now();
  const bodyHash = createHash('sha256').update(bodyText, 'utf8').digest('hex');
  const signed = `POST\n${url.pathname}\n${url.search.replace(/^\?/, '')}\napplication/json\n${challenge}\n${bodyHash}`;
  const holds =
    header('pa-sig-version') === '3' &&
    header('pa-kid') === device.keyId &&
    fresh &&
    signature !== undefined &&
    signatureHolds(device.key, signed, signature);
  if (!holds) throw proveHttpError(401, BAD_SIGNATURE);
}
