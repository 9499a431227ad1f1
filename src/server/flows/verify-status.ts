/**
 * The July 2025 guide's contract, exactly: POST /v3/verify {names, phoneNumber, possessionType,
 * finalTargetUrl?, allowOTPRetry, clientRequestId} starts possession and the identity check at
 * once, POST /v3/verify-status reads both. Prove names no phone in that answer, so the verdict
 * names the started one; the page changes number by starting again (`restart`), and an answer
 * that ever names another number than the started one is a failure.
 */
import type { ProveClient } from '../prove-client.js';
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

export function verifyStatusFlow(prove: ProveClient, gate: ProveCallGate = OPEN_GATE): ProveFlow {
  return {
    name: 'verify-status',
    changeNumber: 'restart',
    async start(input: FlowStart): Promise<StartOutcome> {
      await gate();
      const answer = await prove.v3Verify({
        firstName: input.firstName,
        lastName: input.lastName,
        phoneNumber: input.phoneNumber,
        possessionType: input.possessionType,
        ...(input.finalTargetUrl ? { finalTargetUrl: input.finalTargetUrl } : {}),
        allowOTPRetry: input.allowOTPRetry,
        clientRequestId: input.clientRequestId,
        ...(input.clientCustomerId ? { clientCustomerId: input.clientCustomerId } : {}),
      });
      if (answer.authToken === undefined)
        return { started: false, possessionResult: answer.possessionResult, verifyResult: answer.verifyResult };
      return { started: true, authToken: answer.authToken, correlationId: answer.correlationId };
    },
    async status(flow: FlowRecord): Promise<StatusOutcome> {
      await gate('status');
      const status = await prove.v3VerifyStatus({
        correlationId: flow.correlationId,
        clientRequestId: flow.clientRequestId,
      });
      if (status.success === 'pending') return { pending: true };
      const otherPhone = status.phoneNumber !== undefined && provedE164(status.phoneNumber) !== flow.phoneNumber;
      return {
        pending: false,
        verdict: {
          success: status.success === 'true' && !otherPhone,
          possessionResult: otherPhone ? 'failed' : status.possessionResult,
          verifyResult: status.verifyResult,
          phoneNumber: flow.phoneNumber,
          ...(status.identityId ? { identityId: status.identityId } : {}),
        },
      };
    },
  };
}
