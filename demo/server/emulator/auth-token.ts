import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-signed, JWT-shaped tokens. The signature is checked on every call; each purpose has its
 * own key, so an OAuth access token never passes as a flow's authToken or the reverse.
 *
 * The payload segment is standard base64 (unpadded), not base64url: the SDK reads the claims
 * with a bare `atob`, which throws on `-` and `_`. Node's decoder accepts either alphabet.
 */
export type TokenPurpose = 'auth' | 'access';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** `atob` yields Latin-1 code units, so anything outside ASCII must travel as a JSON escape. */
const asciiJson = (value: unknown) =>
  JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export class TokenSigner {
  private readonly keys: Record<TokenPurpose, Buffer>;

  constructor(secret: Buffer = randomBytes(32)) {
    this.keys = {
      auth: createHmac('sha256', secret).update('authToken').digest(),
      access: createHmac('sha256', secret).update('accessToken').digest(),
    };
  }

  sign(purpose: TokenPurpose, claims: object): string {
    const payload = Buffer.from(asciiJson(claims), 'utf8').toString('base64').replace(/=+$/, '');
    const signingInput = `${HEADER}.${payload}`;
    return `${signingInput}.${this.mac(purpose, signingInput).toString('base64url')}`;
  }

  /** The claims when the signature holds; expiry is the caller's business (it owns the clock). */
  verify(purpose: TokenPurpose, token: string): Record<string, unknown> | undefined {
    if (token.length > 8192) return undefined;
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    if (!/^[A-Za-z0-9+/]+=*$/.test(payload) || !/^[A-Za-z0-9_-]+$/.test(signature)) return undefined;
    // Compared as text, not decoded: base64 decoders ignore the last character's spare bits, so
    // several spellings decode to the same MAC, and a token changed in them would still pass.
    const expected = Buffer.from(this.mac(purpose, `${header}.${payload}`).toString('base64url'));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const claims: unknown = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
      return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(purpose: TokenPurpose, input: string): Buffer {
    return createHmac('sha256', this.keys[purpose]).update(input).digest();
  }
}

/** The SDK steps (internal/*-step.js NAME) this emulator drives, and `done`. */
export type FlowStep = 'device/passive' | 'mobile/instant' | 'mobile/otp' | 'mobile/instantlink' | 'done';

/** What the SDK reads (internal/auth-token-claims.d.ts and internal/auth-session.js). */
interface AuthTokenClaims {
  iss: string;
  sub: string;
  rid: string;
  iat: number;
  exp: number;
  auth: {
    id: string;
    endp: string;
    next: FlowStep;
    ans: string;
    chlg: string;
    subs: {
      // pasv without uvlvl: the SDK reads UserVerificationLevel "none", so device/passive goes
      // to device/passive/silent (an ECDSA key in IndexedDB), never to a passkey prompt.
      dev?: { auths: { pasv: { cdt: boolean } } };
      mob?: { auths: { inst?: object; otp?: { mnp: boolean }; inln?: { mnp: boolean } } };
    };
  };
}

/**
 * Namespace the SDK keys its device registration (IndexedDB) by. One per emulator origin: the
 * SDK sends every later request of a namespace to the origin stored with its registration
 * (auth-session.js getDeviceRegistration), so a shared one would send a browser that met an
 * emulator on another port back there.
 */
const sandboxNamespace = (publicOrigin: string) => `prove-sandbox-emulator ${publicOrigin}`;

interface TokenFlow {
  id: string;
  next: FlowStep;
  afterKey: FlowStep;
  challenge: string;
  expiresAt: number;
  createdAt: number;
}

function subjects(flow: TokenFlow): AuthTokenClaims['auth']['subs'] {
  const subs: AuthTokenClaims['auth']['subs'] = {};
  if (flow.next === 'device/passive') subs.dev = { auths: { pasv: { cdt: false } } };
  // mnp: the backend already gave the number, so the SDK calls the start steps with
  // phoneNumberNeeded = false and the widget does not ask for it again.
  if (flow.afterKey === 'mobile/instant') subs.mob = { auths: { inst: {}, otp: { mnp: true } } };
  else if (flow.afterKey === 'mobile/otp') subs.mob = { auths: { otp: { mnp: true } } };
  else if (flow.afterKey === 'mobile/instantlink') subs.mob = { auths: { inln: { mnp: true } } };
  return subs;
}

export function mintAuthToken(signer: TokenSigner, flow: TokenFlow, publicOrigin: string): string {
  const claims: AuthTokenClaims = {
    iss: publicOrigin,
    sub: randomUUID(),
    rid: randomUUID(),
    iat: Math.floor(flow.createdAt / 1000),
    exp: Math.floor(flow.expiresAt / 1000),
    auth: {
      id: flow.id,
      endp: publicOrigin,
      next: flow.next,
      ans: sandboxNamespace(publicOrigin),
      chlg: flow.challenge,
      subs: subjects(flow),
    },
  };
  return signer.sign('auth', claims);
}

/** The flow id of a well-signed, unexpired authToken. */
export function readAuthToken(signer: TokenSigner, token: string, nowMs: number): string | undefined {
  const claims = signer.verify('auth', token);
  if (!claims) return undefined;
  const auth = claims.auth as { id?: unknown } | undefined;
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) return undefined;
  return typeof auth?.id === 'string' ? auth.id : undefined;
}

export function mintAccessToken(
  signer: TokenSigner,
  clientId: string,
  issuer: string,
  nowMs: number,
  ttlS: number,
): string {
  const iat = Math.floor(nowMs / 1000);
  return signer.sign('access', { iss: issuer, sub: clientId, iat, exp: iat + ttlS, jti: randomUUID() });
}

/** The client id of a well-signed, unexpired access token. */
export function readAccessToken(signer: TokenSigner, token: string, nowMs: number): string | undefined {
  const claims = signer.verify('access', token);
  if (!claims || typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) return undefined;
  return typeof claims.sub === 'string' ? claims.sub : undefined;
}
