import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { readAuthToken } from './auth-token.js';
import type { EmulatorContext } from './context.js';
import { proveHttpError, STEP_NOT_ALLOWED, invalidField, unauthorized, type ProveError } from './errors.js';
import type { Flow } from './flows.js';
import { bearerToken } from './http.js';

/** What every client-API step shares: the flow behind the authToken, and the answers the SDK acts on. */

export function flowForToken(ctx: EmulatorContext, token: string): Flow | undefined {
  const flowId = readAuthToken(ctx.signer, token, ctx.config.now());
  return flowId === undefined ? undefined : ctx.flows.get(flowId);
}

export function requireFlow(req: IncomingMessage, ctx: EmulatorContext): Flow {
  const token = bearerToken(req);
  if (!token) throw proveHttpError(401, unauthorized('missing authToken'));
  const flow = flowForToken(ctx, token);
  if (!flow) throw proveHttpError(401, unauthorized('invalid or expired authToken'));
  ctx.rate.take(`flow:${flow.id}`);
  return flow;
}

/** A step the flow is not at cannot run, and a settled flow takes no more steps. */
export function requirePendingStep(flow: Flow, step: Flow['next']): void {
  if (flow.next !== step || flow.possession !== 'pending') throw proveHttpError(403, STEP_NOT_ALLOWED);
}

/** `{error, next: "done"}`: possession failed; the SDK still runs the AuthFinishStep. */
export function failPossession(ctx: EmulatorContext, flow: Flow, error: ProveError) {
  ctx.flows.settle(flow, { success: false, error });
  return { error, next: 'done' };
}

/** `{data: {code, message}}`: the SDK asks the person again (phone or code). */
export const recoverable = (code: number, message: string) => ({ data: { code, message } });

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'body');
    throw proveHttpError(400, invalidField(field));
  }
  return parsed.data;
}

/**
 * The Prove Key step is over without proving possession: on to the flow's possession step, or,
 * for Unify's possessionType none, to the integrator's own check.
 */
export function pastProveKey(ctx: EmulatorContext, flow: Flow): Flow['next'] {
  if (flow.afterKey === 'done') {
    ctx.flows.requirePossession(flow);
    return 'done';
  }
  flow.next = flow.afterKey;
  return flow.next;
}
