import { html, type TemplateResult } from 'lit';

/**
 * The sentence `words` makes around a phone number, with the number kept on one line (`.nowrap`,
 * in step-styles.ts) wherever the language puts it: `words` is called with a marker and its text
 * split around it. Words that do not place the number exactly once (a page's own) are used as
 * they are.
 */
export function withNumber(words: (phone: string) => string, phone: string): TemplateResult | string {
  const around = words('\0').split('\0');
  return around.length === 2 ? html`${around[0]}<span class="nowrap">${phone}</span>${around[1]}` : words(phone);
}
