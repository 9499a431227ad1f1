import type { VerificationResult } from '../backend.js';
import type {
  ErrorCode,
  ExpiredReason,
  FieldErrors,
  FieldName,
  MessageKey,
  PossessionType,
  RetryTarget,
} from './state.js';

/** When a code or link sent now stops working, and when Resend may be pressed again. */
export interface SendTiming {
  expiresAt: number;
  resendAt: number;
}

/**
 * Everything that can happen to a flow: what the person did, what the SDK asked for, what the
 * backend answered, and the clock. `transition` turns one of these and the current state into the
 * next state. Actions that depend on the time carry it, so `transition` stays pure.
 */
export type FlowAction =
  | { type: 'edit'; field: FieldName; value: string }
  | { type: 'submit'; now: number }
  | { type: 'invalid'; errors: FieldErrors }
  /** The SDK's start step: it sends the code or link now, or needs a (new) number first. */
  | {
      type: 'number-requested';
      possession: PossessionType;
      phoneNumberNeeded: boolean;
      rejected: boolean;
      send: SendTiming;
    }
  /**
   * The SDK asks for a code; `problem` when Prove refused the last one; `lastTry`: the next wrong
   * one ends the flow.
   */
  | { type: 'otp-finish-requested'; problem?: 'wrong' | 'expired'; lastTry?: boolean }
  | { type: 'code-submitted'; code: string }
  | { type: 'code-invalid'; error: MessageKey }
  | { type: 'code-expired' }
  | { type: 'resend-code'; now: number; send: SendTiming }
  | { type: 'change-number' }
  /** Cancel on the number change the person asked for: back to the code screen or link wait. */
  | { type: 'back' }
  | { type: 'phone-submitted'; phone: string; send: SendTiming }
  | { type: 'phone-invalid'; error: MessageKey }
  | { type: 'link-retry-requested' }
  | { type: 'resend-link'; now: number; send: SendTiming }
  /** While a link is awaited: the connection dropped (`lost`), or the backend answered again. */
  | { type: 'connection'; lost: boolean }
  | { type: 'finishing' }
  /** `phoneNumber`: the number proved, E.164; `changed`: not the one the flow started with. */
  | { type: 'result'; result: VerificationResult; phoneNumber?: string; changed?: boolean }
  | { type: 'failed'; code: ErrorCode; status?: number; retry: RetryTarget; retryAt?: number; retryAfter?: number }
  | { type: 'expired'; reason: ExpiredReason }
  | { type: 'reset'; focus?: FieldName };
