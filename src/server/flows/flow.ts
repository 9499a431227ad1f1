/**
 * The seam between the handlers and Prove: "a Prove flow" starts (an authToken for the browser's
 * SDK, or Prove's refusal at once) and is then asked for its status until it has a verdict. One
 * implementation per Prove contract (unify.ts, verify-status.ts), so the handlers, the store and the
 * budgets are the same whichever contract the integrator's Prove project speaks.
 */

/** Prove's contracts: `unify` is Prove's current API, `verify-status` the July 2025 guide's. */
export const PROVE_FLOWS = ['unify', 'verify-status'] as const;
export type ProveFlowName = (typeof PROVE_FLOWS)[number];

/** Prove's result of one step, as the backend contract spells it. */
type StepResult = 'pending' | 'success' | 'failed' | 'not_applicable';

/** What a flow starts with: the person as the page sent them (E.164 number) and our settings. */
export interface FlowStart {
  firstName: string;
  lastName: string;
  phoneNumber: string;
  possessionType: 'mobile' | 'desktop';
  finalTargetUrl?: string;
  allowOTPRetry: boolean;
  clientRequestId: string;
  clientCustomerId?: string;
}

export type StartOutcome =
  | { started: true; authToken: string; correlationId: string }
  /** Prove refused the person at once: nothing for the SDK to do, no flow to keep. */
  | { started: false; possessionResult: StepResult; verifyResult: StepResult };

/** What the store gives back of a started flow (the personal fields unsealed). */
export interface FlowRecord {
  correlationId: string;
  clientRequestId: string;
  contract: ProveFlowName;
  /** E.164, as started. */
  phoneNumber: string;
  firstName: string;
  lastName: string;
  clientCustomerId?: string;
}

/** The final answer of a flow, as the page gets it (onVerified's keys added to it). */
export interface Verdict {
  success: boolean;
  possessionResult: StepResult;
  verifyResult: StepResult;
  /** E.164: the number Prove proved (unify), the started one (verify-status). */
  phoneNumber: string;
  identityId?: string;
  proveId?: string;
  assuranceLevel?: string;
  reasons?: string[];
}

export type StatusOutcome = { pending: true } | { pending: false; verdict: Verdict };

/**
 * Asked before each call a flow makes to Prove (the budget on every machine's calls, budgets.ts):
 * it throws when the call must not be made, and the flow makes none.
 */
/** A start (a person waiting to get a code) or a status call (the page asks again if refused). */
export type ProveCallKind = 'start' | 'status';

export type ProveCallGate = (call?: ProveCallKind) => Promise<void>;

/** No budget on Prove's calls. */
export const OPEN_GATE: ProveCallGate = async () => {};

export interface ProveFlow {
  readonly name: ProveFlowName;
  /**
   * How the page may let a person change number: `in-flow` through the SDK's own step (the verdict
   * names the number Prove proved), `restart` by a new start with the new number.
   */
  readonly changeNumber: 'in-flow' | 'restart';
  start(input: FlowStart): Promise<StartOutcome>;
  status(flow: FlowRecord): Promise<StatusOutcome>;
}
