import type { PossessionType, VerificationResult } from '../backend.js';

/** What the person typed; it travels with every state so nothing is ever lost. */
export interface FormValues {
  firstName: string;
  lastName: string;
  phone: string;
}

export type FieldName = keyof FormValues;
export type FieldErrors = Partial<Record<FieldName, MessageKey>>;

export type { PossessionType };

/** Keys of the string table; states carry keys, the element turns them into words. */
export type MessageKey =
  | 'required'
  | 'tooLong'
  | 'phoneInvalid'
  | 'phoneTooShort'
  | 'phoneTooLong'
  | 'codeRequired'
  | 'codeWrong'
  | 'codeSent'
  | 'linkSent'
  | 'phoneRejected';

export type ErrorCode =
  | 'network'
  | 'timeout'
  | 'http'
  | 'malformed'
  | 'sdk'
  | 'config';

/** Where "Try again" goes back to: the start of the flow, or the status call. */
export type RetryTarget = 'start' | 'status';

interface Base {
  values: FormValues;
}

export type FlowState =
  | (Base & { name: 'form'; errors: FieldErrors })
  | (Base & { name: 'starting' })
  | (Base & { name: 'otp-sending'; possession: 'mobile'; resent?: boolean })
  // `prompt` counts the SDK's requests for a code: each new one gets a fresh, empty input.
  | (Base & { name: 'otp-entry'; possession: 'mobile'; prompt: number; message?: MessageKey; error?: MessageKey })
  | (Base & { name: 'otp-checking'; possession: 'mobile'; prompt: number })
  | (Base & { name: 'phone-change'; possession: PossessionType; error?: MessageKey })
  | (Base & { name: 'link-sending'; possession: 'desktop'; resent?: boolean })
  | (Base & { name: 'link-waiting'; possession: 'desktop'; canResend: boolean; message?: MessageKey })
  | (Base & { name: 'verifying' })
  | (Base & { name: 'success'; result: VerificationResult })
  | (Base & { name: 'failure'; result: VerificationResult })
  | (Base & { name: 'error'; code: ErrorCode; status?: number; retry: RetryTarget })
  | (Base & { name: 'expired' });

export type StepName = FlowState['name'];

/** States in which a flow is running and a new submit must do nothing. */
export const BUSY_STATES: ReadonlySet<StepName> = new Set<StepName>([
  'starting',
  'otp-sending',
  'otp-entry',
  'otp-checking',
  'phone-change',
  'link-sending',
  'link-waiting',
  'verifying',
]);

export const emptyValues = (): FormValues => ({ firstName: '', lastName: '', phone: '' });

export const initialState = (values: FormValues = emptyValues()): FlowState => ({
  name: 'form',
  values,
  errors: {},
});
