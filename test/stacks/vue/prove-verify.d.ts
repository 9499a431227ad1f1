// docs/frameworks.md "Vue", block 2: prove-verify/vue adds <prove-verify> to Vue's GlobalComponents.
// src/prove-verify.d.ts
import type {} from 'prove-verify/vue';
