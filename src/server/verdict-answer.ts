/**
 * The page's answer to a final verdict, with what `onVerified` added: the verdict's own fields
 * are written last, so a key of the hook's can never turn a failure into a success or name
 * another phone.
 */
import type { FlowRecord, Verdict } from './flows/flow.js';
import type { ProveVerifyOptions, VerifiedResult } from './options.js';

export async function verdictAnswer(
  onVerified: ProveVerifyOptions['onVerified'],
  verdict: Verdict,
  flow: FlowRecord,
  flowId: string,
  request: Request,
): Promise<Record<string, unknown>> {
  const result: VerifiedResult = {
    success: verdict.success,
    phoneNumber: verdict.phoneNumber,
    firstName: flow.firstName,
    lastName: flow.lastName,
    ...(verdict.proveId ? { proveId: verdict.proveId } : {}),
    ...(verdict.assuranceLevel ? { assuranceLevel: verdict.assuranceLevel } : {}),
    flowId,
  };
  const extra = await onVerified?.(result, request);
  const added = typeof extra === 'object' && extra !== null && !Array.isArray(extra) ? extra : {};
  return { ...added, ...verdict };
}
