/**
 * The only module that knows Prove's browser SDK. It loads Prove's own UMD file lazily (never
 * bundled into ours, per its licence), builds the Authenticator the way Prove's guide does, turns
 * the SDK's step callbacks into calls on plain `FlowSteps` the controller implements, and
 * translates every error the SDK hands out into the element's own `SdkFailure` reasons.
 */
import type * as ProveAuth from '@prove-identity/prove-auth';
import type { PossessionType } from './backend.js';
import { proveAuthSource } from './sdk-source.js';

export type { PossessionType };

/** What the person chose on the code screen, in our words rather than the SDK's enum. */
export type CodeAnswer = { kind: 'code'; code: string } | { kind: 'resend' } | { kind: 'change-number' };
export type LinkAnswer = 'resend' | 'change-number';

/** Prove's own words about a refusal, when the SDK passed them on. */
interface ProveDetail {
  proveCode?: number | string;
  proveMessage?: string;
}

/** Why Prove refused a code: a wrong one, or one past its lifetime. */
export interface CodeProblem extends ProveDetail {
  kind: 'wrong' | 'expired';
}

/** The callbacks the SDK drives. Each returns a promise the person's action settles. */
export interface FlowSteps {
  /** The SDK is about to send a code or link; `rejected` is set when Prove refused the number. */
  phoneNumber(phoneNumberNeeded: boolean, rejected?: ProveDetail): Promise<string | null>;
  /** Code entry; `problem` when the SDK asks again after Prove refused the code. */
  code(problem?: CodeProblem): Promise<CodeAnswer>;
  /** Instant Link sent; resolves when the person wants it sent again or to another number. */
  linkSent(): Promise<LinkAnswer>;
  /**
   * Possession is over; the backend's status call runs here. `failure`: the SDK got here because
   * a step failed (it reported that step's error to Prove first), and why.
   */
  finish(failure?: SdkFailure): Promise<void>;
}

/**
 * Every way a run can end badly, in the element's words:
 * - `token-expired`: Prove's client API refused the authToken (HTTP 401/403; it lives 15 minutes).
 * - `expired`: the code or link outlived its lifetime.
 * - `rate-limited`: Prove answered HTTP 429.
 * - `prove-unavailable`: Prove's service failed (5xx, an empty or unreadable answer).
 * - `network`: the request never got an answer (offline, or blocked by a Content-Security-Policy).
 * - `socket-lost`: the Instant Link status socket closed before Prove said anything.
 * - `integration`: a set-up mistake (unknown step, too many steps, no token, a bad step answer).
 * - `unknown`: anything else.
 */
export type SdkFailureReason =
  | 'token-expired'
  | 'expired'
  | 'rate-limited'
  | 'prove-unavailable'
  | 'network'
  | 'socket-lost'
  | 'integration'
  | 'unknown';

export class SdkFailure extends Error implements ProveDetail {
  override name = 'SdkFailure';
  constructor(
    readonly reason: SdkFailureReason,
    message: string,
    readonly proveCode?: number | string,
    readonly proveMessage?: string,
    /** Prove's client API origin (the token's `auth.endp`), for a Content-Security-Policy hint. */
    readonly proveOrigin?: string,
  ) {
    super(message);
  }
}

export interface SdkRun {
  /** Settles when the SDK is done (after `finish`); rejects with an `SdkFailure`. */
  readonly done: Promise<void>;
  /** Closes everything the SDK opened (its status WebSocket included). */
  cancel(): void;
}

export interface ProveSdk {
  isMobileWeb(): Promise<boolean>;
  run(authToken: string, possession: PossessionType, steps: FlowSteps): Promise<SdkRun>;
}

// Prove's types stay inside this module: the declarations we publish never name them (a consumer
// checking libraries would otherwise check Prove's own declaration files, which do not compile).
type ProveAuthApi = typeof ProveAuth;

let loading: Promise<ProveAuthApi> | undefined;

/** Loads Prove's SDK file once, ahead of a flow; a failed load may be tried again. */
export function loadProveAuth(): Promise<void> {
  return proveAuth().then(() => undefined);
}

