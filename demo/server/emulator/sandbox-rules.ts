/**
 * Prove's published sandbox behaviour, as far as this emulator reproduces it: OTP `1234`
 * proves possession and any other code does not; Verified Users passes only when the phone
 * that proved possession belongs to a known person whose name matches.
 */
export const SANDBOX_OTP = '1234';

export interface SandboxOwner {
  /** E.164. */
  phone: string;
  firstName: string;
  lastName: string;
  /** Stable, so an integrator can store it and match later webhooks against it. */
  identityId: string;
}

export const SANDBOX_OWNERS: readonly SandboxOwner[] = [
  // The seed's own example.
  {
    phone: '+12001004010',
    firstName: 'Addy',
    lastName: 'Epinay',
    identityId: 'c3aca643-43e4-48c6-90e2-baff26733ca4',
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
  if (!owner) return { verified: false };
  const matches = fold(owner.firstName) === fold(firstName) && fold(owner.lastName) === fold(lastName);
  return matches ? { verified: true, identityId: owner.identityId } : { verified: false };
}

export function isRightOtp(otp: string): boolean {
  return otp.trim() === SANDBOX_OTP;
}

/** `####` in an integrator's smsMessage stands for the code (or the link); else it is appended. */
export function composeSms(template: string | undefined, fallback: string, value: string): string {
  if (!template) return fallback;
  return template.includes('####') ? template.split('####').join(value) : `${template} ${value}`;
}
