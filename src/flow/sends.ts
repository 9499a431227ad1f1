import type { SendTiming } from './actions.js';
import type { Settings } from '../settings.js';
import type { PossessionType } from './state.js';

/**
 * The resend rule, in one place: how many codes or links Prove sends in a flow, when the next may
 * be asked for, and what the code and link screens offer from that. The flow (transition.ts, the
 * runner) and the screens (ui/) take it from here.
 */

/** Prove sends a code or link at most 3 times in one flow ("up to three OTPs"). */
const MAX_SENDS = 3;

/**
 * What a running flow has sent: how many codes or links (Prove allows `MAX_SENDS`), when the
 * newest one stops working, and when Resend may be pressed again (times in ms since the epoch).
 */
export interface Sends {
  count: number;
  expiresAt: number;
  resendAt: number;
}

/** One more send, from what was sent before (none when the flow starts). */
export const sent = (before: Sends | undefined, timing: SendTiming): Sends => ({
  count: (before?.count ?? 0) + 1,
  ...timing,
});

/** When a code (mobile) or link (desktop) sent now stops working, and when Resend may be pressed again. */
export function sendTiming(settings: Settings, possession: PossessionType | undefined): SendTiming {
  const now = Date.now();
  const lifetime = possession === 'desktop' ? settings.linkLifetime : settings.codeLifetime;
  return { expiresAt: now + lifetime * 1000, resendAt: now + settings.resendAfter * 1000 };
}

/** Resend needs a send left, and either its wait over or the code already expired. */
export const canResend = (sends: Sends, now: number, expired?: boolean): boolean =>
  sends.count < MAX_SENDS && (expired || now >= sends.resendAt);

/** What a code or link screen offers at `now`. */
export interface SendOffer {
  /** Sends left, which the screen names. */
  left: number;
  /** Resend: a send left, and its wait over. */
  resend: boolean;
  /** The line that says when Resend comes: a send left, and its wait running. */
  wait: boolean;
  /** "Change number" or "Use a different number": a new number takes a send. */
  changeNumber: boolean;
  /** No send left: "Start again" (which ends the flow) stands where Cancel was. */
  startAgain: boolean;
}

export function sendOffer(sends: Sends, now: number): SendOffer {
  const left = MAX_SENDS - sends.count;
  return {
    left,
    resend: canResend(sends, now),
    wait: left > 0 && now < sends.resendAt,
    changeNumber: left > 0,
    startAgain: left < 1,
  };
}
