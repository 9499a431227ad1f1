import { randomBytes, randomUUID } from 'node:crypto';
import { MAX_REPORTED_ERRORS } from './config.js';
import type { FlowStep } from './auth-token.js';
import { ErrorCode, type ProveError } from './errors.js';

type PossessionType = 'mobile' | 'desktop' | 'none';
/**
 * `required`: Unify with possessionType none, once the SDK has placed (or failed to use) the
 * Prove Key: possession is the integrator's own check, then /v3/unify-bind.
 */
type PossessionState = 'pending' | 'success' | 'failed' | 'not_applicable' | 'required';

/** Which of Prove's server contracts started the flow: /v3/unify, or /v3/verify with possessionType. */
type Contract = 'unify' | 'verify';

export interface Flow {
  id: string;
  correlationId: string;
  contract: Contract;
  clientId: string;
  createdAt: number;
  expiresAt: number;
  /** Unify takes no names; the July 2025 contract's /v3/verify does. */
  firstName: string;
  lastName: string;
  /** E.164; the "change number" path replaces it, so it is always the phone being proven. */
  phone: string;
  possessionType: PossessionType;
  /** The step the SDK may take now; it moves as the flow goes (Prove Key, Mobile Auth, OTP). */
  next: FlowStep;
  /** Where the flow goes once the Prove Key step is over without proving possession. */
  afterKey: FlowStep;
  /** The authToken's `auth.chlg`: what the SDK signs to register or use a Prove Key. */
  challenge: string;
  finalTargetUrl?: string;
  smsMessage?: string;
  clientCustomerId?: string;
  clientRequestId?: string;
  clientHumanId?: string;
  /** Unify's rebind: a Prove Key alone does not prove possession, and it moves to the proved phone. */
  rebind: boolean;
  possession: PossessionState;
  /** Why possession failed, as the SDK was (or will be) told. */
  failure?: ProveError;
  /** How possession was proved, for tests and the log. */
  provedBy?: 'otp' | 'instant-link' | 'mobile-auth' | 'prove-key' | 'short-term' | 'bind';
  sends: number;
  /** When the latest code went out; only that code's clock counts. */
  lastOtpSentAt?: number;
  /** The code this flow's texts carry: the sandbox's 1234. */
  otpCode: string;
  /** allowOTPRetry: up to OTP_ENTRIES codes in all; otherwise one. */
  allowOtpRetry: boolean;
  wrongOtps: number;
  /** A sandbox person whose /v3/verify fails at once: no authToken, nothing to prove. */
  verifyRefused: boolean;
  /** A sandbox person whose possession check always fails. */
  possessionRefused: boolean;
  /** The Prove Key this browser registered or used in this flow. */
  deviceId?: string;
  /** Mobile Auth's secret for this flow, handed out by mobile/instant/start. */
  vfp?: string;
  /** Challenges /v1/client/challenge gave out for signing requests: value → device and expiry. */
  signingChallenges: Map<string, { deviceId: string; expiresAt: number }>;
  linkIds: string[];
  /** The SDK said it runs on a phone (isMobile): the link finishes in that same browser. */
  linkOnSameDevice: boolean;
  reportedErrors: { code?: string | number; message?: string }[];
}

export interface NewFlow {
  contract: Contract;
  clientId: string;
  firstName: string;
  lastName: string;
  phone: string;
  possessionType: PossessionType;
  finalTargetUrl?: string;
  smsMessage?: string;
  clientCustomerId?: string;
  clientRequestId?: string;
  clientHumanId?: string;
  rebind?: boolean;
  otpCode: string;
  allowOtpRetry: boolean;
  verifyRefused?: boolean;
  possessionRefused?: boolean;
  /** The phone's person passes Mobile Auth: after the Prove Key comes mobile/instant, not the OTP. */
  mobileAuth?: boolean;
  /** Possession already settled at the start (a sandbox person who skips the SDK). */
  possession?: PossessionState;
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
  /** The flow's newest link expired while possession was pending; possession fails next. */
  onLinkExpired(flow: Flow): void;
}

export interface FlowLifetimes {
  flowTtlMs: number;
  linkTtlMs: number;
}

export const LINK_EXPIRED: ProveError = {
  code: ErrorCode.LINK_EXPIRED,
  message: 'The verification link has expired',
};

/** The possession step once any Prove Key step is over. */
function possessionStep(input: NewFlow): FlowStep {
  if (input.possessionType === 'desktop') return 'mobile/instantlink';
  if (input.possessionType === 'none') return 'done';
  return input.contract === 'unify' && input.mobileAuth ? 'mobile/instant' : 'mobile/otp';
}

/**
 * The authToken's first step. Unify on a phone (mobile or none) starts with the Prove Key
 * (reference/unify-web-sdk: "For desktop mode, Prove ignores the Prove Key and runs Instant
 * Link"); the July 2025 contract goes straight to its possession step.
 */
function firstStep(input: NewFlow, afterKey: FlowStep): FlowStep {
  if (input.possession && input.possession !== 'pending') return 'done';
  return input.contract === 'unify' && input.possessionType !== 'desktop' ? 'device/passive' : afterKey;
}

