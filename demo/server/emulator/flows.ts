import { randomBytes, randomUUID } from 'node:crypto';
import { FLOW_TTL_MS, LINK_TTL_MS, MAX_REPORTED_ERRORS } from './config.js';
import type { FirstStep } from './auth-token.js';
import type { ProveError } from './errors.js';

export type PossessionType = 'mobile' | 'desktop' | 'none';
export type PossessionState = 'pending' | 'success' | 'failed' | 'not_applicable';

export interface Flow {
  id: string;
  correlationId: string;
  clientId: string;
  createdAt: number;
  expiresAt: number;
  firstName: string;
  lastName: string;
  /** E.164; the "change number" path replaces it, so it is always the phone being proven. */
  phone: string;
  possessionType: PossessionType;
  next: FirstStep;
  finalTargetUrl?: string;
  smsMessage?: string;
  clientCustomerId?: string;
  clientRequestId?: string;
  possession: PossessionState;
  /** Why possession failed, as the SDK was (or will be) told. */
  failure?: ProveError;
  sends: number;
  /** When the latest code went out; only that code's clock counts. */
  lastOtpSentAt?: number;
  wrongOtps: number;
  linkIds: string[];
  /** The SDK said it runs on a phone (isMobile): the link finishes in that same browser. */
  linkOnSameDevice: boolean;
  reportedErrors: { code?: string | number; message?: string }[];
}

export interface NewFlow {
  clientId: string;
  firstName: string;
  lastName: string;
  phone: string;
  possessionType: PossessionType;
  finalTargetUrl?: string;
  smsMessage?: string;
  clientCustomerId?: string;
  clientRequestId?: string;
}

export interface InstantLink {
  id: string;
  flowId: string;
  expiresAt: number;
}

export interface FlowStoreHooks {
  /** Called once per flow that leaves the store (expired, evicted or cleared). */
  onDrop(flow: Flow, reason: 'expired' | 'evicted'): void;
  /** Called once when possession turns success or failed. */
  onSettled(flow: Flow): void;
}

const firstStepFor = (type: PossessionType): FirstStep =>
  type === 'mobile' ? 'mobile/otp' : type === 'desktop' ? 'mobile/instantlink' : 'done';

/**
 * Flows keyed by id, in creation order (a Map iterates in insertion order, which makes
 * "drop the oldest" cheap). An expired flow is invisible at once, whether or not the sweep
 * has removed it yet.
 */
export class FlowStore {
  private readonly flows = new Map<string, Flow>();
  private readonly byCorrelation = new Map<string, string>();
  private readonly links = new Map<string, InstantLink>();

  constructor(
    private readonly now: () => number,
    private readonly maxFlows: number,
    private readonly hooks: FlowStoreHooks,
  ) {}

  get size(): number {
    return this.flows.size;
  }

  get linkCount(): number {
    return this.links.size;
  }

  create(input: NewFlow): Flow {
    const createdAt = this.now();
    const flow: Flow = {
      ...input,
      id: randomUUID(),
      correlationId: randomUUID(),
      createdAt,
      expiresAt: createdAt + FLOW_TTL_MS,
      next: firstStepFor(input.possessionType),
      possession: input.possessionType === 'none' ? 'not_applicable' : 'pending',
      sends: 0,
      wrongOtps: 0,
      linkIds: [],
      linkOnSameDevice: false,
      reportedErrors: [],
    };
    this.flows.set(flow.id, flow);
    this.byCorrelation.set(flow.correlationId, flow.id);
    while (this.flows.size > this.maxFlows) {
      const oldest = this.flows.values().next().value as Flow;
      this.drop(oldest, 'evicted');
    }
    return flow;
  }

  get(id: string): Flow | undefined {
    return this.live(this.flows.get(id));
  }

  getByCorrelationId(correlationId: string): Flow | undefined {
    const id = this.byCorrelation.get(correlationId);
    return id === undefined ? undefined : this.get(id);
  }

  addLink(flow: Flow): InstantLink {
    const link: InstantLink = {
      id: randomBytes(18).toString('base64url'),
      flowId: flow.id,
      expiresAt: this.now() + LINK_TTL_MS,
    };
    this.links.set(link.id, link);
    flow.linkIds.push(link.id);
    return link;
  }

  /** Expired links stay until their flow goes, so opening one late says "expired", not "unknown". */
  getLink(id: string): { link: InstantLink; flow: Flow } | undefined {
    const link = this.links.get(id);
    if (!link) return undefined;
    const flow = this.get(link.flowId);
    return flow ? { link, flow } : undefined;
  }

  settle(flow: Flow, outcome: { success: true } | { success: false; error: ProveError }): void {
    if (flow.possession !== 'pending') return;
    if (outcome.success) {
      flow.possession = 'success';
    } else {
      flow.possession = 'failed';
      flow.failure = outcome.error;
    }
    this.hooks.onSettled(flow);
  }

  recordClientError(flow: Flow, report: { code?: string | number; message?: string }): void {
    if (flow.reportedErrors.length < MAX_REPORTED_ERRORS) flow.reportedErrors.push(report);
  }

  /** Drops every expired flow; returns how many went. */
  sweep(): number {
    const now = this.now();
    let dropped = 0;
    for (const flow of this.flows.values()) {
      if (flow.expiresAt <= now) {
        this.drop(flow, 'expired');
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    this.flows.clear();
    this.byCorrelation.clear();
    this.links.clear();
  }

  private live(flow: Flow | undefined): Flow | undefined {
    if (!flow) return undefined;
    if (flow.expiresAt <= this.now()) {
      this.drop(flow, 'expired');
      return undefined;
    }
    return flow;
  }

  private drop(flow: Flow, reason: 'expired' | 'evicted'): void {
    if (!this.flows.delete(flow.id)) return;
    this.byCorrelation.delete(flow.correlationId);
    for (const linkId of flow.linkIds) this.links.delete(linkId);
    this.hooks.onDrop(flow, reason);
  }
}
