// Prove ships its browser SDK as one UMD file. We import that file as it is (never bundled into
// our code), so it needs a declaration of its own; the types come from the package's CommonJS build.
declare module '@prove-identity/prove-auth/build/bundle/release/prove-auth.js' {
  const api: typeof import('@prove-identity/prove-auth');
  export default api;
}
