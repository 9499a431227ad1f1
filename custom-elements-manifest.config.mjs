// The Custom Elements Manifest (custom-elements.json) as published: what editors, framework
// typings and docs read. `cem analyze` picks this file up by its name.

/** The public entries' sources: the registering entry, the class, and the Instant Link landing helper. */
const PUBLIC_ENTRIES = ['src/prove-verify.ts', 'src/prove-verify-element.ts', 'src/instant-link.ts'];

/** `src/x.ts`, `/src/x.js` (as the analyzer writes references) → `dist/x.js`, the file that ships. */
const SOURCE = /^\/?src\/(.+)\.[jt]s$/;

/**
 * Points every module path and reference at the built file, since `src/` is not published. It
 * runs first in the link phase, so plugins after it (typings generators) import from `dist/`.
 */
export function shippedPaths() {
  const rewrite = (node) => {
    if (Array.isArray(node)) return node.forEach(rewrite);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'path' || key === 'module') && typeof value === 'string')
        node[key] = value.replace(SOURCE, 'dist/$1.js');
      else rewrite(value);
    }
  };
  return {
    name: 'shipped-paths',
    packageLinkPhase({ customElementsManifest }) {
      rewrite(customElementsManifest.modules);
    },
  };
}

export default {
  globs: PUBLIC_ENTRIES,
  outdir: '.',
  litelement: true,
  // package.json names the manifest itself; the build never rewrites package.json.
  packagejson: false,
  plugins: [shippedPaths()],
};
