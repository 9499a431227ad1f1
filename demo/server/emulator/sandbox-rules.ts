import { createHash } from 'node:crypto';

/**
 * Prove's published sandbox behaviour, as far as this emulator reproduces it: the sandbox code
 * proves possession and any other code does not; Verified Users passes only when the phone
 * that proved possession belongs to a known person whose name matches; /v3/verify refuses a
 * number that is no sandbox person ("no test user found matching the phone number", 8007).
 */

/**
 * What the sandbox does with a person (developer.prove.com/docs/verified-users-sandbox-testing,
 * docs/unify-sandbox-testing):
 *   passes            possession by the SDK, then Verified Users checks the name
 *   skips-possession  Prove's "short-term test user": possession needs no SDK
 *   verify-fails      /v3/verify fails (at once in the July 2025 contract; verifiedUser answers false)
 *   possession-fails  every code is wrong and every link refused
 */
type SandboxOutcome = 'passes' | 'skips-possession' | 'verify-fails' | 'possession-fails';

/** reference/assurance-levels: a tier and its reason codes. */
interface Assurance {
  level: 'AL-1' | 'AL0' | 'AL1' | 'AL2' | 'AL3';
  reasons: string[];
}

export interface SandboxOwner {
  /** E.164. */
  phone: string;
  firstName: string;
  lastName: string;
  outcome: SandboxOutcome;
  /** Stable, so an integrator can store it and match later webhooks against it. */
  identityId: string;
  /** Prove's id for the person (unify-status, verifiedUser): stable, like Prove's. */
  proveId: string;
  /** Mobile Auth (mobile/instant) proves this phone with no text sent. */
  mobileAuth?: boolean;
  /** What verifiedUser answers for this person when the name matches. */
  assurance: Assurance;
}

const AL2: Assurance = { level: 'AL2', reasons: ['2A'] };

