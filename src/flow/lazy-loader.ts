import { completeEnglish } from '../i18n/registry.js';
import type * as LazyModule from './lazy.js';

type Lazy = typeof LazyModule;

let loading: Promise<Lazy> | undefined;
/** The lazy entry once it is in, for what renders (the phone's own field) and checks at once. */
let loaded: Lazy | undefined;

/**
 * Loads the lazy entry (lazy.ts) once for the page, and completes English with it; a failed load
 * is tried again at the next call. The one door to the code after the first paint: the flow's
 * controller opens it when the person reaches the form, and a submit waits on it.
 */
export function loadLazy(): Promise<Lazy> {
  loading ??= import('./lazy.js').then(
    (module) => {
      completeEnglish(module.enLater);
      return (loaded = module);
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The lazy entry if it is in (so the phone's field shows, and a submit is checked in the same click). */
export const lazyLoaded = (): Lazy | undefined => loaded;
