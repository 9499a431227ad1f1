import { PRODUCTS, type CredentialScope, type EmulatorCredential, type Product } from './config.js';
import type { EmulatorContext } from './context.js';
import { ErrorCode, proveHttpError, type ProveError } from './errors.js';
import { normalizePhone } from './phone.js';

/**
 * Prove's 8009 ("Sandbox Test User Access Denied: the test user cannot be accessed with your
 * current product credentials", reference/status-and-error-codes). The sandbox pages call it
 * "an unauthorized access error"; 403 is the status Prove lists for "no permission".
 */
export const TEST_USER_NOT_ALLOWED: ProveError = {
  code: ErrorCode.TEST_USER_NOT_ALLOWED,
  message: 'test user not allowed with these credentials',
};

/** Checked at startup, so a typo in a limited credential fails loudly rather than allowing nobody. */
export function credentialScopes(
  defaults: { clientId: string; clientSecret: string },
  extra: readonly EmulatorCredential[] = [],
): Map<string, CredentialScope> {
  const scopes = new Map<string, CredentialScope>();
  scopes.set(defaults.clientId, { ...defaults, products: new Set(PRODUCTS) });
  for (const credential of extra) {
    if (!credential.clientId || !credential.clientSecret)
      throw new Error('every credential needs a clientId and a clientSecret');
    if (scopes.has(credential.clientId)) throw new Error(`credential ${credential.clientId} is given twice`);
    for (const product of credential.products ?? []) {
      if (!PRODUCTS.includes(product)) throw new Error(`unknown product ${product}: one of ${PRODUCTS.join(', ')}`);
    }
    const persons = credential.persons?.map((phone) => {
      const e164 = normalizePhone(phone);
      if (!e164) throw new Error(`credential ${credential.clientId}: ${phone} is not a phone number`);
      return e164;
    });
    scopes.set(credential.clientId, {
      clientId: credential.clientId,
      clientSecret: credential.clientSecret,
      products: new Set(credential.products ?? PRODUCTS),
      persons: persons && new Set(persons),
    });
  }
  return scopes;
}

export function personAllowed(ctx: EmulatorContext, clientId: string, product: Product, phoneE164: string): boolean {
  const scope = ctx.config.credentials.get(clientId);
  if (!scope || !scope.products.has(product)) return false;
  return !scope.persons || scope.persons.has(phoneE164);
}

/** Throws 403 {code: 8009} when these credentials may not use this person for this product. */
export function requirePersonAllowed(
  ctx: EmulatorContext,
  clientId: string,
  product: Product,
  phoneE164: string,
): void {
  if (!personAllowed(ctx, clientId, product, phoneE164)) throw proveHttpError(403, TEST_USER_NOT_ALLOWED);
}
