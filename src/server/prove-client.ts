/**
 * A small typed client for Prove's server calls of both contracts prove-verify-server speaks,
 * plus the OAuth client-credentials token they use:
 *   Prove's current one   `POST /v3/unify`, `POST /v3/unify-status`, then `POST /v3/verify` with
 *                         `verificationType: "verifiedUser"` (v3Unify, v3UnifyStatus, v3VerifyUser);
 *   the July 2025 guide's `POST /v3/verify` with `possessionType`, then `POST /v3/verify-status`
 *                         (v3Verify, v3VerifyStatus).
 *
 * Why not `@prove-identity/prove-api` 0.9.6 (the only version the registry serves)?
 * Its generated schemas type `possessionResult`, `verifyResult` and `success` as objects
 * (`z.object({})`), so `v3VerifyRequest()` throws
 * `SDKValidationError: Expected object, received string` on Prove's documented answers, where
 * those fields are strings ("pending", "success", "true", ...). Until Prove ships a fixed SDK a
 * backend needs its own client for these calls; this is it.
 *
 * The same code talks to the local sandbox emulator and to Prove's real sandbox: only the base URL
 * and the credentials differ (see `config.ts`).
 */
import { z } from 'zod';
import { retryAfterSeconds } from '../retry-after.js';
import { oneLine } from './plain-text.js';

/**
 * Prove's possession and verify results (strings, never objects). Prove's docs spell the last one
 * both `not_applicable` and `not applicable`; both are read, and only `not_applicable` goes on.
 */
const ProveResultSchema = z
  .enum(['pending', 'success', 'failed', 'not_applicable', 'not applicable'])
  .transform((value) => (value === 'not applicable' ? 'not_applicable' : value));

/** Prove's combined `success` (a string too). */
const ProveSuccessSchema = z.enum(['true', 'false', 'pending']);

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().min(1),
  expires_in: z.number().positive(),
});

const blankAsAbsent = (value: unknown) => (value === '' || value === null ? undefined : value);

/** A flow Prove started: the browser SDK gets the authToken, the flow store keeps the correlationId. */
const V3VerifyStartedSchema = z.object({
  authToken: z.string().min(1),
  correlationId: z.string().min(1),
  possessionResult: ProveResultSchema,
  verifyResult: ProveResultSchema,
  success: ProveSuccessSchema,
});

/**
 * Prove refused the person at once (e.g. the name does not match the phone's owner): no authToken,
 * so there is nothing for the browser SDK to do and no flow to ask about later.
 */
const V3VerifyRefusedSchema = z.object({
  authToken: z.preprocess(blankAsAbsent, z.undefined()),
  correlationId: z.preprocess(blankAsAbsent, z.string().optional()),
  possessionResult: ProveResultSchema,
  verifyResult: ProveResultSchema,
  success: z.literal('false'),
});

const V3VerifyResponseSchema = z.union([V3VerifyStartedSchema, V3VerifyRefusedSchema]);
export type V3VerifyResponse = z.output<typeof V3VerifyResponseSchema>;

const V3VerifyStatusResponseSchema = z.object({
  success: ProveSuccessSchema,
  possessionResult: ProveResultSchema,
  verifyResult: ProveResultSchema,
  identityId: z
    .string()
    .nullish()
    .transform((v) => (v ? v : undefined)),
  // The July 2025 guide documents none; read in case Prove ever names the phone it proved.
  phoneNumber: z
    .string()
    .nullish()
    .transform((v) => (v ? v : undefined)),
});
export type V3VerifyStatusResponse = z.output<typeof V3VerifyStatusResponseSchema>;

const V3UnifyResponseSchema = z.object({
  authToken: z.string().min(1),
  correlationId: z.string().min(1),
  success: z.string().optional(),
});
export type V3UnifyResponse = z.output<typeof V3UnifyResponseSchema>;

const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v ? v : undefined));

