/**
 * The client for the site's own backend, whose contract is docs/backend-contract.yaml: the
 * request and answer types here are checked against it (test/server/server-contract.test.ts).
 * It knows nothing of Prove or of the element; it turns every way a request can go wrong into
 * one typed BackendError so the flow can say something specific.
 */
import { retryAfterSeconds } from './retry-after.js';

export interface BackendConfig {
  /** Base URL of the site's backend, e.g. "/api". */
  baseUrl: string;
  verifyPath: string;
  statusPath: string;
  credentials: RequestCredentials;
  /** Milliseconds before a request is given up. */
  timeout: number;
}

/** Which possession check Prove runs: a code by text (mobile) or an Instant Link (desktop). */
export type PossessionType = 'mobile' | 'desktop';

export interface VerifyRequest {
  firstName: string;
  lastName: string;
  phoneNumber: string;
  possessionType: PossessionType;
  finalTargetUrl?: string;
}

/** The backend's answer to the status call; extra fields pass through to the events. */
export interface VerificationResult {
  success: boolean;
  possessionResult?: string;
  verifyResult?: string;
  /**
   * The number Prove proved, in E.164, when the backend names it (prove-verify-server always
   * does). Anything else the backend sends under this name is left out.
   */
  phoneNumber?: string;
  [extra: string]: unknown;
}

/**
 * How "Use a different number" may change the number of a running flow, as the start answer says:
 * - `in-flow`: through the SDK's own change-number step (the backend binds its verdict to the
 *   number Prove proved);
 * - `restart`: only through a new start with the new number, the old run cancelled. The default,
 *   for a backend that does not say: one whose verdict names no number could otherwise answer
 *   success for the number it started while Prove checked another.
 */
export type ChangeNumber = 'in-flow' | 'restart';

/** A started flow: the authToken for Prove's SDK, and what the backend said of it. */
export interface VerifyStarted {
  authToken: string;
  /** The backend's name for the flow, sent back with the status call. */
  flowId?: string;
  changeNumber: ChangeNumber;
}

/** `origin`: the backend is there but refused this page's origin (CORS; see `refusedOrigin`). */
export type BackendErrorCode =
  'network' | 'origin' | 'timeout' | 'http' | 'malformed' | 'rate-limited' | 'unavailable' | 'aborted';

export class BackendError extends Error {
  constructor(
    readonly code: BackendErrorCode,
    message: string,
    /** HTTP status for `http`, `rate-limited` and `unavailable` errors. */
    readonly status?: number,
    /** The backend's own `code`, when it sent `{code, message}`. */
    readonly serverCode?: string,
    /**
     * Seconds to wait before asking again: the answer's `Retry-After` (always for `rate-limited`,
     * when sent for `unavailable`).
     */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

export function joinUrl(base: string, path: string): string {
  if (!path) return base;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** An answer's status and JSON body (undefined for 204 or an empty 202). */
interface JsonAnswer {
  status: number;
  json: unknown;
}

/**
 * The longest wait the element shows and holds its button for. A site's backend asks for the wait
 * its own budgets need: prove-verify-server's count texts per phone and per address in windows of
 * an hour by default, so a person over one is told the real wait, up to that hour, rather than
 * asking again early and being refused again. Beyond an hour a wait is a backend's mistake (a date
 * far ahead), which must not hold the page for longer.
 */
const RETRY_AFTER_MAX_SECONDS = 3600;

/** The answer's `Retry-After` in seconds (src/retry-after.ts). */
function retryAfterOf(response: Response): number {
  return retryAfterSeconds(response.headers.get('Retry-After'), RETRY_AFTER_MAX_SECONDS);
}

async function postJson(config: BackendConfig, path: string, body: unknown, signal?: AbortSignal): Promise<JsonAnswer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, config.timeout);
  const forwardAbort = () => controller.abort();
  signal?.addEventListener('abort', forwardAbort, { once: true });
  try {
    if (signal?.aborted) throw new BackendError('aborted', 'The request was cancelled.');
    const url = joinUrl(config.baseUrl, path);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        credentials: config.credentials,
        signal: controller.signal,
      });
    } catch {
      if (!timedOut && !signal?.aborted && (await refusedOrigin(url, config.credentials, controller.signal))) {
        throw new BackendError('origin', "The backend refused this page's origin (CORS): see the console.");
      }
      throw networkOrAbort(timedOut, signal);
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      throw networkOrAbort(timedOut, signal);
    }
    const json = parseJson(text);
    if (!response.ok) {
      const serverCode =
        isRecord(json) && (typeof json.code === 'string' || typeof json.code === 'number')
          ? String(json.code)
          : undefined;
      const message = isRecord(json) && typeof json.message === 'string' ? json.message : `HTTP ${response.status}`;
      if (response.status === 429) {
        throw new BackendError('rate-limited', message, 429, serverCode, retryAfterOf(response));
      }
      // The backend cannot answer for a moment (its store is down, it is restarting): nothing is
      // wrong with the request, and the same call works once it is back.
      if (response.status === 503) {
        const retryAfter = response.headers.has('Retry-After') ? retryAfterOf(response) : undefined;
        throw new BackendError('unavailable', message, 503, serverCode, retryAfter);
      }
      throw new BackendError('http', message, response.status, serverCode);
    }
    // 202 (still pending) may come with no body at all.
    if (json === undefined && !(response.status === 202 && text.trim() === '')) {
      throw new BackendError('malformed', 'The backend did not answer with JSON.');
    }
    return { status: response.status, json };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forwardAbort);
  }
}

