import type { IncomingMessage } from 'node:http';

/**
 * DNS rebinding: a page on attacker.example re-points its name at 127.0.0.1 and then reads the
 * emulator as its own origin, so no CORS rule applies. Its requests still carry
 * `Host: attacker.example[:port]`, which is why every request and socket handshake must name
 * a host this emulator serves.
 */

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** `host[:port]` as a browser sends it (lower case, no port when it is the scheme's default). */
function hostOf(name: string, where: string): string {
  let url: URL;
  try {
    url = new URL(`http://${name}`);
  } catch {
    throw new Error(`${where}: ${JSON.stringify(name)} is not a host name`);
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new Error(`${where}: ${JSON.stringify(name)} must be a bare host[:port]`);
  }
  return url.host;
}

/** Configured extra names as they will arrive in `Host`; throws on anything but host[:port]. */
export function normalizeHosts(names: readonly string[] = []): string[] {
  return names.map((name) => hostOf(name.trim(), 'allowedHosts'));
}

/** Every `Host` value the emulator answers to; `extra` comes from normalizeHosts. */
export function servedHosts(
  bindHost: string,
  port: number,
  publicOrigin: string,
  extra: readonly string[],
): Set<string> {
  const bare = bindHost.replace(/^\[|\]$/g, '');
  const bound = bare.includes(':') ? `[${bare}]` : bare;
  const hosts = new Set([...LOOPBACK_NAMES, bound].map((name) => hostOf(`${name}:${port}`, 'host')));
  hosts.add(new URL(publicOrigin).host);
  for (const name of extra) hosts.add(name);
  return hosts;
}

export function hostAllowed(req: IncomingMessage, served: ReadonlySet<string>): boolean {
  const host = req.headers.host;
  return typeof host === 'string' && served.has(host.toLowerCase());
}
