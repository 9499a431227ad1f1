/**
 * Which of the contract's endpoints a request is for, by its path's last segment: the handlers do
 * not know where they are mounted (`/api/verify`, `/prove/verify`, a Next route's own path), and a
 * framework that sends every method and path of a mount to `handle` needs no route table of its own.
 */
export const ROUTE_NAMES = ['verify', 'verify-status', 'webhook'] as const;

export type RouteName = (typeof ROUTE_NAMES)[number];

/** The endpoint `url` is for (a trailing slash allowed), or undefined. */
export function routeOf(url: string): RouteName | undefined {
  const path = URL.canParse(url) ? new URL(url).pathname.replace(/\/+$/, '') : '';
  const last = path.slice(path.lastIndexOf('/') + 1);
  return ROUTE_NAMES.find((name) => name === last);
}