/**
 * Flows keyed by id, in creation order (a Map iterates in insertion order, which makes
 * "drop the oldest" cheap). An expired flow is invisible at once, whether or not the sweep
 * has removed it yet.
 */
export class FlowStore {
  private readonly flows = new Map<string, Flow>();
  private readonly byCorrelation = new Map<string, string>();
  private readonly links = new Map<string, InstantLink>();
  /** One per flow with a link out: fires when its newest link ends, so the waiting socket hears. */
  private readonly linkTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly now: () => number,
    private readonly maxFlows: number,
    private readonly hooks: FlowStoreHooks,
    private readonly lifetimes: FlowLifetimes,
  ) {}

  get size(): number {
    return this.flows.size;
  }

  get linkCount(): number {
    return this.links.size;
  }

  create(input: NewFlow): Flow {
    const createdAt = this.now();
    const { mobileAuth: _read, ...kept } = input;
    const afterKey = possessionStep(input);
    const flow: Flow = {
      ...kept,
      id: randomUUID(),
      correlationId: randomUUID(),
      createdAt,
      expiresAt: createdAt + this.lifetimes.flowTtlMs,
      next: firstStep(input, afterKey),
      afterKey,
      challenge: randomBytes(24).toString('base64url'),
      rebind: input.rebind ?? false,
      possession:
        input.possession ??
        (input.possessionType === 'none' && input.contract === 'verify' ? 'not_applicable' : 'pending'),
      verifyRefused: input.verifyRefused ?? false,
      possessionRefused: input.possessionRefused ?? false,
      signingChallenges: new Map(),
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
      expiresAt: this.now() + this.lifetimes.linkTtlMs,
    };
    this.links.set(link.id, link);
    flow.linkIds.push(link.id);
    this.clearLinkTimer(flow.id);
    const timer = setTimeout(() => {
      const live = this.get(flow.id);
      if (live) this.expireLink(live);
    }, this.lifetimes.linkTtlMs);
    timer.unref();
    this.linkTimers.set(flow.id, timer);
    return link;
  }

  /**
   * Ends possession when the flow's newest link is past its time (or at once with `now`, the
   * link-expired fault). Older links count for nothing: a resend restarts the clock.
   */
  expireLink(flow: Flow, now = false): boolean {
    if (flow.possession !== 'pending') return false;
    const newest = this.links.get(flow.linkIds[flow.linkIds.length - 1] ?? '');
    if (newest && now) newest.expiresAt = Math.min(newest.expiresAt, this.now());
    if (!now && (!newest || newest.expiresAt > this.now())) return false;
    this.hooks.onLinkExpired(flow);
    this.settle(flow, { success: false, error: LINK_EXPIRED });
    return true;
  }

  /** Expired links stay until their flow goes, so opening one late says "expired", not "unknown". */
  getLink(id: string): { link: InstantLink; flow: Flow } | undefined {
    const link = this.links.get(id);
    if (!link) return undefined;
    const flow = this.get(link.flowId);
    return flow ? { link, flow } : undefined;
  }

  settle(
    flow: Flow,
    outcome: { success: true; by: NonNullable<Flow['provedBy']> } | { success: false; error: ProveError },
  ): void {
    if (flow.possession !== 'pending' && flow.possession !== 'required') return;
    this.clearLinkTimer(flow.id);
    flow.next = 'done';
    if (outcome.success) {
      flow.possession = 'success';
      flow.provedBy = outcome.by;
    } else {
      flow.possession = 'failed';
      flow.failure = outcome.error;
    }
    this.hooks.onSettled(flow);
  }

  /** Unify's possessionType none: the Prove Key step is over and proved nothing; the integrator checks possession. */
  requirePossession(flow: Flow): void {
    if (flow.possession !== 'pending') return;
    flow.possession = 'required';
    flow.next = 'done';
  }

  recordClientError(flow: Flow, report: { code?: string | number; message?: string }): void {
    if (flow.reportedErrors.length < MAX_REPORTED_ERRORS) flow.reportedErrors.push(report);
  }

  /** Drops every expired flow and ends every expired newest link; returns how many flows went. */
  sweep(): number {
    const now = this.now();
    let dropped = 0;
    for (const flow of this.flows.values()) {
      if (flow.expiresAt <= now) {
        this.drop(flow, 'expired');
        dropped++;
      } else {
        this.expireLink(flow);
      }
    }
    return dropped;
  }

  clear(): void {
    for (const timer of this.linkTimers.values()) clearTimeout(timer);
    this.linkTimers.clear();
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
    this.clearLinkTimer(flow.id);
    this.byCorrelation.delete(flow.correlationId);
    for (const linkId of flow.linkIds) this.links.delete(linkId);
    this.hooks.onDrop(flow, reason);
  }

  private clearLinkTimer(flowId: string): void {
    clearTimeout(this.linkTimers.get(flowId));
    this.linkTimers.delete(flowId);
  }
}
