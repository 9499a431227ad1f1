/**
 * Who a request comes from, as the budgets count it. By default the connection's peer address:
 * `X-Forwarded-For` is whatever the client wrote, so trusting it would let anyone pick their own
 * budget key. Behind proxies of yours (`trustProxy: ['10.0.0.0/8']`), each proxy appends the
 * address it saw, and the header is read from the right for as long as the writer is one of them.
 * Where the platform itself says who the client is (`clientAddressHeader: 'x-real-ip'`), its
 * header is read.
 *
 * An IPv6 client usually holds a whole /64 (2^64 addresses), so IPv6 addresses count by their /64.
 * No node:net here: edge runtimes run this too, and the URL parser checks IPv6.
 */

/** How a request's client is found; both settings are the integrator's (options.ts checks them). */
export interface ClientAddressSettings {
  /** Addresses or CIDR ranges of the integrator's own proxies. */
  readonly trustProxy?: readonly string[];
  /** A header the platform sets to the client's address (`x-real-ip`, `cf-connecting-ip`). */
  readonly clientAddressHeader?: string;
}

/**
 * A function finding the client's address of a request: `peerAddress` is the address the connection
 * came from, as the runtime reports it (Node's `socket.remoteAddress`, Deno's
 * `info.remoteAddr.hostname`, Bun's `server.requestIP(req).address`), undefined where the runtime
 * cannot tell. It answers undefined when nothing says who the client is.
 */
export function clientAddressReader(
  settings: ClientAddressSettings = {},
): (headers: Headers, peerAddress: string | undefined) => string | undefined {
  const trusted = (settings.trustProxy ?? []).map((range) => {
    const parsed = parseRange(range);
    if (!parsed) throw new TypeError(`${range} is not an IP address or CIDR range`);
    return parsed;
  });
  const isTrusted = (address: string) => {
    const bytes = addressBytes(address);
    return bytes !== undefined && trusted.some((range) => inRange(bytes, range));
  };
  const header = settings.clientAddressHeader;
  return (headers, peerAddress) => {
    const fromPlatform = header === undefined ? undefined : headers.get(header)?.trim();
    if (fromPlatform) return fromPlatform;
    if (peerAddress === undefined) return undefined;
    // Only a proxy of ours can have written the header; a client talking to us directly wrote it itself.
    if (!isTrusted(peerAddress)) return peerAddress;
    const hops = (headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    // Right to left: each entry was written by the proxy to its right, trusted so far; the first
    // address that is not a proxy of ours is the client. All ours: the farthest one is.
    for (let i = hops.length - 1; i >= 0; i--) if (!isTrusted(hops[i]!)) return hops[i]!;
    return hops[0] ?? peerAddress;
  };
}

/** An address as a budget key: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function addressKey(address: string): string {
  return addressKeys(address).address;
}

/**
 * The budget keys of an address: `address` is IPv4 as is (also when IPv4-mapped) or IPv6 by its
 * /64; `network` is the IPv4 /24 or the IPv6 /48 around it, what one holder of many addresses
 * usually has. A key (`2001:db8:1:2::/64`) gives the same keys as its addresses.
 */
export function addressKeys(address: string): { address: string; network: string } {
  const text = address.trim();
  // A key already made (or a bounded odd one) stays what it is.
  const bytes = addressBytes(text.startsWith('?') ? text : text.replace(/\/\d{1,3}$/, ''));
  if (!bytes) {
    // Not an address (a proxy wrote something odd): still a key, but a bounded one.
    const odd = text.startsWith('?') ? text.slice(0, 65) : `?${text.slice(0, 64)}`;
    return { address: odd, network: odd };
  }
  if (isIpv4(bytes)) {
    const [a, b, c, d] = bytes.slice(12);
    return { address: `${a}.${b}.${c}.${d}`, network: `${a}.${b}.${c}.0/24` };
  }
  const groups = Array.from({ length: 4 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return { address: `${groups.join(':')}::/64`, network: `${groups.slice(0, 3).join(':')}::/48` };
}

/** Whether `text` is an IP address or a CIDR range (`10.0.0.0/8`, `fd00::/8`, `::1`). */
export function isAddressRange(text: string): boolean {
  return parseRange(text) !== undefined;
}

/** An address or range as 16 bytes (IPv4 as IPv4-mapped IPv6) and how many leading bits count. */
interface Range {
  bytes: Uint8Array;
  bits: number;
}

function parseRange(text: string): Range | undefined {
  const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  const bytes = match && addressBytes(match[1]!);
  if (!bytes) return undefined;
  // An IPv4 prefix counts in the last 32 bits of the mapped address.
  const offset = isIpv4(bytes) && !match[1]!.includes(':') ? 96 : 0;
  const bits = match[2] === undefined ? 128 : offset + Number(match[2]);
  return bits <= 128 && !/^0\d/.test(match[2] ?? '') ? { bytes, bits } : undefined;
}

function inRange(address: Uint8Array, range: Range): boolean {
  for (let bit = 0; bit < range.bits; bit += 8) {
    const mask = (0xff << (8 - Math.min(8, range.bits - bit))) & 0xff;
    if ((address[bit / 8]! & mask) !== (range.bytes[bit / 8]! & mask)) return false;
  }
  return true;
}

const isIpv4 = (bytes: Uint8Array) =>
  bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;

/** The 16 bytes of an IP address (IPv4 as `::ffff:a.b.c.d`), undefined for anything else. */
function addressBytes(address: string): Uint8Array | undefined {
  const text = address
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const bytes = new Uint8Array(16);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1);
    if (!parts.every((part) => Number(part) <= 255 && !/^0\d/.test(part))) return undefined;
    bytes.set([0xff, 0xff, ...parts.map(Number)], 10);
    return bytes;
  }
  if (!text.includes(':') || !/^[0-9a-f:.]+$/i.test(text) || !URL.canParse(`http://[${text}]/`)) return undefined;
  // The URL parser writes it back with hex groups only (a dotted tail becomes two groups).
  const [head, tail] = new URL(`http://[${text}]/`).hostname.slice(1, -1).split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  groups.forEach((group, i) => bytes.set([Number.parseInt(group, 16) >> 8, Number.parseInt(group, 16) & 0xff], 2 * i));
  return bytes;
}

/** The one line said when a request comes with nothing telling who its client is. */
export const NO_CLIENT_ADDRESS =
  'prove-verify: a request came with no client address, so every client counts as one address in the per-address budgets: ' +
  "pass handle(request, { clientAddress }) your runtime's peer address, or set clientAddressHeader to the header your platform sets (Vercel x-real-ip, Cloudflare cf-connecting-ip)";

/**
 * The budget key of each request's client (see `addressKey`), saying once through `warn` when a
 * request comes with no address: each would count as the same one, the whole site's.
 */
export function requestAddresses(
  settings: ClientAddressSettings,
  warn: (line: string) => void,
): (headers: Headers, peerAddress: string | undefined) => string {
  const read = clientAddressReader(settings);
  let warned = false;
  return (headers, peerAddress) => {
    const address = read(headers, peerAddress);
    if (address === undefined && !warned) {
      warned = true;
      warn(NO_CLIENT_ADDRESS);
    }
    return addressKey(address ?? 'unknown');
  };
}
