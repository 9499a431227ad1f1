import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { RouteHandler } from './context.js';
import { parseBody, requireFlow } from './client-flow.js';
import { ErrorCode } from './errors.js';
import type { Flow } from './flows.js';
import { readJsonObject, sendHtmlPage, sendJson } from './http.js';
import { findOwner } from './sandbox-rules.js';

/**
 * Mobile Auth (`mobile/instant`, internal/mobile-instant-step.js): the SDK posts
 * /v1/client/mobile/instant/start, gets `data.redirectUrl`, lets @prove-identity/mobile-auth
 * turn that URL into a `vfp` (at Prove, a request the carrier answers, on
 * device.uat.proveapis.com:4443 or auth.svcs.verizon.com:22790), then posts the vfp to
 * /v1/client/mobile/instant/finish. Here the URL is the emulator's own:
 *   - over https, mobile-auth's "flow v1" fetches it and reads `{vfp}` from the JSON;
 *   - over plain http, which mobile-auth refuses to fetch ("Web SDK cannot make http request"),
 *     the URL carries mobile-auth's own test parameter `testVfp`, which it takes as the answer
 *     without any request (internal/auth/flow-test.js).
 * Only Prove's Mobile Auth sandbox persons pass; anyone else falls back to the OTP, as Prove does
 * when the carrier cannot vouch for the phone.
 */

const MOBILE_AUTH_UNAVAILABLE = {
  code: ErrorCode.MOBILE_AUTH_UNAVAILABLE,
  message: 'Mobile Auth is not available for this phone',
};

function fallBackToOtp(flow: Flow) {
  flow.next = 'mobile/otp';
  return { error: MOBILE_AUTH_UNAVAILABLE, next: 'mobile/otp' };
}

const startSchema = z.object({
  cellularIp: z.string().max(64).nullish(),
  implementation: z.enum(['fetch', 'pixel']).nullish(),
});

/** POST /v1/client/mobile/instant/start */
export const mobileAuthStart: RouteHandler = async (req, res, ctx) => {
  const flow = requireFlow(req, ctx);
  const body = parseBody(startSchema, await readJsonObject(req));
  if (flow.next !== 'mobile/instant' || flow.possession !== 'pending') return sendJson(res, 200, notThisFlow(flow));
  if (!findOwner(flow.phone)?.mobileAuth || body.implementation === 'pixel')
    return sendJson(res, 200, fallBackToOtp(flow));
  flow.vfp ??= randomBytes(24).toString('base64url');
  const url = new URL(`${ctx.config.mobileAuthOrigin}/v1/client/mobile/instant/auth/${flow.id}/${flow.vfp}`);
  if (url.protocol === 'http:') url.searchParams.set('testVfp', flow.vfp);
  sendJson(res, 200, { data: { redirectUrl: url.href } });
};

const finishSchema = z.object({ vfp: z.string().max(256).nullish() });

/** POST /v1/client/mobile/instant/finish {vfp} */
export const mobileAuthFinish: RouteHandler = async (req, res, ctx) => {
  const flow = requireFlow(req, ctx);
  const body = parseBody(finishSchema, await readJsonObject(req));
  if (flow.next !== 'mobile/instant' || flow.possession !== 'pending') return sendJson(res, 200, notThisFlow(flow));
  if (!flow.vfp || body.vfp !== flow.vfp || flow.possessionRefused) return sendJson(res, 200, fallBackToOtp(flow));
  ctx.flows.settle(flow, { success: true, by: 'mobile-auth' });
  sendJson(res, 200, { next: 'done' });
};

/**
 * A flow not at Mobile Auth (the July 2025 contract never is): answered failed, pointing back to the
 * flow's own step, so an SDK that tries it anyway carries on where it was.
 */
function notThisFlow(flow: Flow) {
  return { error: MOBILE_AUTH_UNAVAILABLE, next: flow.possession === 'pending' ? flow.next : 'done' };
}

/**
 * GET /v1/client/mobile/instant/auth/:flowId/:vfp: what the carrier's answer stands in for, for
 * mobile-auth's flow v1 (`{vfp}` in a 2xx JSON body). CORS comes from the client-API area.
 */
export const mobileAuthCarrier: RouteHandler = (_req, res, ctx, params) => {
  const flow = ctx.flows.get(params.flowId ?? '');
  if (!flow || !flow.vfp || flow.vfp !== params.vfp) {
    return sendHtmlPage(res, 404, 'Not found', 'This Mobile Auth session is not known.');
  }
  sendJson(res, 200, { vfp: flow.vfp });
};
