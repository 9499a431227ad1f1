import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorReport, instantLinkStart, otpFinish, otpStart } from './client-api.js';
import type { EmulatorContext, RouteHandler } from './context.js';
import { answerPreflight, applyCors, corsArea, sandboxOriginAllowed } from './cors.js';
import { ErrorCode, HOST_NOT_SERVED, HttpError, proveHttpError, INTERNAL_ERROR, ORIGIN_NOT_ALLOWED } from './errors.js';
import { FAULT_NAMES } from './faults.js';
import { answerWithFault, apiSide, armFault, disarmFaults, listFaults } from './faults-api.js';
import { hostAllowed } from './host-check.js';
import { mobileAuthCarrier, mobileAuthFinish, mobileAuthStart } from './mobile-auth-api.js';
import { registerProveKey, verifyProveKey } from './prove-key-api.js';
import { sendJson } from './http.js';
import { forgetDevices, listMessages, openLink, stats } from './sandbox-api.js';
import { tokenGrant, verify, verifyStatus } from './server-api.js';
import { signingChallenge } from './signed-request.js';
import { unify, unifyBind, unifyStatus } from './unify-api.js';
import { testWebhook } from './webhook.js';

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: string | RegExp;
  /** Logged instead of the path, so ids and link secrets never reach the log. */
  label: string;
  handler: RouteHandler;
}

const routes: Route[] = [
  // Server API: server to server, so no CORS, as at Prove.
  { method: 'POST', path: '/token', label: '/token', handler: tokenGrant },
  { method: 'POST', path: '/v3/unify', label: '/v3/unify', handler: unify },
  { method: 'POST', path: '/v3/unify-status', label: '/v3/unify-status', handler: unifyStatus },
  { method: 'POST', path: '/v3/unify-bind', label: '/v3/unify-bind', handler: unifyBind },
  // Both contracts' /v3/verify: the body says which (verificationType or possessionType).
  { method: 'POST', path: '/v3/verify', label: '/v3/verify', handler: verify },
  { method: 'POST', path: '/v3/verify-status', label: '/v3/verify-status', handler: verifyStatus },
  // Client API: what the browser SDK calls.
  { method: 'POST', path: '/v1/client/mobile/otp/start', label: '/v1/client/mobile/otp/start', handler: otpStart },
  { method: 'POST', path: '/v1/client/mobile/otp/finish', label: '/v1/client/mobile/otp/finish', handler: otpFinish },
  {
    method: 'POST',
    path: '/v1/client/mobile/instantlink/start',
    label: '/v1/client/mobile/instantlink/start',
    handler: instantLinkStart,
  },
  {
    method: 'POST',
    path: '/v1/client/device/passive/register',
    label: '/v1/client/device/passive/register',
    handler: registerProveKey,
  },
  {
    method: 'POST',
    path: '/v1/client/device/passive/verify',
    label: '/v1/client/device/passive/verify',
    handler: verifyProveKey,
  },
  { method: 'POST', path: '/v1/client/challenge', label: '/v1/client/challenge', handler: signingChallenge },
  {
    method: 'POST',
    path: '/v1/client/mobile/instant/start',
    label: '/v1/client/mobile/instant/start',
    handler: mobileAuthStart,
  },
  {
    method: 'POST',
    path: '/v1/client/mobile/instant/finish',
    label: '/v1/client/mobile/instant/finish',
    handler: mobileAuthFinish,
  },
  {
    method: 'GET',
    path: /^\/v1\/client\/mobile\/instant\/auth\/(?<flowId>[0-9a-f-]{36})\/(?<vfp>[A-Za-z0-9_-]{1,64})$/,
    label: '/v1/client/mobile/instant/auth/:flowId/:vfp',
    handler: mobileAuthCarrier,
  },
  {
    method: 'POST',
    path: /^\/v1\/client\/[a-z0-9/_-]+\/error$/,
    label: '/v1/client/:step/error',
    handler: errorReport,
  },
  // Sandbox: the simulated phone and the demo's test buttons.
  { method: 'GET', path: '/sandbox/messages', label: '/sandbox/messages', handler: listMessages },
  { method: 'GET', path: /^\/sandbox\/link\/(?<id>[^/]+)$/, label: '/sandbox/link/:id', handler: openLink },
  { method: 'POST', path: '/sandbox/webhook', label: '/sandbox/webhook', handler: testWebhook },
  { method: 'GET', path: '/sandbox/stats', label: '/sandbox/stats', handler: stats },
  { method: 'DELETE', path: '/sandbox/devices', label: '/sandbox/devices', handler: forgetDevices },
  // Fault switches: browser tests force Prove's error answers (faults.ts).
  { method: 'POST', path: '/sandbox/faults', label: '/sandbox/faults', handler: armFault },
  { method: 'GET', path: '/sandbox/faults', label: '/sandbox/faults', handler: listFaults },
  { method: 'DELETE', path: '/sandbox/faults', label: '/sandbox/faults', handler: disarmFaults },
  {
    method: 'GET',
    path: '/',
    label: '/',
    handler: (_req, res) =>
      sendJson(res, 200, {
        name: 'Prove sandbox emulator',
        serverApi: [
          'POST /token',
          'POST /v3/unify',
          'POST /v3/unify-status',
          'POST /v3/unify-bind',
          'POST /v3/verify',
          'POST /v3/verify-status',
        ],
        sandbox: [
          'GET /sandbox/messages?phone=&limit=',
          'GET /sandbox/link/:id',
          'POST /sandbox/webhook',
          'GET /sandbox/stats',
          'DELETE /sandbox/devices',
          'POST /sandbox/faults {fault, times?, retryAfter?}',
          'GET /sandbox/faults',
          'DELETE /sandbox/faults',
        ],
        faults: FAULT_NAMES,
      }),
  },
];

