/** Where `npm run pack` writes the tarballs. */
export const PACK_DIR: string;
/** Packs prove-verify and prove-verify-server into PACK_DIR; each tarball's path by package name. */
export function pack(): Record<'prove-verify' | 'prove-verify-server', string>;
/** The tarballs `npm run pack` made, by package name; throws when one is not there. */
export function packed(): Record<'prove-verify' | 'prove-verify-server', string>;