/** `possession_required` follows `possessionType: "none"` only, which prove-verify never starts. */
const V3UnifyStatusResponseSchema = z.object({
  success: z.enum(['true', 'false', 'pending', 'possession_required']),
  correlationId: optionalText,
  /** The number Prove proved, which the person may have changed in the SDK; Prove may leave out the +1. */
  phoneNumber: optionalText,
  proveId: optionalText,
  deviceId: optionalText,
});
export type V3UnifyStatusResponse = z.output<typeof V3UnifyStatusResponseSchema>;

const V3VerifyUserResponseSchema = z.object({
  success: z.enum(['true', 'false']),
  correlationId: optionalText,
  phoneNumber: optionalText,
  proveId: optionalText,
  identity: z
    .object({
      firstName: optionalText,
      lastName: optionalText,
      assuranceLevel: optionalText,
      reasons: z.array(z.string()).nullish(),
    })
    .nullish(),
});
export type V3VerifyUserResponse = z.output<typeof V3VerifyUserResponseSchema>;

/** Prove's documented error body: `{code: 1001, message: "field '...' is missing"}`. */
const ProveErrorBodySchema = z.object({
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
});

export interface V3VerifyRequest {
  firstName: string;
  lastName: string;
  /** E.164 (`+12001004010`). */
  phoneNumber: string;
  possessionType: 'mobile' | 'desktop' | 'none';
  /** Required by Prove when `possessionType` is `desktop`: where the Instant Link lands. */
  finalTargetUrl?: string;
  smsMessage?: string;
  clientCustomerId?: string;
  clientRequestId?: string;
  allowOTPRetry?: boolean;
  emailAddress?: string;
}

export interface V3VerifyStatusRequest {
  correlationId: string;
  clientRequestId?: string;
}

export interface V3UnifyRequest {
  possessionType: 'mobile' | 'desktop';
  /** E.164. */
  phoneNumber: string;
  /** Required by Prove here. */
  clientRequestId: string;
  finalTargetUrl?: string;
  smsMessage?: string;
  allowOTPRetry?: boolean;
  clientCustomerId?: string;
}

export interface V3UnifyStatusRequest {
  correlationId: string;
  clientRequestId: string;
}

/** Prove's identity check of the person behind a proved phone. */
export interface V3VerifyUserRequest {
  verificationType: 'verifiedUser';
  /** E.164: the number Prove proved. */
  phoneNumber: string;
  firstName: string;
  lastName: string;
  clientRequestId: string;
  clientCustomerId?: string;
}

export interface ProveClientOptions {
  /** Origin (optionally with a path prefix) of Prove's API, e.g. `https://platform.uat.proveapis.com`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Per-request timeout in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Renew the token when less than this is left (default 5 minutes). */
  renewBeforeMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** `fetch`, injectable for tests. */
  fetch?: typeof fetch;
}

/** Anything that went wrong talking to Prove. */
export class ProveError extends Error {
  override name = 'ProveError';
}

/** Prove answered with a non-2xx status. Carries Prove's own `{code, message}` when it sent one. */
export class ProveHttpError extends ProveError {
  override name = 'ProveHttpError';
  constructor(
    readonly endpoint: string,
    readonly status: number,
    /** Prove's error code (e.g. 1001, 8002), when the body had one. */
    readonly code: number | string | undefined,
    /** Prove's error message, when the body had one. */
    readonly proveMessage: string | undefined,
  ) {
    super(`Prove ${endpoint} answered HTTP ${status}${code !== undefined ? ` (code ${code})` : ''}`);
  }
}

/**
 * Prove answered 429: too many requests. Retrying at once only prolongs it; callers wait
 * `retryAfterSeconds` (Prove's `Retry-After`, clamped) before asking again.
 */
export class ProveRateLimitError extends ProveHttpError {
  override name = 'ProveRateLimitError';
  constructor(
    endpoint: string,
    code: number | string | undefined,
    proveMessage: string | undefined,
    readonly retryAfterSeconds: number,
  ) {
    super(endpoint, 429, code, proveMessage);
  }
}

/**
 * The longest wait a Prove 429 is passed on with (the page's own 429 `Retry-After`), shorter than
 * the element's hour (src/backend.ts), which is sized for the backend's own budgets: this wait
 * falls inside a person's flow, which lives 15 minutes from its start, so no page is told to wait
 * longer than a minute for Prove.
 */
