import { z } from 'zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext, RouteHandler } from './context.js';
import { ErrorCode, proveHttpError, INTERNAL_ERROR, invalidField, tooManyRequests, unauthorized } from './errors.js';
import { FAULT_NAMES, isFaultName } from './faults.js';
import { readJsonObject, sendJson, sendText } from './http.js';

const armSchema = z.object({
  fault: z.string(),
  times: z.number().int().min(1).max(10).optional(),
  retryAfter: z.number().int().min(1).max(3600).optional(),
});

/** POST /sandbox/faults {fault, times?, retryAfter?}: arms one fault switch. */
export const armFault: RouteHandler = async (req, res, ctx) => {
  const parsed = armSchema.safeParse(await readJsonObject(req));
  if (!parsed.success) throw proveHttpError(400, invalidField(String(parsed.error.issues[0]?.path[0] ?? 'body')));
  const { fault, times = 1, retryAfter = 2 } = parsed.data;
  if (!isFaultName(fault)) {
    throw proveHttpError(400, {
      code: ErrorCode.MALFORMED_REQUEST,
      message: `field 'fault' is not valid: one of ${FAULT_NAMES.join(', ')}`,
    });
  }
  ctx.faults.arm(fault, times, retryAfter);
  ctx.status.applyArmedFaults();
  sendJson(res, 200, { armed: ctx.faults.list() });
};

/** DELETE /sandbox/faults */
export const disarmFaults: RouteHandler = (_req, res, ctx) => {
  ctx.faults.disarmAll();
  sendJson(res, 200, { armed: [] });
};

/** GET /sandbox/faults */
export const listFaults: RouteHandler = (_req, res, ctx) => sendJson(res, 200, { armed: ctx.faults.list() });

export type ApiSide = 'server' | 'client';

/** Which API a path belongs to for the fault switches: error reports and the socket are spared. */
export function apiSide(path: string): ApiSide | undefined {
  if (path === '/token' || path.startsWith('/v3/')) return 'server';
  if (path.startsWith('/v1/client/') && !path.endsWith('/error')) return 'client';
  return undefined;
}

/**
 * The fault switches that replace a whole answer, whatever the step. Returns true when the
 * request was answered (or dropped) here.
 */
export function answerWithFault(
  side: ApiSide,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EmulatorContext,
): boolean {
  const limited = ctx.faults.take('rate-limited');
  if (limited) throw tooManyRequests(limited.retryAfter);
  if (side === 'server') {
    if (ctx.faults.take('prove-down')) throw proveHttpError(500, INTERNAL_ERROR);
    return false;
  }
  if (ctx.faults.take('token-expired')) throw proveHttpError(401, unauthorized('invalid or expired authToken'));
  if (ctx.faults.take('server-error')) throw proveHttpError(500, INTERNAL_ERROR);
  if (ctx.faults.take('empty-answer')) {
    sendText(res, 200, '');
    return true;
  }
  if (ctx.faults.take('unreadable-answer')) {
    sendText(res, 200, '<html><body>Service temporarily unavailable</body></html>', { 'Content-Type': 'text/html' });
    return true;
  }
  if (ctx.faults.take('network-drop')) {
    // A few bytes first: a browser silently retries a request whose reused connection closed
    // before any answer, and the fault would go unseen.
    req.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{');
    req.socket.destroy();
    return true;
  }
  return false;
}
