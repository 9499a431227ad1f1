/** The flow of the contract named by the `flow` setting. */
import type { ProveClient } from '../prove-client.js';
import { OPEN_GATE, type ProveCallGate, type ProveFlow, type ProveFlowName } from './flow.js';
import { unifyFlow } from './unify.js';
import { verifyStatusFlow } from './verify-status.js';

/** `gate` is asked before each call to Prove (every call counts: starts, status, the identity check). */
export function makeFlow(name: ProveFlowName, prove: ProveClient, gate: ProveCallGate = OPEN_GATE): ProveFlow {
  return name === 'verify-status' ? verifyStatusFlow(prove, gate) : unifyFlow(prove, gate);
}
