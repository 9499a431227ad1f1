/**
 * Where Prove's SDK connects on a phone for Mobile Auth (the carrier recognises the phone, so no
 * code is texted), besides Prove's client API (the authToken's origin, and its `wss:` twin).
 * A page's Content-Security-Policy must allow each in `connect-src`, or every person falls back
 * to a texted code. Prove lists them in developer.prove.com `reference/unify-web-sdk`; the
 * element's console warning names them, and README's and the demo's policies are tested
 * against this list, its one owner.
 */
export const PROVE_MOBILE_AUTH_HOSTS: readonly string[] = [
  'https://device.uat.proveapis.com:4443',
  'http://device.uat.proveapis.com:4443',
  'https://device.uat.proveapis.com',
  'http://device.uat.proveapis.com',
  'https://device.proveapis.com:4443',
  'http://device.proveapis.com:4443',
  'https://device.proveapis.com',
  'http://device.proveapis.com',
  'https://auth.svcs.verizon.com:22790',
];
