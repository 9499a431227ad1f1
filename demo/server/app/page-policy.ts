/**
 * The headers every demo page carries, so a site copying the demo copies a page that runs only
 * its own files and cannot be framed.
 *
 * - `Content-Security-Policy`: scripts only from this origin, plus an inline import map by its
 *   hash (browsers load import maps only inline, and a hash allows exactly that text, never
 *   `unsafe-inline` for scripts). Styles: this origin's files only; the element's are adopted
 *   (constructed) stylesheets, which style-src does not govern. `connect-src` this
 *   origin and Prove's client
 *   API, over https and wss (the desktop flow waits on a WebSocket): the emulator's origin in
 *   emulator mode, `*.proveapis.com` with Prove. Prove's docs name
 *   `device.uat.prove-auth.proveapis.com` and `device.prove-auth.proveapis.com` for the US and no
 *   host for the EU, and the SDK's token (`auth.endp`) chooses; the wildcard stays inside Prove's
 *   own domain. With Prove, also the Mobile Auth hosts a Unify flow reaches on a phone (some over
 *   plain http and on port 4443, which a wildcard does not cover), or every phone falls back to a
 *   texted code; the emulator serves its Mobile Auth on its own origin.
 * - `frame-ancestors 'none'` and `X-Frame-Options: DENY` (for browsers without CSP 2): no site
 *   can frame the form and trick a person into starting a flow (clickjacking).
 * - `Referrer-Policy: no-referrer` (sent by http.ts on every answer): the landing page's URL holds
 *   Prove's `authId` and `asc`; no request from a page needs a Referer, and `Origin`, which the
 *   API checks, is sent whatever this policy says for fetch's POSTs.
 * - `X-Content-Type-Options: nosniff` (http.ts, every answer).
 */
import { createHash } from 'node:crypto';
import { PROVE_MOBILE_AUTH_HOSTS } from '../../../src/prove-hosts.js';
import type { DemoMode } from './config.js';

/** Prove's client API and Mobile Auth, for the demo pages' connect-src when the app talks to Prove. */
const PROVE_CONNECT_SOURCES = ['https://*.proveapis.com', 'wss://*.proveapis.com', ...PROVE_MOBILE_AUTH_HOSTS] as const;

/** What the demo pages may connect to besides their own origin. */
export function connectSourcesFor(mode: DemoMode, emulatorUrl: string | undefined): string[] {
  if (mode !== 'emulator') return [...PROVE_CONNECT_SOURCES];
  if (!emulatorUrl) return [];
  const origin = new URL(emulatorUrl).origin;
  return [origin, origin.replace(/^http/, 'ws')];
}

/**
 * The Instant Link landing page runs Prove's SDK from this origin only and calls nothing (the SDK
 * only reads the URL there), so its policy is stricter still.
 */
export const LANDING_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Where the demo pages' styles may come from: their own files (the element adopts its own). */
const STYLE_SOURCES = ["'self'"] as const;

/** The CSP of a demo page: `html` is the page, for its import maps' hashes. */
export function demoPageCsp(html: string, connectSources: readonly string[]): string {
  const hashes = importMapHashes(html).map((hash) => `'${hash}'`);
  return [
    "default-src 'none'",
    ["script-src 'self'", ...hashes].join(' '),
    ['style-src', ...STYLE_SOURCES].join(' '),
    "img-src 'self' data:",
    ["connect-src 'self'", ...connectSources].join(' '),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The headers of an HTML page, `csp` being its policy. */
export function pageHeaders(csp: string): Record<string, string> {
  return { 'Content-Security-Policy': csp, 'X-Frame-Options': 'DENY' };
}

/** `sha256-...` of each inline `<script type="importmap">`, over its exact text as CSP hashes it. */
function importMapHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b[^>]*\btype=["']?importmap["']?[^>]*>([\s\S]*?)<\/script>/gi)) {
    hashes.push(`sha256-${createHash('sha256').update(match[1]!, 'utf8').digest('base64')}`);
  }
  return hashes;
}