export const SANDBOX_OWNERS: readonly SandboxOwner[] = [
  // The example of Prove's July 2025 integration guide.
  {
    phone: '+12001004010',
    firstName: 'Addy',
    lastName: 'Epinay',
    outcome: 'passes',
    identityId: 'c3aca643-43e4-48c6-90e2-baff26733ca4',
    proveId: '6f1e2a3b-0c4d-4e5f-8a9b-2001004010aa',
    assurance: AL2,
  },
  // Prove's short-term test users (North America and International), for curl and Postman.
  {
    phone: '+12001004011',
    firstName: 'Sheilakathryn',
    lastName: 'Butrimovich',
    outcome: 'skips-possession',
    identityId: '5b8e3f0e-5d37-4f5e-9d53-2f4bde0a1c11',
    proveId: 'a07b94ce-218c-461f-beda-d92480e40f61',
    assurance: AL2,
  },
  {
    phone: '+447968900002',
    firstName: 'Rozella',
    lastName: 'Kimpton',
    outcome: 'skips-possession',
    identityId: '0f2b8a47-7d7b-4c55-a0a6-6d1c0c3f4b02',
    proveId: '3c5d7e9f-1a2b-4c3d-9e8f-447968900002',
    assurance: AL2,
  },
  // Prove names Kurt Mathen and Janek Ambrogio as the users "intended to fail" /verify or
  // /verify-status. Prove's pages give neither their numbers nor which step each fails: these
  // follow Prove's numbering (…010, …011, …014 are documented) and are guesses.
  {
    phone: '+12001004012',
    firstName: 'Kurt',
    lastName: 'Mathen',
    outcome: 'verify-fails',
    identityId: '8a1d6c52-2b0f-4d8e-9d1c-3b5a7e9f1012',
    proveId: '8b2e7d63-3c1a-4e9f-8d2c-2001004012bb',
    assurance: { level: 'AL0', reasons: ['0C'] },
  },
  {
    phone: '+12001004013',
    firstName: 'Janek',
    lastName: 'Ambrogio',
    outcome: 'possession-fails',
    identityId: '2e7c9b14-6f3a-4a8d-8c2e-5d4f6a8b1013',
    proveId: '9c3f8e74-4d2b-4fa0-9e3d-2001004013cc',
    assurance: AL2,
  },
  // docs/unify-sandbox-testing: the Unified Auth users pass possession (Prove Key, then OTP or
  // Instant Link); the Mobile Auth users pass it by Mobile Auth, with no text.
  {
    phone: '+12001004014',
    firstName: 'Lorant',
    lastName: 'Nerger',
    outcome: 'passes',
    identityId: 'd4e5f6a7-1b2c-4d3e-8f4a-2001004014dd',
    proveId: 'e5f6a7b8-2c3d-4e4f-9a5b-2001004014ee',
    assurance: AL2,
  },
  {
    phone: '+12001004015',
    firstName: 'Laney',
    lastName: 'Dyball',
    outcome: 'passes',
    identityId: 'f6a7b8c9-3d4e-4f5a-8b6c-2001004015ff',
    proveId: '07b8c9d0-4e5f-4a6b-9c7d-200100401500',
    assurance: AL2,
  },
  {
    phone: '+12001004016',
    firstName: 'Inge',
    lastName: 'Galier',
    outcome: 'passes',
    identityId: '18c9d0e1-5f6a-4b7c-8d8e-200100401611',
    proveId: '29d0e1f2-6a7b-4c8d-9e9f-200100401622',
    mobileAuth: true,
    assurance: AL2,
  },
  {
    phone: '+12001004017',
    firstName: 'Jesse',
    lastName: 'Mashro',
    outcome: 'passes',
    identityId: '3ae1f203-7b8c-4d9e-8fa0-200100401733',
    proveId: '4bf20314-8c9d-4eaf-9ab1-200100401744',
    mobileAuth: true,
    assurance: AL2,
  },
  {
    phone: '+12001004041',
    firstName: 'Penny',
    lastName: 'Jowers',
    outcome: 'passes',
    identityId: '5c031425-9dae-4fb0-8bc2-200100404155',
    proveId: '6d142536-aebf-40c1-9cd3-200100404166',
    mobileAuth: true,
    assurance: AL2,
  },
  // reference/verify's verifiedUser example (2001004053 Elena Coldman), whose answer is AL3.
  {
    phone: '+12001004053',
    firstName: 'Elena',
    lastName: 'Coldman',
    outcome: 'passes',
    identityId: '7e253647-bfc0-41d2-8de4-200100405377',
    proveId: '8f364758-c0d1-42e3-9ef5-200100405388',
    assurance: { level: 'AL3', reasons: ['3A'] },
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

/**
 * Prove's id for whoever holds the phone: the person's own, or (a phone that is nobody's in the
 * sandbox, reached by changing number) one derived from the number, so it is stable too.
 */
export function proveIdFor(phoneE164: string): string {
  const owner = findOwner(phoneE164);
  if (owner) return owner.proveId;
  const hex = createHash('sha256').update(`proveId:${phoneE164}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * `####` to `######` in smsMessage mark where the code (or the link) goes; in the sandbox the
 * code is 1234 whatever the template asks for ("For successful OTP in Sandbox, use code 1234.
 * Any other code simulates a failure", docs/unify-sandbox-testing).
 */
const PLACEHOLDER = /(?<!#)#{4,6}(?!#)/;

export const SANDBOX_OTP = '1234';

/**
 * Prove's default texts (/v3/verify and /v3/unify references: "If not provided, the following
 * default messages will be used").
 */
export const DEFAULT_OTP_SMS =
  "#### is your temporary code to continue your application. Caution: for your security, don't share this code with anyone.";
export const DEFAULT_LINK_SMS =
  'Complete your verification. If you did not make this request, do not click the link. ####';

/**
 * Every placeholder in the template becomes the code (or the link). A template without one is
 * sent as written: Prove's references say nothing of adding the code to it.
 */
export function composeSms(template: string | undefined, fallback: string, value: string): string {
  return (template ?? fallback).replace(new RegExp(PLACEHOLDER.source, 'g'), () => value);
}
