/**
 * Languages: the element's own `lang`, else the closest `lang` ancestor (the page's), else the
 * browser; fallback `fr-CA` → `fr` → `en`; a page's `strings` on top; changes followed live.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/prove-verify.js';
import { registerLanguage, type ProveVerifyElement } from '../../src/prove-verify-element.js';
import { en } from '../../src/i18n/en.js';
import { enLater } from '../../src/i18n/en-later.js';
import { es } from '../../src/i18n/es.js';
import { LANGUAGES, resolveLanguage } from '../../src/i18n/registry.js';
import { buttonByName, text, untilHeading } from '../support/dom.js';

const heading = (el: ProveVerifyElement) => el.shadowRoot!.querySelector('h2')!.textContent.trim();

/** Every text of a table, by key, its functions given sample values (a count of 1 and of 2). */
function textsOf(table: object, prefix = ''): [string, string][] {
  return Object.entries(table).flatMap(([key, value]): [string, string][] =>
    typeof value === 'string'
      ? [[prefix + key, value]]
      : typeof value === 'function'
        ? [1, 2].map((n) => [prefix + key, String((value as (...a: unknown[]) => unknown)(n, 'X'))])
        : textsOf(value as object, `${prefix}${key}.`),
  );
}

describe('<prove-verify> languages', () => {
  const pageLang = document.documentElement.lang;
  afterEach(() => {
    document.documentElement.lang = pageLang;
  });

  it('speaks Spanish with lang="es" on the element, loading Spanish only then', async () => {
    const el = await fixture<ProveVerifyElement>(html`<prove-verify lang="es" backend-url="/api"></prove-verify>`);
    await untilHeading(el, 'Verifique su número de teléfono');
    expect(buttonByName(el, 'Verificar').type).to.equal('submit');
    expect(text(el)).to.contain('Número de teléfono');
    await expect(el).to.be.accessible();
  });

  it('writes every language with typographic apostrophes, and Spanish in one Latin American register', async () => {
    expect(LANGUAGES).to.include.members(['en', 'fr']);
    for (const tag of LANGUAGES) {
      await resolveLanguage(tag).loading;
      expect(resolveLanguage(tag).lang, tag).to.equal(tag);
      const table =
        tag === 'en'
          ? { ...en, ...enLater, errors: { ...en.errors, ...enLater.errors } }
          : resolveLanguage(tag).strings;
      for (const [key, text] of textsOf(table)) {
        expect(text, `${tag} ${key}`).not.to.contain("'");
      }
    }
    // Latin American: celular, not móvil; usted throughout, never tú (its pronouns and the
    // imperatives these screens would use).
    const tu =
      /(?<!\p{L})(tú|tu|tus|te|tuyo|tuya|puedes|tienes|verifica|ingresa|revisa|envía|usa|abre|empieza|inténtalo|escríbelo|revísalo|revísalos|comprueba|mantén)(?!\p{L})/iu;
    for (const [key, text] of textsOf(es)) {
      expect(text, key).not.to.match(/móvil/i);
      expect(text, key).not.to.match(tu);
      expect(text, key).not.to.contain("'");
    }
    // Two surnames are the norm.
    expect(es.lastName).to.equal('Apellidos');
  });

  it("follows the closest lang ancestor, then the page's <html lang>, with fr-CA falling back to fr", async () => {
    const inSection = await fixture<ProveVerifyElement>(
      html`<section lang="fr"><prove-verify backend-url="/api"></prove-verify></section>`,
    );
    await untilHeading(inSection.querySelector('prove-verify')!, 'Vérifiez votre numéro de téléphone');

    document.documentElement.lang = 'fr-CA';
    const el = await fixture<ProveVerifyElement>(html`<prove-verify backend-url="/api"></prove-verify>`);
    await untilHeading(el, 'Vérifiez votre numéro de téléphone');
    expect(buttonByName(el, 'Vérifier')).to.be.instanceOf(HTMLButtonElement);
  });

  it('falls back to English for a language it does not have, and follows a lang change live', async () => {
    // `qaa` is reserved for local use: no language the element could have built in.
    const el = await fixture<ProveVerifyElement>(html`<prove-verify lang="qaa-AT" backend-url="/api"></prove-verify>`);
    expect(heading(el)).to.equal(en.title);
    el.setAttribute('lang', 'es');
    await untilHeading(el, 'Verifique su número de teléfono');
    el.removeAttribute('lang');
    document.documentElement.lang = 'en-GB';
    await untilHeading(el, en.title);
  });

  it('lists the languages it speaks by itself, and each one loads as that language', async () => {
    // English first, each once, the ones this file reads by name among them.
    expect(LANGUAGES[0]).to.equal('en');
    expect(new Set(LANGUAGES).size).to.equal(LANGUAGES.length);
    expect(LANGUAGES).to.include.members(['en', 'es', 'fr']);
    for (const tag of LANGUAGES) {
      await resolveLanguage(tag).loading;
      expect(resolveLanguage(tag).lang, tag).to.equal(tag);
    }
  });

  it('takes a language a page registers, with its region falling back to it', async () => {
    registerLanguage('de', {
      ...en,
      ...enLater,
      errors: { ...en.errors, ...enLater.errors },
      title: 'Bestätigen Sie Ihre Telefonnummer',
      submit: 'Bestätigen',
    });
    const el = await fixture<ProveVerifyElement>(html`<prove-verify lang="de-CH" backend-url="/api"></prove-verify>`);
    await untilHeading(el, 'Bestätigen Sie Ihre Telefonnummer');
    expect(buttonByName(el, 'Bestätigen')).to.be.instanceOf(HTMLButtonElement);
  });

  it("lets the page's strings override any string, messages and errors included", async () => {
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url="/api" .strings=${{ submit: 'Continue', messages: { required: 'Please fill this in.' } }}></prove-verify>`,
    );
    buttonByName(el, 'Continue').click();
    await waitUntil(() => text(el).includes('Please fill this in.'), 'the overridden message never showed', {
      timeout: 5000,
    });
    expect(text(el)).to.contain('Last name');
  });
});