const PROVE_RETRY_AFTER_MAX_SECONDS = 60;

/** Prove did not answer in time. */
export class ProveTimeoutError extends ProveError {
  override name = 'ProveTimeoutError';
  constructor(
    readonly endpoint: string,
    readonly timeoutMs: number,
  ) {
    super(`Prove ${endpoint} did not answer within ${timeoutMs} ms`);
  }
}

/** Prove could not be reached (DNS, refused connection, reset, ...). */
export class ProveNetworkError extends ProveError {
  override name = 'ProveNetworkError';
  constructor(
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(`Prove ${endpoint} could not be reached`, options);
  }
}

/** Prove answered 2xx with something that is not the documented shape. */
export class ProveResponseError extends ProveError {
  override name = 'ProveResponseError';
  constructor(
    readonly endpoint: string,
    detail: string,
  ) {
    super(`Prove ${endpoint} gave an unexpected answer: ${detail}`);
  }
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RENEW_BEFORE_MS = 5 * 60_000;

export class ProveClient {
  readonly baseUrl: string;
  readonly #clientId: string;
  readonly #clientSecret: string;
  readonly #timeoutMs: number;
  readonly #renewBeforeMs: number;
  readonly #now: () => number;
  readonly #fetch: typeof fetch;
  #token: CachedToken | undefined;
  #pendingToken: Promise<CachedToken> | undefined;
  readonly #keys = new Map<string, Promise<CryptoKey>>();

