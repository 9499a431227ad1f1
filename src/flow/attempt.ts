import type { ChangeNumber } from '../backend.js';
import type { CodeAnswer, LinkAnswer, PossessionType, SdkRun } from '../sdk.js';
import type { Settings } from '../settings.js';
import { PendingAnswer } from './pending-answer.js';

/**
 * One try at verification, from Verify to a verdict, an error that sends the person back to the
 * form, or the element leaving the page. It holds all the try owns and is dropped whole when it
 * ends, so nothing outlives it; a callback holding an old attempt finds it is no longer current.
 */
export interface FlowAttempt {
  /** The element's settings when the attempt began; attribute changes wait for the next one. */
  settings: Settings;
  /** Aborts the attempt's fetches and waits. */
  abort: AbortController;
  possession?: PossessionType;
  /** The number Prove checks now, in E.164: the one sent to the backend, or the SDK's change. */
  phoneNumber?: string;
  /** The number the flow was started with, in E.164. */
  startedWith?: string;
  /** How the start answer lets the number change (see `ChangeNumber`). */
  changeNumber?: ChangeNumber;
  /** The backend's name for this flow, if it gave one; sent back with the status call. */
  flowId?: string;
  sdk?: SdkRun;
  /** The SDK steps that wait for the person. */
  phone: PendingAnswer<string | null>;
  code: PendingAnswer<CodeAnswer>;
  link: PendingAnswer<LinkAnswer>;
  finish: PendingAnswer<void>;
  /** A number the person gave before the SDK asked for it. */
  queuedPhone?: string;
  /**
   * Stops listening for an Instant Link finished in another tab of this browser, and for the
   * connection going and coming back.
   */
  stopListening?: () => void;
  /**
   * Prove's SDK no longer waits for the link: its status socket closed, or one of its requests
   * failed with the connection. Only the backend can say whether the phone opened the link.
   */
  linkWaitOver?: boolean;
  /** Asks the backend for the result when the connection was lost and may be back (desktop). */
  checkConnection?: () => void;
}

export function createAttempt(settings: Settings): FlowAttempt {
  return {
    settings: { ...settings, backend: { ...settings.backend } },
    abort: new AbortController(),
    phone: new PendingAnswer(),
    code: new PendingAnswer(),
    link: new PendingAnswer(),
    finish: new PendingAnswer(),
  };
}

/** Resolves after `ms`, or never once the attempt is aborted (its timer is then cleared). */
export function pause(attempt: FlowAttempt, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    attempt.abort.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  });
}