/** Backend origins already named in the console: each is named once a page. */
const namedOrigins = new Set<string>();

/**
 * Whether a request that failed as an unreachable server's does was the backend refusing this
 * page's origin (CORS): the browser reports both as the same TypeError. Only a backend on another
 * origin, with the browser online, can be refusing; a `no-cors` request to it (which CORS never
 * stops, and whose answer nobody reads) then tells the two apart: it gets through only if the
 * backend is there. The first refusal of a backend says in the console what it must answer.
 */
async function refusedOrigin(url: string, credentials: RequestCredentials, signal: AbortSignal): Promise<boolean> {
  const target = new URL(url, location.href);
  if (target.origin === location.origin || !navigator.onLine) return false;
  try {
    await fetch(target, { method: 'HEAD', mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal });
  } catch {
    return false;
  }
  if (!namedOrigins.has(target.origin)) {
    namedOrigins.add(target.origin);
    const page = location.origin;
    console.error(
      `<prove-verify>: the backend at ${target.origin} refused this page's origin (CORS). Have it answer, OPTIONS preflight included, with Access-Control-Allow-Origin: ${page} and Access-Control-Allow-Headers: Content-Type${credentials === 'include' ? ' and Access-Control-Allow-Credentials: true' : ''}, or serve it under this page's origin.`,
    );
  }
  return true;
}

function networkOrAbort(timedOut: boolean, signal?: AbortSignal): BackendError {
  if (signal?.aborted) return new BackendError('aborted', 'The request was cancelled.');
  if (timedOut) return new BackendError('timeout', 'The backend did not answer in time.');
  return new BackendError('network', 'The backend could not be reached.');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isResult(json: unknown): json is VerificationResult {
  return isRecord(json) && typeof json.success === 'boolean';
}

/** `+`, a digit other than 0, then at most 14 more: E.164's shape, whatever the country. */
const E164 = /^\+[1-9]\d{1,14}$/;

/** The result with its `phoneNumber` kept only when it is an E.164 string. */
function withProvedNumber(result: VerificationResult): VerificationResult {
  if (result.phoneNumber === undefined || (typeof result.phoneNumber === 'string' && E164.test(result.phoneNumber)))
    return result;
  const rest = { ...result };
  delete rest.phoneNumber;
  return rest;
}

/**
 * Asks the backend to start a Prove flow. It answers the authToken the SDK needs or, when Prove
 * refused the person at once, the result itself (`success: false`, no authToken). A
 * `changeNumber` other than `in-flow` (none, or one this element does not know) reads as `restart`.
 */
export async function startVerification(
  config: BackendConfig,
  request: VerifyRequest,
  signal?: AbortSignal,
): Promise<VerifyStarted | { result: VerificationResult }> {
  const { json } = await postJson(config, config.verifyPath, request, signal);
  if (isRecord(json) && typeof json.authToken === 'string' && json.authToken !== '') {
    return {
      authToken: json.authToken,
      ...(typeof json.flowId === 'string' && json.flowId !== '' ? { flowId: json.flowId } : {}),
      changeNumber: json.changeNumber === 'in-flow' ? 'in-flow' : 'restart',
    };
  }
  if (isResult(json) && !json.success) return { result: withProvedNumber(json) };
  throw new BackendError('malformed', 'The backend answer has no authToken.');
}

/**
 * Asks the backend for the flow's result (it calls Prove's VerifyStatus with its own session);
 * `undefined` while Prove has none yet (HTTP 202). `flowId`, when the start answered one, says
 * which of this browser's flows: two elements or two tabs never read each other's result.
 */
export async function fetchVerificationResult(
  config: BackendConfig,
  flowId: string | undefined,
  signal?: AbortSignal,
): Promise<VerificationResult | undefined> {
  const { status, json } = await postJson(config, config.statusPath, flowId ? { flowId } : {}, signal);
  if (status === 202) return undefined;
  if (!isResult(json)) throw new BackendError('malformed', 'The backend answer has no boolean "success".');
  return withProvedNumber(json);
}
