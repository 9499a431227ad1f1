import type { VerificationResult } from '../backend.js';
import type { ErrorCode, FieldErrors, FieldName, MessageKey, PossessionType, RetryTarget } from './state.js';

/**
 * Everything that can happen to a flow: what the person did, what the SDK asked for, what the
 * backend answered. `transition` turns one of these and the current state into the next state.
 */
export type FlowEvent =
  | { type: 'edit'; field: FieldName; value: string }
  | { type: 'submit' }
  | { type: 'invalid'; errors: FieldErrors }
  /** The SDK's start step: it sends the code or link now, or needs a (new) number first. */
  | { type: 'number-requested'; possession: PossessionType; phoneNumberNeeded: boolean; rejected: boolean }
  | { type: 'otp-finish-requested'; wrongCode: boolean }
  | { type: 'code-submitted' }
  | { type: 'code-invalid'; error: MessageKey }
  | { type: 'resend-code' }
  | { type: 'change-number' }
  | { type: 'phone-submitted'; phone: string }
  | { type: 'phone-invalid'; error: MessageKey }
  | { type: 'link-retry-requested' }
  | { type: 'resend-link' }
  | { type: 'finishing' }
  | { type: 'result'; result: VerificationResult }
  | { type: 'failed'; code: ErrorCode; status?: number; retry: RetryTarget }
  | { type: 'expired' }
  | { type: 'reset' };