function proveAuth(): Promise<ProveAuthApi> {
  // Read as a `<script src>` is: against the page's URL, not this module's.
  const source = proveAuthSource.url && new URL(proveAuthSource.url, document.baseURI).href;
  // A page's own copy (`sdk-src`) is loaded by its address: bundlers must leave that import alone.
  loading ??= (
    source
      ? import(/* @vite-ignore */ /* webpackIgnore: true */ source)
      : import('@prove-identity/prove-auth/build/bundle/release/prove-auth.js')
  ).then(
    (module: Partial<ProveAuthApi> & { default?: ProveAuthApi }) => {
      // As an ES module in a browser the UMD file sets `self.proveAuth`. Through a bundler it is
      // CommonJS: the default export (Vite, webpack, esbuild, Rollup, Turbopack, Angular's), or
      // the exports themselves, which Parcel hands over whole since they carry `__esModule`.
      const api = [module.default, module, (globalThis as { proveAuth?: ProveAuthApi }).proveAuth].find(
        (candidate) => candidate?.AuthenticatorBuilder,
      ) as ProveAuthApi | undefined;
      if (!api?.AuthenticatorBuilder) throw new Error('Prove SDK loaded without an AuthenticatorBuilder');
      // Once, here, and never inside a run: the SDK keeps its log writer for good, and a writer
      // made in a run would keep that run, and its element, alive after the element has gone.
      readSdkLog(api);
      return api;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The SDK's errors carry Prove's `code` (AuthError, OtpError, PhoneValidationError). */
function detailOf(error: unknown): ProveDetail {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const proveMessage = typeof message === 'string' ? message.replace(/^Error Code: [^,]*, /, '') : undefined;
  return {
    ...(typeof code === 'number' || typeof code === 'string' ? { proveCode: code } : {}),
    ...(proveMessage ? { proveMessage } : {}),
  };
}

const EXPIRED = /expir/i;

function codeProblem(error: unknown): CodeProblem {
  const detail = detailOf(error);
  return { kind: EXPIRED.test(detail.proveMessage ?? '') ? 'expired' : 'wrong', ...detail };
}

/** The origin Prove's client API lives at, from the token's `auth.endp` (read as the SDK reads it). */
function proveOriginOf(authToken: string): string | undefined {
  try {
    const endp = (JSON.parse(atob(authToken.split('.')[1] ?? '')) as { auth?: { endp?: unknown } }).auth?.endp;
    return typeof endp === 'string' ? new URL(endp).origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads an SDK error. The SDK exports no class for most of them, so its own messages (3.6.2:
 * internal/auth-session.js, auth-status-actions.js, main-authenticator.js) are matched here and
 * nowhere else.
 */
export function toSdkFailure(error: unknown, authToken = ''): SdkFailure {
  if (error instanceof SdkFailure) return error;
  const origin = proveOriginOf(authToken);
  const text = error instanceof Error ? error.message : String(error);
  const { proveCode, proveMessage } = detailOf(error);
  const failure = (reason: SdkFailureReason) => new SdkFailure(reason, text, proveCode, proveMessage, origin);
  // fetch's own TypeError: "Failed to fetch" (Chromium), "Load failed" (Safari), "NetworkError…" (Firefox).
  if (/^(Failed to fetch|Load failed|NetworkError)/.test(text) || (error instanceof TypeError && /fetch/i.test(text))) {
    return failure('network');
  }
  const status = /Got (\d{3}) HTTP error/.exec(text)?.[1];
  if (status === '401' || status === '403') return failure('token-expired');
  if (status === '429') return failure('rate-limited');
  if (status?.startsWith('5') || /Empty response from server|Failed to parse JSON/.test(text))
    return failure('prove-unavailable');
  if (/Failed to receive secondary authentication|Channel communication stalled/.test(text))
    return failure('socket-lost');
  if (EXPIRED.test(text)) return failure('expired');
  if (
    /Unknown authentication step|Too many authentication steps|No authentication token|Unexpected next step|must be specified|should be|is missing|must be a string/.test(
      text,
    )
  ) {
    return failure('integration');
  }
  return failure('unknown');
}

/**
 * When a step fails, the SDK logs it, reports it to Prove and, if Prove answers `next: "done"`,
 * runs the finish step as if possession had simply ended. Its log (public API: `LoggerFactory`) is
 * the only place that says why, so the element reads it: errors only, and nothing reaches the
 * console. One flow reads it at a time (the SDK's log is global).
 */
let readReport: ((failure: SdkFailure) => void) | undefined;

function readSdkLog(api: ProveAuthApi): void {
  api.LoggerFactory.setLogWriter({
    write(level, source: unknown, message: unknown) {
      if (level !== api.LogLevel.error || !String(source).startsWith('report-error-step')) return;
      // "Authentication step mobile/otp failed, code: 1011, message: …" (report-error-step.js)
      const found = /failed(?:, code: ([^,]*))?(?:, message: ([\s\S]*))?$/.exec(String(message));
      if (found) readReport?.(toSdkFailure(Object.assign(new Error(found[2] ?? ''), { code: found[1] })));
    },
  });
  api.LoggerFactory.setLogLevel(api.LogLevel.error);
}

function buildAuthenticator(
  api: ProveAuthApi,
  possession: PossessionType,
  steps: FlowSteps,
  reported: () => SdkFailure | undefined,
) {
  const builder = new api.AuthenticatorBuilder().withAuthFinishStep(() => steps.finish(reported()));
  const phoneStep = async (phoneNumberNeeded: boolean, error?: unknown) => {
    const phoneNumber = await steps.phoneNumber(phoneNumberNeeded, error === undefined ? undefined : detailOf(error));
    return phoneNumber === null ? null : { phoneNumber };
  };
  if (possession === 'mobile') {
    return builder
      .withMobileAuthImplementation(api.MobileAuthImplementation.Fetch)
      .withOtpFallback(phoneStep, async (otpError?: unknown) => {
        const answer = await steps.code(otpError === undefined ? undefined : codeProblem(otpError));
        switch (answer.kind) {
          case 'code':
            return { resultType: api.OtpFinishResultType.OnSuccess, input: { otp: answer.code } };
          case 'resend':
            return { resultType: api.OtpFinishResultType.OnResendOtp };
          case 'change-number':
            return { resultType: api.OtpFinishResultType.OnMobileNumberChange };
        }
      })
      .build();
  }
  return builder
    .withInstantLinkFallback(phoneStep, async () =>
      (await steps.linkSent()) === 'resend'
        ? api.InstantLinkResultType.OnResend
        : api.InstantLinkResultType.OnMobileNumberChange,
    )
    .withRole(api.DeviceRole.Secondary)
    .build();
}

/**
 * Whether this is a phone: a device does not change, so it is asked once a page (when the person
 * reaches the form: see `warmSdk`); `mobileWebAnswer` holds the answer once it is in, so a submit
 * starts the flow without waiting a turn for it.
 */
let mobileWeb: Promise<boolean> | undefined;
export let mobileWebAnswer: boolean | undefined;

/** The real SDK. */
export const proveAuthSdk: ProveSdk = {
  isMobileWeb() {
    mobileWeb ??= proveAuth().then(
      (api) => (mobileWebAnswer = new api.AuthenticatorBuilder().build().isMobileWeb()),
      (error: unknown) => {
        mobileWeb = undefined;
        throw error;
      },
    );
    return mobileWeb;
  },
  async run(authToken, possession, steps) {
    const api = await proveAuth();
    let reported: SdkFailure | undefined;
    const read = (failure: SdkFailure) => {
      reported = new SdkFailure(
        failure.reason,
        failure.message,
        failure.proveCode,
        failure.proveMessage,
        proveOriginOf(authToken),
      );
    };
    readReport = read;
    const stopReading = () => {
      if (readReport === read) readReport = undefined;
    };
    let promise: ReturnType<ReturnType<typeof buildAuthenticator>['authenticate']>;
    try {
      promise = buildAuthenticator(api, possession, steps, () => reported).authenticate(authToken);
    } catch (error) {
      stopReading();
      throw toSdkFailure(error, authToken);
    }
    const done = promise.then(stopReading, (error: unknown) => {
      stopReading();
      throw toSdkFailure(error, authToken);
    });
    return {
      done,
      cancel: () => {
        stopReading();
        promise.cancel();
      },
    };
  },
};

/**
 * The landing page of an Instant Link opened on the phone that started the flow: Prove's redirect
 * carries `asc` and `authId`, and the SDK's `finishInstantLink` runs `finish` for them.
 */
export async function finishInstantLinkRedirect(url: string, finish: () => void): Promise<void> {
  const api = await proveAuth();
  await new api.AuthenticatorBuilder()
    .withAuthFinishStep(() => {
      finish();
      return Promise.resolve();
    })
    .build()
    .finishInstantLink(url);
}
