// docs/frameworks.md "Svelte", block 1: prove-verify/svelte's types for <prove-verify>, added to svelte/elements.
// src/app.d.ts
import type { CustomElements } from 'prove-verify/svelte';

declare module 'svelte/elements' {
  interface SvelteHTMLElements extends CustomElements {}
}
