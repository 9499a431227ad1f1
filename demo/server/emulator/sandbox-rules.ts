/**
 * Prove's published sandbox behaviour, as far as this emulator reproduces it: the sandbox code
 * proves possession and any other code does not; Verified Users passes only when the phone
 * that proved possession belongs to a known person whose name matches; /v3/verify refuses a
 * number that is no sandbox person ("no test user found matching the phone number", 8007).
 */

/**
 * What the sandbox does with a person (developer.prove.com/docs/verified-users-sandbox-testing):
 *   passes            possession by the SDK, then Verified Users checks the name
 *   skips-possession  Prove's "short-term test user": possession needs no SDK
 *   verify-fails      /v3/verify answers at once: no authToken, verifyResult failed
 *   possession-fails  every code is wrong and every link refused
 */
type SandboxOutcome = 'passes' | 'skips-possession' | 'verify-fails' | 'possession-fails';

export interface SandboxOwner {
  /** E.164. */
  phone: string;
  firstName: string;
  lastName: string;
  outcome: SandboxOutcome;
  /** Stable, so an integrator can store it and match later webhooks against it. */
  identityId: string;
}

export const SANDBOX_OWNERS: readonly SandboxOwner[] = [
  // The seed's own example.
  {
    phone: '+12001004010',
    firstName: 'Addy',
    lastName: 'Epinay',
    outcome: 'passes',
    identityId: 'c3aca643-43e4-48c6-90e2-baff26733ca4',
  },
  // Prove's short-term test users (North America and International), for curl and Postman.
  {
    phone: '+12001004011',
    firstName: 'Sheilakathryn',
    lastName: 'Butrimovich',
    outcome: 'skips-possession',
    identityId: '5b8e3f0e-5d37-4f5e-9d53-2f4bde0a1c11',
  },
  {
    phone: '+447968900002',
    firstName: 'Rozella',
    lastName: 'Kimpton',
    outcome: 'skips-possession',
    identityId: '0f2b8a47-7d7b-4c55-a0a6-6d1c0c3f4b02',
  },
  // Prove names Kurt Mathen and Janek Ambrogio as the users "intended to fail" /verify or
  // /verify-status. Their numbers and which step each fails were not in the pages we could
  // read: these follow Prove's numbering (…010, …011, …014 are documented) and are guesses.
  {
    phone: '+12001004012',
    firstName: 'Kurt',
    lastName: 'Mathen',
    outcome: 'verify-fails',
    identityId: '8a1d6c52-2b0f-4d8e-9d1c-3b5a7e9f1012',
  },
  {
    phone: '+12001004013',
    firstName: 'Janek',
    lastName: 'Ambrogio',
    outcome: 'possession-fails',
    identityId: '2e7c9b14-6f3a-4a8d-8c2e-5d4f6a8b1013',
  },
];

const fold = (name: string) => name.trim().toLocaleLowerCase('en-US');

export function findOwner(phoneE164: string): SandboxOwner | undefined {
  return SANDBOX_OWNERS.find((owner) => owner.phone === phoneE164);
}

export interface VerifyOutcome {
  verified: boolean;
  identityId?: string;
}

export function verifyIdentity(phoneE164: string, firstName: string, lastName: string): VerifyOutcome {
  const owner = findOwner(phoneE164);
  if (!owner || owner.outcome === 'verify-fails') return { verified: false };
  const matches = fold(owner.firstName) === fold(firstName) && fold(owner.lastName) === fold(lastName);
  return matches ? { verified: true, identityId: owner.identityId } : { verified: false };
}

/** `####` to `######` in smsMessage stand for a 4 to 6 digit code (Prove's /v3/verify reference). */
const PLACEHOLDER = /(?<!#)#{4,6}(?!#)/;

export const hasPlaceholder = (template: string) => PLACEHOLDER.test(template);

/** The sandbox code for a flow: 1234, or 12345 / 123456 when the template asks for more digits. */
export function sandboxOtp(template: string | undefined): string {
  const length = template ? (PLACEHOLDER.exec(template)?.[0].length ?? 4) : 4;
  return '123456'.slice(0, length);
}

/** Prove's default texts (/v3/verify reference: "If not provided, the following default messages will be used"). */
export const DEFAULT_OTP_SMS = "#### is your temporary code to continue your application. Caution: for your security, don't share this code with anyone.";
export const DEFAULT_LINK_SMS = 'Complete your verification. If you did not make this request, do not click the link. ####';

/** Every placeholder in the template becomes the code (or the link). */
export function composeSms(template: string | undefined, fallback: string, value: string): string {
  return (template ?? fallback).replace(new RegExp(PLACEHOLDER.source, 'g'), () => value);
}