function match(path: string): { route: Route; params: Record<string, string> }[] {
  const found: { route: Route; params: Record<string, string> }[] = [];
  for (const route of routes) {
    if (typeof route.path === 'string') {
      if (route.path === path) found.push({ route, params: {} });
    } else {
      const m = route.path.exec(path);
      if (m) found.push({ route, params: { ...m.groups } });
    }
  }
  return found;
}

/** An absolute-form target (`GET http://[ HTTP/1.1`) can be unparseable: that is the caller's 400. */
function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://emulator.invalid').pathname;
  } catch {
    throw proveHttpError(400, { code: ErrorCode.MALFORMED_REQUEST, message: 'the request target is not a valid path' });
  }
}

export function createRequestHandler(ctx: EmulatorContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    let label = 'unmatched';
    let failure = '';
    res.on('finish', () => {
      const ms = (performance.now() - started).toFixed(1);
      ctx.config.log?.(`${method} ${label} ${res.statusCode} ${ms}ms${failure}`);
    });
    try {
      if (!hostAllowed(req, ctx.config.allowedHosts)) {
        label = 'wrong host';
        throw proveHttpError(421, HOST_NOT_SERVED, { Connection: 'close' });
      }
      const path = pathOf(req);
      const area = corsArea(path);
      if (area === 'sandbox' && !sandboxOriginAllowed(req, ctx.config.sandboxOrigins)) {
        label = 'foreign origin';
        throw proveHttpError(403, ORIGIN_NOT_ALLOWED);
      }
      if (area && method === 'OPTIONS') {
        label = 'preflight';
        return answerPreflight(req, res, area);
      }
      if (area) applyCors(req, res, area);
      const candidates = match(path);
      if (candidates.length === 0) {
        throw proveHttpError(404, { code: ErrorCode.NOT_FOUND, message: 'no such endpoint' });
      }
      const hit = candidates.find((c) => c.route.method === method);
      if (!hit) {
        res.setHeader('Allow', [...new Set(candidates.map((c) => c.route.method))].join(', '));
        throw proveHttpError(405, { code: ErrorCode.METHOD_NOT_ALLOWED, message: 'method not allowed' });
      }
      label = hit.route.label;
      const side = apiSide(path);
      if (side && answerWithFault(side, req, res, ctx)) return;
      await hit.route.handler(req, res, ctx, hit.params);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, error.body, error.headers);
      } else {
        failure = ` (${error instanceof Error ? error.name : 'error'})`;
        sendJson(res, 500, INTERNAL_ERROR);
      }
    }
  };
}
