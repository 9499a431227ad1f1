/**
 * Who a request comes from, as the budgets count it. By default the socket's remote address:
 * `X-Forwarded-For` is whatever the client wrote, so trusting it would let anyone pick their own
 * budget key. Behind proxies you run (`trustProxy: <hops>`), each proxy appends the address it
 * saw; the one `hops` entries from the right was written by the outermost trusted proxy.
 *
 * An IPv6 client usually holds a whole /64 (2^64 addresses), so IPv6 addresses count by their /64.
 */
/**
 * The budget key of a request's client. `peerAddress` is the address the connection came from, as
 * the runtime reports it (Node's `socket.remoteAddress`, Deno's `info.remoteAddr.hostname`, Bun's
 * `server.requestIP(req).address`); undefined where the runtime cannot tell (then `X-Forwarded-For`
 * from trusted proxies is all there is).
 */
export function clientAddress(headers: Headers, peerAddress: string | undefined, trustProxyHops = 0): string {
  const peer = peerAddress ?? 'unknown';
  if (trustProxyHops <= 0) return addressKey(peer);
  const forwarded = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  // The peer is the innermost proxy; counting it, `hops` proxies wrote the last entries. A runtime
  // that does not know the peer (behind its own platform proxy) counts the header alone.
  const chain = peerAddress === undefined ? forwarded : [...forwarded, peer];
  const index = chain.length - 1 - (peerAddress === undefined ? trustProxyHops - 1 : trustProxyHops);
  // Fewer entries than proxies: the request did not come through all of them; take the farthest.
  return addressKey(chain[Math.max(0, index)] ?? peer);
}

/** An address as a budget key: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function addressKey(address: string): string {
  const text = address
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped) return mapped[1]!;
  const kind = ipVersion(text);
  if (kind === 4) return text;
  if (kind === 6) return `${expandIpv6(text).slice(0, 4).join(':')}::/64`;
  // Not an address (a proxy wrote something odd): still a key, but a bounded one.
  return `?${text.slice(0, 64)}`;
}

/**
 * 4 or 6 for an IP address, 0 for anything else. The URL parser checks IPv6 (no node:net, so edge
 * runtimes run this too).
 */
function ipVersion(text: string): 0 | 4 | 6 {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) return v4.slice(1).every((part) => Number(part) <= 255 && !/^0\d/.test(part)) ? 4 : 0;
  if (!text.includes(':') || !/^[0-9a-f:.]+$/i.test(text)) return 0;
  return URL.canParse(`http://[${text}]/`) ? 6 : 0;
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
