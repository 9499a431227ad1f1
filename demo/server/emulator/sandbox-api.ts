import type { EmulatorContext, RouteHandler } from './context.js';
import { ErrorCode, proveHttpError, invalidField, missingField, type ProveError } from './errors.js';
import { sendHtmlPage, sendJson } from './http.js';
import { normalizePhone } from './phone.js';

/**
 * GET /sandbox/messages?phone=…[&limit=n]: the demo's simulated phone reads its SMS here, oldest
 * first; `limit` keeps the newest n (a load run reads one code per flow without copying every
 * text the number holds).
 */
export const listMessages: RouteHandler = (req, res, ctx) => {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const raw = url.searchParams.get('phone');
  if (!raw || raw.trim() === '') throw proveHttpError(400, missingField('phone'));
  const phone = normalizePhone(raw);
  if (!phone) throw proveHttpError(400, invalidField('phone'));
  const limit = url.searchParams.get('limit');
  if (limit !== null && !/^[1-9]\d{0,3}$/.test(limit)) throw proveHttpError(400, invalidField('limit'));
  sendJson(res, 200, ctx.inbox.list(phone, limit === null ? undefined : Number(limit)));
};

/** Sizes of the in-memory stores: no content, so no PII. Tests use it to see sockets close. */
export function storeSizes(ctx: EmulatorContext) {
  return { flows: ctx.flows.size, links: ctx.flows.linkCount, messages: ctx.inbox.size, sockets: ctx.status.size };
}

/** GET /sandbox/stats */
export const stats: RouteHandler = (_req, res, ctx) => sendJson(res, 200, storeSizes(ctx));

/**
 * DELETE /sandbox/devices: every Prove Key forgets the phone it proved. A browser that proved a
 * phone is otherwise a returning device whose next Unify flow on that phone needs no code; after
 * this its key is still known, but the flow asks for the code, as for a new device.
 */
export const forgetDevices: RouteHandler = (_req, res, ctx) => {
  ctx.devices.unbindAll();
  sendJson(res, 200, { bound: 0 });
};

const POSSESSION_REFUSED: ProveError = {
  code: ErrorCode.POSSESSION_REFUSED,
  message: 'The sandbox person could not prove possession',
};

/** GET /sandbox/link/:id: what tapping the Instant Link on the phone does. */
export const openLink: RouteHandler = (_req, res, ctx, params) => {
  const found = /^[A-Za-z0-9_-]{1,64}$/.test(params.id ?? '') ? ctx.flows.getLink(params.id!) : undefined;
  if (!found) {
    return sendHtmlPage(
      res,
      404,
      'Link not found',
      'This verification link is not known. It may belong to a session that has ended.',
    );
  }
  const { link, flow } = found;
  // Said before "ended": the flow fails because its link expired, and the page should say so.
  if (flow.possession !== 'success' && ctx.config.now() >= link.expiresAt) {
    ctx.flows.expireLink(flow);
    return sendHtmlPage(res, 410, 'Link expired', 'This link has expired. Ask for a new one on the other device.');
  }
  if (flow.possession === 'pending') {
    ctx.flows.settle(
      flow,
      flow.possessionRefused ? { success: false, error: POSSESSION_REFUSED } : { success: true, by: 'instant-link' },
    );
  }
  if (flow.possession === 'failed') {
    return sendHtmlPage(
      res,
      410,
      'Verification ended',
      'This verification has ended. Start again on the other device.',
    );
  }
  if (!flow.finalTargetUrl) {
    return sendHtmlPage(res, 200, 'Phone confirmed', 'You can close this page and continue on the other device.');
  }
  res.writeHead(302, { Location: finalTarget(flow), 'Cache-Control': 'no-store', 'Content-Length': '0' });
  res.end();
};

/**
 * Desktop flows land on finalTargetUrl as given: the desktop learns the result from its status
 * socket. When the SDK said it runs on the phone itself (isMobile), it opens no socket, so the
 * landing page must finish the flow with `authenticator.finishInstantLink(location.href)`,
 * which wants `asc` (auth session completed) and `authId` in the URL
 * (internal/instantlink-redirect-url.js).
 */
function finalTarget(flow: { id: string; finalTargetUrl?: string; linkOnSameDevice: boolean }): string {
  if (!flow.linkOnSameDevice) return flow.finalTargetUrl!;
  const url = new URL(flow.finalTargetUrl!);
  url.searchParams.set('asc', 'true');
  url.searchParams.set('authId', flow.id);
  return url.href;
}
