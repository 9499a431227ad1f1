import type { BackendConfig } from './backend.js';
import type { PossessionType, ProveSdk } from './sdk.js';

/**
 * The element's settings, read from its attributes and properties by `readSettings`, their one
 * reader: the flow copies them when a flow starts (never re-reading them mid-flow), and the views
 * show the countries and the code's length from them.
 */
export interface Settings {
  backend: BackendConfig;
  possessionType: 'auto' | PossessionType;
  finalTargetUrl?: string;
  /** Prove's SDK unless the page gave another adapter. */
  sdk?: ProveSdk;
  /** Seconds a code can be used (Prove: 2 minutes). */
  codeLifetime: number;
  /** Seconds an Instant Link can be opened (Prove: 3 minutes). */
  linkLifetime: number;
  /** Seconds before Resend may be pressed again. */
  resendAfter: number;
  /** Digits in a texted code, 4 to 6 (`otp-length`): the code goes to the SDK once it has them all. */
  otpLength: number;
  /** The country of a national number when none is chosen (ISO 3166, upper case). */
  defaultCountry: string;
  /** The countries a number may be from, upper case; empty: any. */
  countries: string[];
}

/** The element's properties the settings come from, as its attributes set them. */
interface Source {
  backendUrl: string;
  verifyPath: string;
  statusPath: string;
  credentials: RequestCredentials;
  timeout: number;
  possessionType: string;
  finalTargetUrl: string;
  sdk?: ProveSdk;
  codeLifetime: number;
  linkLifetime: number;
  resendAfter: number;
  otpLength: number;
  defaultCountry: string;
  countries: string;
}

/** Reads the settings; a value missing or out of range gives the default. */
export function readSettings(el: Source): Settings {
  return {
    backend: {
      baseUrl: el.backendUrl,
      verifyPath: el.verifyPath,
      statusPath: el.statusPath,
      credentials: el.credentials,
      timeout: el.timeout > 0 ? el.timeout : 15000,
    },
    possessionType: el.possessionType === 'mobile' || el.possessionType === 'desktop' ? el.possessionType : 'auto',
    finalTargetUrl: el.finalTargetUrl || undefined,
    sdk: el.sdk,
    codeLifetime: seconds(el.codeLifetime, 120),
    linkLifetime: seconds(el.linkLifetime, 180),
    resendAfter: seconds(el.resendAfter, 30, 0),
    // `otp-length`: 4 to 6 digits, else Prove's 4.
    otpLength: Number.isInteger(el.otpLength) && el.otpLength >= 4 && el.otpLength <= 6 ? el.otpLength : 4,
    defaultCountry: el.defaultCountry.trim().toUpperCase() || 'US',
    countries: el.countries
      .split(',')
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean),
  };
}

/** A duration in seconds: the default when missing, not a number or below `min`. */
function seconds(value: number, fallback: number, min = 1): number {
  return Number.isFinite(value) && value >= min ? value : fallback;
}
