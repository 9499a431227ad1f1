/**
 * Who a request comes from, as the budgets count it. By default the socket's remote address:
 * `X-Forwarded-For` is whatever the client wrote, so trusting it would let anyone pick their own
 * budget key. Behind proxies you run (`TRUST_PROXY=<hops>`), each proxy appends the address it
 * saw; the one `hops` entries from the right was written by the outermost trusted proxy.
 *
 * An IPv6 client usually holds a whole /64 (2^64 addresses), so IPv6 addresses count by their /64.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { ConfigError, parseCount } from './config.js';

/** `TRUST_PROXY`: how many proxies of yours stand in front of the app (default 0: none). */
export function trustProxyFrom(env: Readonly<Record<string, string | undefined>>): number {
  const hops = parseCount(env.TRUST_PROXY, 0, 'TRUST_PROXY');
  if (hops > 10) throw new ConfigError(`TRUST_PROXY=${hops}: give the number of proxies in front of the app (0-10)`);
  return hops;
}

/** The budget key of the request's client. */
export function clientAddress(req: IncomingMessage, trustProxyHops = 0): string {
  const socketAddress = req.socket.remoteAddress ?? 'unknown';
  if (trustProxyHops <= 0) return addressKey(socketAddress);
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  // The socket's peer is the innermost proxy; counting it, `hops` proxies wrote the last entries.
  const chain = [...forwarded, socketAddress];
  const index = chain.length - 1 - trustProxyHops;
  // Fewer entries than proxies: the request did not come through all of them; take the farthest.
  return addressKey(chain[Math.max(0, index)]!);
}

/** An address as a budget key: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function addressKey(address: string): string {
  const text = address.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped) return mapped[1]!;
  const kind = isIP(text);
  if (kind === 4) return text;
  if (kind === 6) return `${expandIpv6(text).slice(0, 4).join(':')}::/64`;
  // Not an address (a proxy wrote something odd): still a key, but a bounded one.
  return `?${text.slice(0, 64)}`;
}

/** The eight 16-bit groups of an IPv6 address, lower-case without leading zeros. */
function expandIpv6(address: string): string[] {
  let text = address.toLowerCase();
  // A trailing dotted IPv4 part (e.g. 64:ff9b::192.0.2.1) is two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}
