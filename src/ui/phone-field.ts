import { css, html, type ReactiveElement } from 'lit';
import type { FormValues, MessageKey } from '../flow/state.js';
import { effectiveCountry } from '../phone-country.js';
import {
  asNational,
  callingCode,
  countryOfNumber,
  formatTyped,
  metadataFor,
  selectableCountries,
} from '../phone-rules.js';
import type { FormActions, ViewContext } from './context.js';
import { field } from './field.js';

// Here rather than in the element's styles: they belong to this field alone, and load with it
// (the element adopts them, so a page's CSP needs no 'unsafe-inline' for styles). The select is
// laid invisibly over a compact face (flag and calling code), so the closed control stays small
// while its list, and what a screen reader reads, name each country in full.
export const phoneFieldStyles = css`
  .field-row { display: flex; gap: 0.5em; }
  .field-row input { flex: 1; min-width: 0; }
  .country { position: relative; display: flex; flex: none; }
  .country-face {
    display: flex; align-items: center; gap: 0.35em; padding: 0 0.75em; white-space: nowrap;
    border: 1px solid var(--_border); border-radius: var(--_radius);
    background: var(--prove-verify-input-background, light-dark(#fff, #1e2127));
  }
  .country-face::after { content: ''; border: 0.3em solid transparent; border-top-color: currentColor; margin-top: 0.3em; }
  .country select { position: absolute; inset: 0; width: 100%; opacity: 0; font: inherit; cursor: pointer; }
  .country:focus-within .country-face { outline: 3px solid var(--_accent); outline-offset: 2px; }
`;

const displayNames = new Map<string, Intl.DisplayNames | undefined>();

/**
 * The country's name in `lang` (`Intl.DisplayNames`, kept per language: the list is long); its code
 * where there is none.
 */
function countryName(code: string, lang: string): string {
  if (!displayNames.has(lang)) {
    try {
      displayNames.set(lang, new Intl.DisplayNames([lang, 'en'], { type: 'region' }));
    } catch {
      // An old browser, or a tag it cannot read: codes it is.
      displayNames.set(lang, undefined);
    }
  }
  try {
    return displayNames.get(lang)?.of(code) ?? code;
  } catch {
    return code;
  }
}

/** The flag emoji of an ISO 3166 code (its two regional indicator letters). */
const flag = (code: string) =>
  /^[A-Z]{2}$/.test(code) ? String.fromCodePoint(...[...code].map((c) => 0x1f1a5 + c.charCodeAt(0))) : '';

let sorted: { key: string; list: string[] } | undefined;

/** Every country, by name in `lang` (kept: the list is long and rendering happens per keystroke). */
function byName(countries: readonly string[], lang: string): string[] {
  const key = `${lang}:${countries.length}`;
  if (sorted?.key !== key) {
    const collator = new Intl.Collator(lang);
    const named = countries.map((c) => [c, countryName(c, lang)] as const);
    sorted = { key, list: named.sort((a, b) => collator.compare(a[1], b[1])).map(([c]) => c) };
  }
  return sorted.list;
}

/**
 * Once the numbering plans a number waited for are in, reads it again through the field's current
 * input handler (the country may have changed meanwhile; a paste stays a paste), then renders the
 * element again, as what the field says about a number (the country it is from) may have waited
 * too. Not if the person changed the text meanwhile: that input read it. The event stays on the
 * input: nothing outside the element hears it.
 */
function readAgainOnceIn(loading: Promise<void>, input: HTMLInputElement, inputType = ''): void {
  const typed = input.value;
  loading.then(
    () => {
      if (!input.isConnected || input.value !== typed) return;
      input.dispatchEvent(new InputEvent('input', { inputType }));
      ((input.getRootNode() as ShadowRoot).host as ReactiveElement).requestUpdate();
    },
    // Left as typed; the submit loads the plans again, and says so if they still cannot be had.
    () => {},
  );
}

/** What each element's field last showed (keyed by its actions), so a late formatting never overwrites typing. */
const lastShown = new WeakMap<object, string>();

/**
 * A number given as digits alone (the `phone` attribute, or digits typed before these rules were
 * in), formatted as a typed one is once its plans are in: after this render (a render changes no
 * state), and only if the field still shows that number for that country. Anything else was typed
 * through the formatter, or has a message about it, and is left as it is.
 */
function formatGiven(
  phone: string,
  country: string,
  allowed: readonly string[],
  keep: boolean,
  actions: FormActions,
): void {
  const shown = `${country} ${phone}`;
  lastShown.set(actions, shown);
  if (keep || !/^\+?\d{4,}$/.test(phone)) return;
  Promise.resolve(metadataFor(phone, country)).then(
    () => {
      const { value, loading } = formatTyped(phone, phone.length, country, allowed);
      if (!loading && value !== phone && lastShown.get(actions) === shown) actions.edit('phone', value);
    },
    // Left as given; the submit loads the plans again.
    () => {},
  );
}

