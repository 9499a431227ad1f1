// README "Svelte": prove-verify/svelte's types for <prove-verify>, added to svelte/elements.
import type { CustomElements } from 'prove-verify/svelte';

declare module 'svelte/elements' {
  interface SvelteHTMLElements extends CustomElements {}
}
