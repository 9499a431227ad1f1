import { z } from 'zod';
import type { RouteHandler } from './context.js';
import { parseBody, pastProveKey, requireFlow, requirePendingStep } from './client-flow.js';
import { readP256Key, signatureHolds } from './devices.js';
import { ErrorCode } from './errors.js';
import { readJsonObject, sendJson } from './http.js';

/**
 * The Prove Key steps SDK 3.6.2 runs when a Unify token starts with `device/passive`
 * (internal/device-passive-step.js). With no `uvlvl` in the token the SDK takes
 * device/passive/silent (device-passive-silent-step.js): a non-extractable ECDSA P-256 key it
 * keeps in IndexedDB, registered here the first time and used (verify) after that.
 *
 * A key that does not hold is answered `{error, next}`: the SDK rejects the step without
 * reporting it and goes on to `next`, the flow's possession step, as Prove goes on to Mobile
 * Auth or the OTP when there is no usable key.
 */

const signals = z.record(z.string(), z.unknown()).nullish();
const deviceFields = {
  deviceName: z.string().max(200).nullish(),
  deviceCapabilities: z.array(z.string().max(64)).max(8).nullish(),
  signals,
};

const registerSchema = z.object({
  ...deviceFields,
  registrations: z
    .array(
      z.object({
        publicKey: z.object({
          id: z.string().min(1).max(128),
          alg: z.literal('ES256'),
          key: z.string().max(1024),
          uvLevel: z.number().int().nullish(),
        }),
        signature: z.string().min(1).max(256),
      }),
    )
    .min(1)
    .max(2),
});

const KEY_REFUSED = { code: ErrorCode.SDK_AUTHENTICATION_FAILURE, message: 'The Prove Key does not hold' };

/**
 * POST /v1/client/device/passive/register: the key's signature over the token's challenge proves
 * the browser holds it.
 */
export const registerProveKey: RouteHandler = async (req, res, ctx) => {
  const flow = requireFlow(req, ctx);
  requirePendingStep(flow, 'device/passive');
  const body = parseBody(registerSchema, await readJsonObject(req));
  const registration = body.registrations[0]!;
  const key = readP256Key(registration.publicKey.key);
  if (!key || !signatureHolds(key, flow.challenge, registration.signature)) {
    return sendJson(res, 200, { error: KEY_REFUSED, next: pastProveKey(ctx, flow) });
  }
  const device = ctx.devices.register(flow.clientId, registration.publicKey.id, key);
  flow.deviceId = device.deviceId;
  // The key is placed, not bound: it binds to the phone when the flow's possession is proved.
  sendJson(res, 200, { data: { deviceId: device.deviceId }, next: pastProveKey(ctx, flow) });
};

const verifySchema = z.object({
  ...deviceFields,
  deviceId: z.string().min(1).max(64),
  keyId: z.string().min(1).max(128),
  signature: z.string().min(1).max(256),
});

/**
 * POST /v1/client/device/passive/verify: the registered key signs `deviceId:challenge`. A key
 * bound to this phone for this client proves possession by itself ("success=true indicates
 * either the customer passed the possession check and completed the bind or authenticated
 * using the Prove Key", docs/unify-flow), unless the flow asked for `rebind`.
 */
export const verifyProveKey: RouteHandler = async (req, res, ctx) => {
  const flow = requireFlow(req, ctx);
  requirePendingStep(flow, 'device/passive');
  const body = parseBody(verifySchema, await readJsonObject(req));
  const device = ctx.devices.get(body.deviceId);
  if (!device || device.clientId !== flow.clientId) {
    // 10006 (ERROR_NO_DEVICE_FOUND) makes the SDK drop its registration, so the next flow registers anew.
    return sendJson(res, 200, {
      error: { code: ErrorCode.SDK_NO_DEVICE_FOUND, message: 'No such device' },
      next: pastProveKey(ctx, flow),
    });
  }
  if (
    device.keyId !== body.keyId ||
    !signatureHolds(device.key, `${device.deviceId}:${flow.challenge}`, body.signature)
  ) {
    return sendJson(res, 200, { error: KEY_REFUSED, next: pastProveKey(ctx, flow) });
  }
  flow.deviceId = device.deviceId;
  if (device.boundPhone === flow.phone && !flow.rebind && !flow.possessionRefused) {
    ctx.flows.settle(flow, { success: true, by: 'prove-key' });
    return sendJson(res, 200, { next: 'done' });
  }
  sendJson(res, 200, { next: pastProveKey(ctx, flow) });
};
