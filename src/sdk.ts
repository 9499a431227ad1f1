/**
 * The only module that knows Prove's browser SDK. It loads Prove's own UMD file lazily (never
 * bundled into ours, per its licence), builds the Authenticator the way Prove's guide does, and
 * turns the SDK's step callbacks into calls on plain `FlowSteps` the controller implements.
 */
import type * as ProveAuth from '@prove-identity/prove-auth';
import type { PossessionType } from './backend.js';

export type { PossessionType };

/** What the person chose on the code screen, in our words rather than the SDK's enum. */
export type CodeAnswer = { kind: 'code'; code: string } | { kind: 'resend' } | { kind: 'change-number' };
export type LinkAnswer = 'resend' | 'change-number';

/** The callbacks the SDK drives. Each returns a promise the person's action settles. */
export interface FlowSteps {
  /** The SDK is about to send a code or link. `rejected` means Prove refused the number. */
  phoneNumber(phoneNumberNeeded: boolean, rejected: boolean): Promise<string | null>;
  /** Code entry; `wrongCode` when the SDK asks again after Prove refused the code. */
  code(wrongCode: boolean): Promise<CodeAnswer>;
  /** Instant Link sent; resolves when the person wants it sent again or to another number. */
  linkSent(): Promise<LinkAnswer>;
  /** Possession is done; the backend's status call runs here. */
  finish(): Promise<void>;
}

export interface SdkRun {
  /** Settles when the SDK is done (after `finish`) or fails. */
  readonly done: Promise<void>;
  /** Closes everything the SDK opened (its status WebSocket included). */
  cancel(): void;
}

export interface ProveSdk {
  isMobileWeb(): Promise<boolean>;
  run(authToken: string, possession: PossessionType, steps: FlowSteps): Promise<SdkRun>;
}

type ProveAuthApi = typeof ProveAuth;

let loading: Promise<ProveAuthApi> | undefined;

/** Loads Prove's SDK file once; a failed load may be tried again. */
export function loadProveAuth(): Promise<ProveAuthApi> {
  loading ??= import('@prove-identity/prove-auth/build/bundle/release/prove-auth.js').then(
    (module: { default?: ProveAuthApi }) => {
      // As an ES module in a browser the UMD file sets `self.proveAuth`; through a bundler it is
      // the CommonJS default export.
      const api = module.default?.AuthenticatorBuilder
        ? module.default
        : (globalThis as { proveAuth?: ProveAuthApi }).proveAuth;
      if (!api?.AuthenticatorBuilder) throw new Error('Prove SDK loaded without an AuthenticatorBuilder');
      return api;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

function buildAuthenticator(api: ProveAuthApi, possession: PossessionType, steps: FlowSteps) {
  const builder = new api.AuthenticatorBuilder().withAuthFinishStep(() => steps.finish());
  const phoneStep = async (phoneNumberNeeded: boolean, error?: unknown) => {
    const phoneNumber = await steps.phoneNumber(phoneNumberNeeded, error !== undefined);
    return phoneNumber === null ? null : { phoneNumber };
  };
  if (possession === 'mobile') {
    return builder
      .withMobileAuthImplementation(api.MobileAuthImplementation.Fetch)
      .withOtpFallback(phoneStep, async (otpError?: unknown) => {
        const answer = await steps.code(otpError !== undefined);
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

/** The real SDK. */
export const proveAuthSdk: ProveSdk = {
  async isMobileWeb() {
    const api = await loadProveAuth();
    return new api.AuthenticatorBuilder().build().isMobileWeb();
  },
  async run(authToken, possession, steps) {
    const api = await loadProveAuth();
    const promise = buildAuthenticator(api, possession, steps).authenticate(authToken);
    return { done: promise, cancel: () => promise.cancel() };
  },
};
