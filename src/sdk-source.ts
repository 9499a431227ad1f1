/**
 * Where Prove's SDK file comes from when the page says (`sdk-src`, as written); unset, the build's
 * own copy. One per page, like the SDK itself: Prove's file is loaded once and keeps global state,
 * so the address that stands when the first flow loads it is the one used. Kept this small
 * because the first paint carries it; src/sdk.ts reads it.
 */
export const proveAuthSource: { url?: string } = {};
