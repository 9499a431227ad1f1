/**
 * Where the text message's Instant Link finally takes the phone (`finalTargetUrl`). The backend
 * decides, not the page: the text comes from Prove and is trusted by the person reading it, and on
 * a phone that started the flow Prove adds `asc` and `authId` to that URL. Taken from the browser
 * as is, it made every genuine text an open redirect that also leaked `authId`.
 *
 * So it is the backend's own landing page, unless the page asks for a URL on that page's origin or
 * on an origin the backend lists (`finalTarget.allowedOrigins`; the demo's `ALLOWED_FINAL_TARGET_ORIGINS`). Anything else is refused with a 400 that
 * says why, rather than silently replaced: an integrator who set `final-target-url` learns at the
 * first try that the backend must list that origin, instead of finding the phone on another page
 * than the one they configured; an attacker gains nothing from either answer.
 */
import { HttpError } from './http-error.js';
import { meetsProveTargetRule } from './validation.js';

export interface FinalTargetPolicy {
  /** The backend's landing page: what an Instant Link flow gets when none is asked for. */
  landingUrl: string;
  /** Origins a requested URL may be on: the landing page's and the ones the backend lists. */
  allowedOrigins: ReadonlySet<string>;
}

/**
 * The `finalTargetUrl` to send to Prove (undefined: none). `requested` has already passed the
 * schema (an http(s) URL without userinfo that meets Prove's rule).
 * @throws {HttpError} 400 when the requested URL's origin is not allowed.
 */
export function decideFinalTarget(requested: string | undefined, possessionType: 'mobile' | 'desktop', policy: FinalTargetPolicy): string | undefined {
  // The OTP flow sends no link: Prove needs no target unless the page asked for one.
  if (requested === undefined) return possessionType === 'desktop' ? policy.landingUrl : undefined;
  const url = new URL(requested);
  // The parsed origin, compared exactly: `https://good.example.evil.example/`, a port or a scheme
  // of its own, or (refused earlier too) `https://evil.example\@good.example/` are other origins.
  if (!policy.allowedOrigins.has(url.origin)) {
    throw new HttpError(400, 'invalid_request', 'finalTargetUrl must be a page of this site or of an origin the backend allows');
  }
  // What was checked is what is sent: the normalized form (https:good.example -> https://good.example/).
  if (!meetsProveTargetRule(url.href)) {
    throw new HttpError(400, 'invalid_request', 'finalTargetUrl may hold only letters, digits and - . _ + = / : ? (at most 128)');
  }
  return url.href;
}
