/**
 * Where the text message's Instant Link finally takes the phone (`finalTargetUrl`). The backend
 * decides, not the page: the text comes from Prove and is trusted by the person reading it, and on
 * a phone that started the flow Prove adds `asc` and `authId` to that URL. Taken from the browser
 * as is, it would make every genuine text an open redirect that also leaks `authId`.
 *
 * So it is the backend's own landing page, unless the page asks for a URL the backend lists
 * (`finalTarget.allowedUrls`; the demo's `ALLOWED_FINAL_TARGET_URLS`): an exact URL, or a path
 * prefix ending in '/'. An origin alone is not enough: any page of a partner's site, including its
 * open redirects (`/out?next=https://evil.example`) and paths that some servers read as another
 * host (`https://partner.example//evil.example`), would be a landing page. Anything else is refused
 * with a 400 that says why, rather than silently replaced: an integrator who set
 * `final-target-url` learns at the first try that the backend must list it, instead of finding the
 * phone on another page than the one they configured; an attacker gains nothing from either answer.
 */
import { HttpError } from './http-error.js';
import { meetsProveTargetRule } from './validation.js';

export interface FinalTargetPolicy {
  /** The backend's landing page: what an Instant Link flow gets when none is asked for. */
  landingUrl: string;
  /** URLs a page may ask for as they are (parsed form): the landing page and the exact entries. */
  exact: ReadonlySet<string>;
  /** Parsed URLs ending in '/': a page may ask for any path under one, without query. */
  prefixes: readonly string[];
}

/**
 * Why `entry` cannot be an `allowedUrls` entry (undefined: it can). Entries meet the same rules
 * as a requested URL, so an entry that could never match is found at startup.
 */
export function allowedUrlProblem(entry: string): string | undefined {
  const url = URL.canParse(entry) ? new URL(entry) : undefined;
  if (
    !url ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    /[#\\]/.test(entry)
  ) {
    return `must be an http(s) URL such as https://partner.example/verify/done (a page) or https://partner.example/verify/ (a path prefix), got ${JSON.stringify(entry)}`;
  }
  // The written form too: the parser turns `%2e%2e` into `..` and resolves it away.
  if (!meetsProveTargetRule(entry) || !meetsProveTargetRule(url.href)) {
    return `${JSON.stringify(entry)} breaks Prove's finalTargetUrl rule (at most 128 characters of A-Za-z0-9-._+=/:?)`;
  }
  if (hasHiddenPath(url))
    return `${JSON.stringify(entry)} has '//' or percent-encoding in its path, which no requested URL may have`;
  if (entry.endsWith('/') && url.href.includes('?'))
    return `${JSON.stringify(entry)} is a path prefix (it ends in '/') and cannot have a query`;
  if (url.pathname === '/' && !entry.endsWith('/') && url.search === '') {
    return `${JSON.stringify(entry)} names a whole site: write ${JSON.stringify(url.href)} (every page of it, without query) or name the page`;
  }
  return undefined;
}

/** The policy for a landing page and the `allowedUrls` entries (checked by `allowedUrlProblem`). */
export function finalTargetPolicy(landingUrl: string, allowedUrls: readonly string[] = []): FinalTargetPolicy {
  const exact = new Set([new URL(landingUrl).href]);
  const prefixes: string[] = [];
  for (const entry of allowedUrls) {
    const href = new URL(entry).href;
    if (entry.endsWith('/')) prefixes.push(href);
    else exact.add(href);
  }
  return { landingUrl, exact, prefixes };
}

/**
 * The `finalTargetUrl` to send to Prove (undefined: none). `requested` has already passed the
 * schema (an http(s) URL without userinfo that meets Prove's rule).
 * @throws {HttpError} 400 when the requested URL is not one the backend allows.
 */
export function decideFinalTarget(
  requested: string | undefined,
  possessionType: 'mobile' | 'desktop',
  policy: FinalTargetPolicy,
): string | undefined {
  // The OTP flow sends no link: Prove needs no target unless the page asked for one.
  if (requested === undefined) return possessionType === 'desktop' ? policy.landingUrl : undefined;
  const url = new URL(requested);
  // Compared in the parsed form, so what was checked is what is sent (https:good.example ->
  // https://good.example/, `/a/../b` -> `/b`), and a host such as `good.example.evil.example` or
  // another port or scheme never starts with an entry's `https://good.example/`.
  const href = url.href;
  const allowed =
    policy.exact.has(href) ||
    (!href.includes('?') && !hasHiddenPath(url) && policy.prefixes.some((prefix) => href.startsWith(prefix)));
  if (!allowed) {
    throw new HttpError(
      400,
      'invalid_request',
      "finalTargetUrl must be this site's landing page or a URL the backend allows (finalTarget.allowedUrls)",
    );
  }
  if (!meetsProveTargetRule(href)) {
    throw new HttpError(
      400,
      'invalid_request',
      'finalTargetUrl may hold only letters, digits and - . _ + = / : ? (at most 128)',
    );
  }
  return href;
}

/**
 * A path that may not mean, to the server that gets it, what the parser read: an empty segment
 * (`//evil.example` is a host to some servers and to `new URL(path, base)`), or percent-encoding
 * (`%2e%2e`, `%2f`) that a server may decode after the prefix was checked. Dot segments need no
 * check: the parser has resolved them, and the resolved URL is what is compared and sent.
 */
function hasHiddenPath(url: URL): boolean {
  return url.pathname.includes('//') || url.pathname.includes('%');
}
