import { en } from './en.js';
import type { LaterStrings, Strings } from './strings.js';

/**
 * The built-in languages besides English, by lowercase tag: each is a module of plain data that
 * loads when a page asks for its language, so the first paint carries one language. A new language
 * is its module and one line here.
 */
const BUILT_IN = new Map<string, () => Promise<Strings>>([
  ['es', () => import('./es.js').then((module) => module.es)],
  ['fr', () => import('./fr.js').then((module) => module.fr)],
]);

/** Every language the element speaks without a page's help, English first. */
export const LANGUAGES: readonly string[] = ['en', ...BUILT_IN.keys()];

// English is whole once `completeEnglish` has run: nothing reads a later step's words before.
const languages = new Map<string, Strings>([['en', en as Strings]]);
const loading = new Map<string, Promise<void>>();

/** Counts the changes of the tables, so an element whose table was replaced picks up the new one. */
export let tablesVersion = 0;

/** Adds (or replaces) a language, e.g. `registerLanguage('de', de)`; `de-AT` then falls back to it. */
export function registerLanguage(tag: string, strings: Strings): void {
  languages.set(tag.toLowerCase(), strings);
  tablesVersion++;
}

/** Adds the rest of English, which comes with the flow's code; once is enough. */
export function completeEnglish(later: LaterStrings): void {
  if ('otpTitle' in languages.get('en')!) return;
  registerLanguage('en', { ...en, ...later, errors: { ...en.errors, ...later.errors } });
}

/** `fr-CA` → `fr-ca`, `fr`, `en`. */
function fallbacks(tag: string): string[] {
  const parts = tag.toLowerCase().split(/[-_]/).filter(Boolean);
  const chain = parts.map((_, i) => parts.slice(0, parts.length - i).join('-'));
  return chain.includes('en') ? chain : [...chain, 'en'];
}

export interface Resolved {
  /** The tag of the table used, e.g. `fr` for `fr-CA`. */
  lang: string;
  strings: Strings;
  /** Settles when a better table for `tag` has loaded (call `resolveLanguage` again then). */
  loading?: Promise<void>;
}

/** The best table there is now for `tag`, and the load of a better one when one is built in. */
export function resolveLanguage(tag: string): Resolved {
  const chain = fallbacks(tag);
  const lang = chain.find((candidate) => languages.has(candidate)) ?? 'en';
  const better = chain.slice(0, chain.indexOf(lang)).find((candidate) => BUILT_IN.has(candidate));
  let pending: Promise<void> | undefined;
  if (better) {
    pending = loading.get(better);
    if (!pending) {
      pending = BUILT_IN.get(better)!().then(
        (strings) => registerLanguage(better, strings),
        () => {
          // A language that failed to load stays in English; a later ask may try again.
          loading.delete(better);
        },
      );
      loading.set(better, pending);
    }
  }
  return { lang, strings: languages.get(lang)!, ...(pending ? { loading: pending } : {}) };
}
