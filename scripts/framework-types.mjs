#!/usr/bin/env node
// Framework typings and editor data for <prove-verify>, generated from custom-elements.json by
// the custom-element-*-integration generators (run at the end of `npm run build`, after
// `cem analyze`), into dist/frameworks/:
//   jsx.d.ts      `CustomElements` for React, Preact and Solid JSX (`onprove-verify-*` events)
//   vue.d.ts      Vue's `GlobalComponents`, augmented when imported
//   svelte.d.ts   `CustomElements` for `svelte/elements`' `SvelteHTMLElements`
//   vscode.html-custom-data.json, vscode.css-custom-data.json   VS Code's custom data
//   web-types.json                                               JetBrains IDEs (package.json `web-types`)
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { generateJetBrainsWebTypes } from 'custom-element-jet-brains-integration';
import { generateJsxTypes } from 'custom-element-jsx-integration';
import { generateSvelteTypes } from 'custom-element-svelte-integration';
import { generateVsCodeCustomElementData } from 'custom-element-vs-code-integration';
import { generateVuejsTypes } from 'custom-element-vuejs-integration';

export const FRAMEWORKS_DIR = 'dist/frameworks';
/** Where the generated .d.ts files import the element's types from, relative to FRAMEWORKS_DIR. */
const ELEMENT_TYPES = '../prove-verify.js';

/**
 * The manifest as the generators read it. They wrap an event's type in `CustomEvent<…>` and import
 * it by name, so they need the detail type, where the manifest (rightly) names the event's type.
 * Read-only members (`step`, `form`, `validity`…) are left out: nothing can set them, so they are
 * no props.
 */
export function manifestForGenerators(manifest) {
  const forGenerators = structuredClone(manifest);
  for (const declaration of forGenerators.modules.flatMap((module) => module.declarations ?? [])) {
    for (const event of declaration.events ?? []) {
      const detail = /^CustomEvent<(.+)>$/.exec(event.type?.text ?? '')?.[1];
      if (detail) event.type.text = detail;
    }
    if (declaration.members) declaration.members = declaration.members.filter((member) => !member.readonly);
  }
  return forGenerators;
}

const pascalCase = (kebab) => kebab.replace(/(?:^|-)(\w)/g, (_, letter) => letter.toUpperCase());

/**
 * Vue's type checker (vue-tsc) reads `backend-url` as the prop `backendUrl` and
 * `@prove-verify-success` as `onProveVerifySuccess`, while the generator writes each attribute and
 * event under its HTML name, which strict templates then reject. So it gets them as Vue reads them.
 */
export function manifestForVue(manifest) {
  const forVue = structuredClone(manifest);
  for (const declaration of forVue.modules.flatMap((module) => module.declarations ?? [])) {
    for (const attribute of declaration.attributes ?? []) attribute.name = attribute.fieldName ?? attribute.name;
    for (const event of declaration.events ?? []) event.name = pascalCase(event.name);
  }
  return forVue;
}

/**
 * Svelte 5 listens with `onprove-verify-success={…}`; the generator types only Svelte 4's
 * `on:prove-verify-success`. Its `globalEvents` option takes more event props as they are written
 * in the type, so it gets Svelte 5's too, from the same events.
 */
function svelte5EventProps(manifest) {
  const events = manifest.modules
    .flatMap((module) => module.declarations ?? [])
    .flatMap((declaration) => declaration.events ?? []);
  return events
    .map(
      (event) =>
        `\n  /** ${event.description ?? ''} */\n  "on${event.name}"?: (e: CustomEvent<${event.type?.text ?? 'never'}>) => void;`,
    )
    .join('');
}

function generate(manifestPath = 'custom-elements.json', outdir = FRAMEWORKS_DIR) {
  const manifest = manifestForGenerators(JSON.parse(readFileSync(manifestPath, 'utf8')));
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const common = { outdir, hideLogs: true };
  const typed = { ...common, globalTypePath: ELEMENT_TYPES };
  generateJsxTypes(manifest, { ...typed, fileName: 'jsx.d.ts' });
  // Its events are listed under Vue's names (above), so they are documented on their props only.
  generateVuejsTypes(manifestForVue(manifest), { ...typed, fileName: 'vue.d.ts', hideEventDocs: true });
  generateSvelteTypes(manifest, { ...typed, fileName: 'svelte.d.ts', globalEvents: svelte5EventProps(manifest) });
  generateVsCodeCustomElementData(manifest, {
    ...common,
    htmlFileName: 'vscode.html-custom-data.json',
    cssFileName: 'vscode.css-custom-data.json',
  });
  generateJetBrainsWebTypes(manifest, { ...common, webTypesFileName: 'web-types.json', packageJson: false });
  console.log(`Framework typings and editor data written to ${outdir}/`);
}

if (import.meta.url === `file://${process.argv[1]}`) generate();