  constructor(options: ProveClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#renewBeforeMs = options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
    this.#now = options.now ?? Date.now;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Starts a Verified Users flow. */
  v3Verify(request: V3VerifyRequest, signal?: AbortSignal): Promise<V3VerifyResponse> {
    return this.#call('/v3/verify', request, V3VerifyResponseSchema, signal);
  }

  /** Reads the outcome of the flow started by `v3Verify`. */
  v3VerifyStatus(request: V3VerifyStatusRequest, signal?: AbortSignal): Promise<V3VerifyStatusResponse> {
    return this.#call('/v3/verify-status', request, V3VerifyStatusResponseSchema, signal);
  }

  /** Starts Unified Authentication (possession only): Prove's current contract. */
  v3Unify(request: V3UnifyRequest, signal?: AbortSignal): Promise<V3UnifyResponse> {
    return this.#call('/v3/unify', request, V3UnifyResponseSchema, signal);
  }

  /** Reads the outcome of the possession step started by `v3Unify`, with the number proved. */
  v3UnifyStatus(request: V3UnifyStatusRequest, signal?: AbortSignal): Promise<V3UnifyStatusResponse> {
    return this.#call('/v3/unify-status', request, V3UnifyStatusResponseSchema, signal);
  }

  /** Checks the person behind a proved phone (`/v3/verify` with `verificationType`, no possession). */
  v3VerifyUser(request: V3VerifyUserRequest, signal?: AbortSignal): Promise<V3VerifyUserResponse> {
    return this.#call('/v3/verify', request, V3VerifyUserResponseSchema, signal);
  }

  /**
   * An AES-256-GCM key derived (HKDF-SHA-256) from the client secret for `purpose`: every machine
   * holding the same credentials derives the same key, and the secret itself never leaves here.
   * The key cannot be exported.
   */
  deriveKey(purpose: string): Promise<CryptoKey> {
    let key = this.#keys.get(purpose);
    if (!key) {
      key = deriveAesKey(this.#clientSecret, purpose);
      this.#keys.set(purpose, key);
    }
    return key;
  }

  /**
   * A valid access token: the cached one while more than `renewBeforeMs` of its life is left,
   * otherwise a new one. Concurrent callers share a single token request.
   */
  async accessToken(): Promise<string> {
    const cached = this.#token;
    if (cached && cached.expiresAt - this.#now() > this.#renewBeforeMs) return cached.accessToken;
    // Shared by every waiting caller, so it is not tied to any one caller's signal (only to the timeout).
    this.#pendingToken ??= this.#requestToken().finally(() => {
      this.#pendingToken = undefined;
    });
    return (await this.#pendingToken).accessToken;
  }

  /** Forgets the cached token (the next call requests a new one). */
  invalidateToken(): void {
    this.#token = undefined;
  }

  async #requestToken(): Promise<CachedToken> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.#clientId,
      client_secret: this.#clientSecret,
    });
    const requestedAt = this.#now();
    const json = await this.#send('/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: body.toString(),
    });
    const parsed = TokenResponseSchema.safeParse(json);
    if (!parsed.success) throw new ProveResponseError('/token', describeIssues(parsed.error));
    if (parsed.data.token_type.toLowerCase() !== 'bearer') {
      throw new ProveResponseError('/token', `token_type is not Bearer`);
    }
    // Count the lifetime from when we asked, so a slow answer never makes us hold a token too long.
    const token = { accessToken: parsed.data.access_token, expiresAt: requestedAt + parsed.data.expires_in * 1000 };
    this.#token = token;
    return token;
  }

  async #call<T>(endpoint: string, payload: unknown, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    let retried = false;
    for (;;) {
      const token = await this.accessToken();
      try {
        const json = await this.#send(
          endpoint,
          {
            method: 'POST',
            headers: {
              Authorization: `Bearer ${token}`,
              'Content-Type': 'application/json',
              Accept: 'application/json',
            },
            body: JSON.stringify(payload),
          },
          signal,
        );
        const parsed = schema.safeParse(json);
        if (!parsed.success) throw new ProveResponseError(endpoint, describeIssues(parsed.error));
        return parsed.data;
      } catch (error) {
        // A token Prove no longer accepts (revoked, clock skew): drop it and try once more.
        if (!retried && error instanceof ProveHttpError && error.status === 401) {
          retried = true;
          if (this.#token?.accessToken === token) this.#token = undefined;
          continue;
        }
        throw error;
      }
    }
  }

  /** One HTTP exchange with a timeout; answers the parsed JSON body of a 2xx or throws a ProveError. */
  async #send(endpoint: string, init: RequestInit, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(this.baseUrl + endpoint, { ...init, signal: combined, redirect: 'error' });
      text = await response.text();
    } catch (error) {
      if (timeout.aborted) throw new ProveTimeoutError(endpoint, this.#timeoutMs);
      if (signal?.aborted) throw signal.reason ?? error;
      throw new ProveNetworkError(endpoint, { cause: error });
    }
    let json: unknown;
    let isJson = false;
    try {
      json = JSON.parse(text);
      isJson = true;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const body = isJson ? ProveErrorBodySchema.safeParse(json) : undefined;
      const code = proveText(body?.success ? body.data.code : undefined);
      const message = proveText(body?.success ? body.data.message : undefined);
      if (response.status === 429) {
        throw new ProveRateLimitError(
          endpoint,
          code,
          message,
          retryAfterSeconds(response.headers.get('retry-after'), PROVE_RETRY_AFTER_MAX_SECONDS, this.#now()),
        );
      }
      throw new ProveHttpError(endpoint, response.status, code, message);
    }
    if (!isJson) throw new ProveResponseError(endpoint, 'the body is not JSON');
    return json;
  }
}

const KEY_SALT = new TextEncoder().encode('prove-verify-server key derivation v1');

async function deriveAesKey(secret: string, purpose: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: KEY_SALT, info: new TextEncoder().encode(purpose) },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** The most characters of Prove's error code or message an error carries. */
export const PROVE_TEXT_MAX = 100;

/**
 * Prove's error code or message as an error carries it: one printable line of at most
 * PROVE_TEXT_MAX characters, so that no log line or page it reaches gets newlines or 10 KB from
 * an answer (a proxy's error page, a fault) that only looked like Prove's.
 */
function proveText<T extends number | string | undefined>(value: T): T | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  return (oneLine(value, PROVE_TEXT_MAX) || undefined) as T | undefined;
}

/** Field paths and messages only: never the values (they may hold tokens). */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
