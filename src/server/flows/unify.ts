/**
 * Prove's current contract: possession by Unified Authentication, then the person by Verify.
 *   start   POST /v3/unify {possessionType, phoneNumber, clientRequestId, finalTargetUrl?,
 *           allowOTPRetry, clientCustomerId?} → authToken, correlationId
 *   status  POST /v3/unify-status {correlationId, clientRequestId} → pending, false, true (with
 *           the number proved), or possession_required (possessionType none only: an integration
 *           error here); on true, POST /v3/verify {verificationType: "verifiedUser", the number
 *           PROVED, the flow's names, clientRequestId, clientCustomerId?}.
 * The person may change number inside the SDK; the identity check and the verdict follow the
 * number Prove proved, never the one the flow started with.
 */
import { HttpError } from '../http-error.js';
import { ProveResponseError, type ProveClient } from '../prove-client.js';
import {
  OPEN_GATE,
  type FlowRecord,
  type FlowStart,
  type ProveCallGate,
  type ProveFlow,
  type StartOutcome,
  type StatusOutcome,
} from './flow.js';
import { provedE164 } from './proved-phone.js';

const POSSESSION_REQUIRED_MESSAGE =
  'Prove answered possession_required, which follows only possessionType "none": prove-verify starts mobile and desktop flows, so the Prove project or a proxy in front of Prove is not speaking the Unify contract this backend expects (flow: "unify")';

export function unifyFlow(prove: ProveClient, gate: ProveCallGate = OPEN_GATE): ProveFlow {
  return {
    name: 'unify',
    changeNumber: 'in-flow',
    async start(input: FlowStart): Promise<StartOutcome> {
      await gate();
      const answer = await prove.v3Unify({
        possessionType: input.possessionType,
        phoneNumber: input.phoneNumber,
        clientRequestId: input.clientRequestId,
        ...(input.finalTargetUrl ? { finalTargetUrl: input.finalTargetUrl } : {}),
        allowOTPRetry: input.allowOTPRetry,
        ...(input.clientCustomerId ? { clientCustomerId: input.clientCustomerId } : {}),
      });
      return { started: true, authToken: answer.authToken, correlationId: answer.correlationId };
    },
    async status(flow: FlowRecord): Promise<StatusOutcome> {
      await gate('status');
      const status = await prove.v3UnifyStatus({
        correlationId: flow.correlationId,
        clientRequestId: flow.clientRequestId,
      });
      if (status.success === 'pending') return { pending: true };
      if (status.success === 'possession_required')
        throw new HttpError(500, 'prove_contract', POSSESSION_REQUIRED_MESSAGE);
      const proved = provedE164(status.phoneNumber);
      const proveId = status.proveId ? { proveId: status.proveId } : {};
      if (status.success === 'false') {
        return {
          pending: false,
          verdict: {
            success: false,
            possessionResult: 'failed',
            verifyResult: 'not_applicable',
            phoneNumber: proved ?? flow.phoneNumber,
            ...proveId,
          },
        };
      }
      // Possession holds for the number Prove names: without it, nothing binds the verdict to a phone.
      if (!proved) throw new ProveResponseError('/v3/unify-status', 'phoneNumber: not a phone number on a success');
      // A second call: over the budget, no verdict yet (unify-status answers true again next time).
      await gate('status');
      const check = await prove.v3VerifyUser({
        verificationType: 'verifiedUser',
        phoneNumber: proved,
        firstName: flow.firstName,
        lastName: flow.lastName,
        clientRequestId: flow.clientRequestId,
        ...(flow.clientCustomerId ? { clientCustomerId: flow.clientCustomerId } : {}),
      });
      // An identity of another number than the one sent is no identity of the person proved.
      const samePhone = check.phoneNumber === undefined || provedE164(check.phoneNumber) === proved;
      const success = check.success === 'true' && samePhone;
      const identity = check.identity;
      return {
        pending: false,
        verdict: {
          success,
          possessionResult: 'success',
          verifyResult: success ? 'success' : 'failed',
          phoneNumber: proved,
          ...(check.proveId ? { proveId: check.proveId } : proveId),
          ...(identity?.assuranceLevel ? { assuranceLevel: identity.assuranceLevel } : {}),
          ...(identity?.reasons ? { reasons: identity.reasons } : {}),
        },
      };
    },
  };
}