export interface PhoneFieldOptions {
  values: FormValues;
  error?: MessageKey;
  disabled?: boolean;
  autofocus?: boolean;
}

/**
 * Loaded with the phone rules when the person reaches the form (details-form.ts shows a plain
 * input until then). The phone number: a country selector (when more than one country is allowed) and an input that
 * formats as the person types, for the selected country, with libphonenumber-js's `AsYouType`.
 * A number typed or pasted with `+` selects its country; one from a country not allowed says so.
 */
export function phoneField(
  { values, error, disabled, autofocus }: PhoneFieldOptions,
  { t, actions, config }: ViewContext<FormActions>,
) {
  const { countries: allowed, lang } = config;
  const country = effectiveCountry(values.country, config.defaultCountry, allowed);
  const name = (code: string) => countryName(code, lang);
  const choose = allowed.length !== 1;
  // The selected country's plans start loading as the field shows, so typing formats from the first digit.
  metadataFor(values.phone, country)?.catch(() => {});
  formatGiven(values.phone, country, allowed, Boolean(error || disabled), actions);

  // A number written with `+` names its country: from a country not allowed, it says so at once.
  const from =
    values.phone.trim().startsWith('+') || error ? countryOfNumber(values.phone, country, allowed) : undefined;
  const refused = from && allowed.length && !allowed.includes(from) ? 'phoneNotAllowed' : undefined;
  const shown = refused ?? error;
  const message =
    !shown || !from
      ? shown && t.messages[shown]
      : shown === 'phoneNotAllowed'
        ? t.phoneNotAllowedFrom(name(from))
        : shown === 'phoneTooShort'
          ? t.phoneTooShortFor(name(from))
          : shown === 'phoneTooLong'
            ? t.phoneTooLongFor(name(from))
            : t.messages[shown];

  const listed = allowed.length ? allowed : byName(selectableCountries(allowed), lang);
  const options = listed.includes(country) ? listed : [country, ...listed];
  const selector = html`<span class="country" part="country">
      <span class="country-face" aria-hidden="true">${flag(country)} ${callingCode(country) ?? country}</span>
      <select
        name="country"
        aria-label=${t.countryLabel}
        aria-disabled=${disabled ? 'true' : 'false'}
        @change=${(e: Event) => {
          const select = e.target as HTMLSelectElement;
          // Held, not disabled, while a flow starts: focus may be here, and a disabled control drops it.
          if (disabled) {
            select.value = country;
            return;
          }
          const next = select.value;
          actions.edit('country', next);
          // What was typed, formatted for its new country (a number with `+` keeps its own).
          if (!values.phone.trim().startsWith('+')) {
            const typed = formatTyped(values.phone, values.phone.length, next, allowed);
            const input = (select.getRootNode() as ShadowRoot).getElementById('phone');
            if (typed.loading && input instanceof HTMLInputElement) readAgainOnceIn(typed.loading, input);
            else if (typed.value !== values.phone) actions.edit('phone', typed.value);
          }
        }}
      >
        ${options.map((c) => html`<option value=${c} ?selected=${c === country}>${flag(c)} ${name(c)} ${callingCode(c) ?? ''}</option>`)}
      </select>
    </span>`;

  return field({
    id: 'phone',
    name: 'phone',
    label: t.phone,
    value: values.phone,
    autocomplete: 'tel',
    type: 'tel',
    inputmode: 'tel',
    dir: 'ltr',
    before: choose ? selector : undefined,
    hint: t.phoneHintFor(name(country), callingCode(country) ?? ''),
    error: message || undefined,
    errorPrefix: t.errorPrefix,
    disabled,
    autofocus,
    onInput: (raw, event) => {
      const input = event.target as HTMLInputElement;
      const typed = formatTyped(
        raw,
        input.selectionStart ?? raw.length,
        country,
        allowed,
        values.phone,
        event.inputType === 'deleteContentBackward',
      );
      if (typed.loading)
        readAgainOnceIn(typed.loading, input, event.inputType === 'insertFromPaste' ? event.inputType : '');
      let { value, caret } = typed;
      const next = typed.country;
      const switchTo =
        choose && next && next !== country && (!allowed.length || allowed.includes(next)) ? next : undefined;
      // A pasted international number, once its country is selected, reads as that country writes it.
      if (switchTo && event.inputType === 'insertFromPaste') {
        const national = asNational(value, switchTo);
        if (national) [value, caret] = [national, national.length];
      }
      if (value !== raw) {
        // Set here, caret included; the re-render then finds the same value and leaves the caret be.
        input.value = value;
        input.setSelectionRange(caret, caret);
      }
      if (switchTo) actions.edit('country', switchTo);
      actions.edit('phone', value);
    },
  });
}
