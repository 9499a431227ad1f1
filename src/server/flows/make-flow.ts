/** The flow of the contract named by the `flow` setting. */
import type { ProveClient } from '../prove-client.js';
import type { ProveFlow, ProveFlowName } from './flow.js';
import { unifyFlow } from './unify.js';
import { verifyStatusFlow } from './verify-status.js';

export function makeFlow(name: ProveFlowName, prove: ProveClient): ProveFlow {
  return name === 'verify-status' ? verifyStatusFlow(prove) : unifyFlow(prove);
}
