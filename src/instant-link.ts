/**
 * The Instant Link landing page's part, for a desktop (Instant Link) flow started on a phone:
 * Prove sends that phone to `finalTargetUrl` with `asc` and `authId` added, and the tab where the
 * flow started waits with no status socket of its own. `finishInstantLink()` on the landing page
 * finishes the flow with Prove's SDK and tells that tab, which then asks its backend for the result.
 *
 * The landing page itself never claims a result: only the backend's status call knows it.
 */
import { proveAuthSource } from './sdk-source.js';
import { finishInstantLinkRedirect } from './sdk.js';

/** Same-origin tabs hear each other on this channel. */
const CHANNEL = 'prove-verify:instant-link';

/**
 * - `finished`: the flow was started on this device; its tab was told to fetch the result.
 * - `not-started-here`: the link was opened on another device than the one that started it
 *   (the URL carries no `asc`/`authId`); that device shows the result.
 */
export type InstantLinkLanding = 'finished' | 'not-started-here';

export interface FinishInstantLinkOptions {
  /**
   * Where to load Prove's SDK file from, as the element's `sdk-src` (read against the page's URL):
   * a site that serves its own copy gives the landing page the same address.
   */
  sdkSrc?: string;
}

/** Call on the landing page; rejects when the URL says the session did not complete. */
export async function finishInstantLink(
  url: string = location.href,
  { sdkSrc }: FinishInstantLinkOptions = {},
): Promise<InstantLinkLanding> {
  const params = new URL(url).searchParams;
  if (!params.has('asc') || !params.has('authId')) return 'not-started-here';
  if (sdkSrc) proveAuthSource.url = sdkSrc;
  await finishInstantLinkRedirect(url, () => {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage('finished');
    channel.close();
  });
  return 'finished';
}

/** Calls `onFinished` when a landing page of this origin finished an Instant Link; returns the stop. */
export function onInstantLinkFinished(onFinished: () => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent) => {
    if (event.data === 'finished') onFinished();
  };
  return () => channel.close();
}
