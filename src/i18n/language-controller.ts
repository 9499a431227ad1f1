import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { resolveLanguage, tablesVersion } from './registry.js';
import type { StringOverrides, Strings } from './strings.js';

type Host = ReactiveControllerHost & HTMLElement;

/** The nearest `lang` from the element up, crossing shadow roots; else the browser's language. */
function wantedLanguage(element: Element): string {
  for (let node: Element | null = element; node;) {
    const lang = node.getAttribute('lang');
    if (lang) return lang;
    node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host || null);
  }
  return navigator.language || 'en';
}

/**
 * The element's words: `lang` on the element, else the closest `lang` ancestor (the page's
 * `<html lang>`), else the browser's language; with fallback `fr-CA` → `fr` → `en`, and the page's
 * `strings` overrides on top. It follows `lang` changes anywhere in the page.
 */
export class LanguageController implements ReactiveController {
  /** The tag of the table in use, e.g. `fr`. */
  lang = 'en';
  private table!: Strings;
  private merged?: { table: Strings; overrides?: StringOverrides; strings: Strings };
  private observer?: MutationObserver;
  /** The registry's `tablesVersion` the table was resolved at. */
  private version = -1;

  constructor(
    private readonly host: Host,
    private readonly overrides: () => StringOverrides | undefined,
  ) {
    host.addController(this);
    this.resolve();
  }

  get strings(): Strings {
    // A table was added or replaced (English completed, a language registered): read it now, as this render's.
    if (this.version !== tablesVersion) this.resolve(false);
    const overrides = this.overrides();
    const merged = this.merged;
    if (merged && merged.table === this.table && merged.overrides === overrides) return merged.strings;
    const strings = overrides
      ? {
          ...this.table,
          ...overrides,
          messages: { ...this.table.messages, ...overrides.messages },
          errors: { ...this.table.errors, ...overrides.errors },
        }
      : this.table;
    this.merged = { table: this.table, overrides, strings };
    return strings;
  }

  hostConnected(): void {
    this.observer = new MutationObserver(() => this.resolve());
    this.observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
    this.resolve();
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = undefined;
  }

  private resolve(render = true): void {
    this.version = tablesVersion;
    const resolved = resolveLanguage(wantedLanguage(this.host));
    if (resolved.strings !== this.table) {
      this.table = resolved.strings;
      this.lang = resolved.lang;
      if (render) this.host.requestUpdate();
    }
    // A built-in language still loading: show the fallback now, the language once it is in.
    void resolved.loading?.then(() => this.host.isConnected && this.resolve());
  }
}
