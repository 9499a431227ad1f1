/**
 * The gallery page's layout: a section per width and language, listed in the contents; in it a
 * strip per theme, a box of that width with the theme's page colours, in which the element meets
 * its width through its container (the element lays itself out with container queries; its only
 * media queries, reduced motion and forced colours, are the page's anyway); in a strip a cell per
 * state, its caption above the element.
 */
import type { Scenario } from './scenarios.js';

const make = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

const englishNames = new Intl.DisplayNames(['en'], { type: 'language' });
const inEnglish = (lang: string) => englishNames.of(lang) ?? lang;

/** A language as the gallery's titles name it: in English, and in itself when not English ("French (français)"). */
function languageTitle(lang: string): string {
  const inItself = new Intl.DisplayNames([lang], { type: 'language' }).of(lang) ?? lang;
  return lang === 'en' ? inEnglish(lang) : `${inEnglish(lang)} (${inItself})`;
}

/** Names the gallery's languages in the page's introduction: "English, Spanish and French". */
export function nameLanguages(langs: readonly string[]): void {
  // en-GB: no comma before the "and", as the page's prose writes lists.
  const list = new Intl.ListFormat('en-GB', { type: 'conjunction' }).format(langs.map(inEnglish));
  document.getElementById('gallery-languages')!.textContent = list;
}

/** Adds the section of one width and language, with a strip per theme; answers the strips. */
export function addSection(
  width: number,
  lang: string,
  themes: readonly string[],
): { id: string; theme: string; strip: HTMLElement }[] {
  const sectionId = `w${width}-${lang}`;
  const title = `${width} px · ${languageTitle(lang)}`;
  const row = make('div', { className: 'strips' });
  const strips = themes.map((theme) => {
    const id = `${sectionId}-${theme}`;
    const strip = make('div', { className: 'strip', id, lang });
    strip.dataset.theme = theme;
    strip.style.width = `${width}px`;
    strip.setAttribute('role', 'group');
    strip.setAttribute('aria-label', `${title}, ${theme}`);
    const caption = make('figcaption', { textContent: `${theme === 'dark' ? 'Dark' : 'Light'} (theme="${theme}")` });
    row.append(make('figure', { className: 'strip-frame' }, caption, strip));
    return { id, theme, strip };
  });
  document
    .getElementById('gallery-main')!
    .append(make('section', { className: 'gallery-section', id: sectionId }, make('h2', { textContent: title }), row));
  document
    .getElementById('gallery-toc')!
    .append(make('li', {}, make('a', { href: `#${sectionId}`, textContent: title })));
  return strips;
}

/** One state's cell in a strip: what it shows, in the gallery's words, above the element. */
export function addCell(strip: HTMLElement, scenario: Scenario, el: HTMLElement): HTMLElement {
  const cell = make('figure', { className: 'state' });
  cell.dataset.scenario = scenario.id;
  cell.dataset.state = 'running';
  const caption = make('figcaption', { lang: 'en' }, make('code', { textContent: scenario.step }), ` ${scenario.note}`);
  cell.append(caption, el);
  strip.append(cell);
  return cell;
}

/** Marks a cell reached, or failed with why. */
export function markCell(cell: HTMLElement, failure?: string): void {
  cell.dataset.state = failure === undefined ? 'reached' : 'failed';
  if (failure !== undefined)
    cell.append(make('p', { className: 'state-failed', lang: 'en', textContent: `Not reached: ${failure}` }));
}

/** Takes the focus off, wherever the last steps put it, so the gallery looks the same each time. */
export async function stillFocus(): Promise<void> {
  for (const el of document.querySelectorAll('#gallery-main prove-verify')) {
    (el.shadowRoot?.activeElement as HTMLElement | null)?.blur();
    await (el as HTMLElementTagNameMap['prove-verify']).updateComplete;
  }
  (document.activeElement as HTMLElement | null)?.blur();
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

/** Says on the page (its status line and `data-gallery` on <html>) how the gallery went. */
export function showOutcome(outcome: 'ready' | 'failed', status: string): void {
  document.documentElement.dataset.gallery = outcome;
  const line = document.getElementById('gallery-status');
  if (line) line.textContent = status;
}
