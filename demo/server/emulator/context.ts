import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenSigner } from './auth-token.js';
import type { EmulatorConfig } from './config.js';
import type { DeviceStore } from './devices.js';
import type { FaultBoard } from './faults.js';
import type { FlowStore } from './flows.js';
import type { Inbox } from './inbox.js';
import type { PossessionLedger } from './proofs.js';
import type { RateLimiter } from './rate-limit.js';
import type { StatusHub } from './status-socket.js';

/** Everything a route needs; one per running emulator, so two emulators never share state. */
export interface EmulatorContext {
  config: EmulatorConfig;
  signer: TokenSigner;
  flows: FlowStore;
  inbox: Inbox;
  /** Prove Keys registered by browsers, and the phones they are bound to. */
  devices: DeviceStore;
  /** Phones each client proved with Unify: what verifiedUser requires first. */
  proofs: PossessionLedger;
  status: StatusHub;
  faults: FaultBoard;
  rate: RateLimiter;
  /** The latest flow that passed Verified Users: the test webhook's default subject. */
  lastVerified?: { identityId: string; clientCustomerId?: string };
  /** In-flight webhook deliveries, aborted by close(). */
  pending: Set<AbortController>;
}

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EmulatorContext,
  params: Record<string, string>,
) => Promise<void> | void;
