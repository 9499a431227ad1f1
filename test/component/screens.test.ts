/**
 * Finished screens: one steady panel through a flow, progress with a heading and spinner, results
 * with icon and words, actions at 320 px.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { FakeSdk } from '../support/fake-sdk.js';
import { nth } from '../support/nth.js';
import {
  backendFor,
  buttonByName,
  fillDetails,
  focused,
  hasButton,
  inputByLabel,
  until,
  untilStep,
  watchFetches,
} from '../support/dom.js';

async function mount(scenario = 'ok', possession = 'mobile', width = '') {
  const sdk = new FakeSdk();
  const el = await fixture<ProveVerifyElement>(
    html`<prove-verify style=${width} backend-url=${backendFor(scenario).url} possession-type=${possession} resend-after="0" .sdk=${sdk}></prove-verify>`,
  );
  await fillDetails(el);
  return { el, sdk };
}

async function toCodeEntry(el: ProveVerifyElement) {
  buttonByName(el, 'Verify').click();
  await untilStep(el, 'otp-entry');
}

function submitCode(el: ProveVerifyElement, code = '1234') {
  inputByLabel(el, /code/i).value = code;
  el.shadowRoot!.querySelector('form')!.requestSubmit();
}

const heading = (el: ProveVerifyElement) => el.shadowRoot!.querySelector('h2')?.textContent?.trim();

/** The lines the first `text` in `container` is laid out on (a range over it, its boxes' tops). */
function linesOf(container: Element, text: string): number {
  const nodes: Text[] = [];
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) nodes.push(walker.currentNode as Text);
  const start = nodes
    .map((n) => n.data)
    .join('')
    .indexOf(text);
  if (start < 0) throw new Error(`"${text}" is not in "${container.textContent}"`);
  const at = (offset: number): [Text, number] => {
    for (const n of nodes) {
      if (offset <= n.length) return [n, offset];
      offset -= n.length;
    }
    throw new Error('past the end');
  };
  const range = document.createRange();
  range.setStart(...at(start));
  range.setEnd(...at(start + text.length));
  return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom))).size;
}

/** WCAG's contrast ratio of two computed `rgb()` colours. */
function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r, g, bl] = colour
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((v) => Number(v) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
const lineHeight = (el: ProveVerifyElement) => parseFloat(getComputedStyle(el).fontSize) * 1.5;

describe('<prove-verify> finished screens', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
    await emulateMedia({ reducedMotion: 'no-preference' });
  });

  it("draws the form's text in two sizes and weights, the heading's and the body's (each is a font lookup of its own before the first paint)", async () => {
    const el = await fixture<ProveVerifyElement>(html`<prove-verify backend-url="/api"></prove-verify>`);
    const fonts = new Map<string, string[]>();
    for (const node of el.shadowRoot!.querySelectorAll<HTMLElement>('*')) {
      const text = [...node.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      if (!(node instanceof HTMLInputElement) && text.length === 0) continue;
      const style = getComputedStyle(node);
      const font = `${style.fontSize} ${style.fontWeight}`;
      fonts.set(font, [...(fonts.get(font) ?? []), node.localName]);
    }
    const body = `${getComputedStyle(el).fontSize} 400`;
    expect(fonts.get(body), 'labels, intro, hint, inputs and button').to.include.members([
      'label',
      'p',
      'input',
      'button',
    ]);
    const others = [...fonts].filter(([font]) => font !== body);
    expect(others.map(([, names]) => names)).to.deep.equal([['h2']]);
    expect(parseFloat(others[0]![0])).to.be.greaterThan(parseFloat(body));
  });

  it('keeps one steady panel height through form, sending, code entry, checking, checking the result and the result', async () => {
    const { el, sdk } = await mount();
    // Each step that waits on Prove or the backend stays until it is measured.
    const sending = sdk.hold('resend');
    const checking = sdk.hold('code');
    const status = watchFetches('/verify-status', { held: true });
    try {
      const heights: Record<string, number> = { form: el.getBoundingClientRect().height };
      await toCodeEntry(el);
      heights['otp-entry'] = el.getBoundingClientRect().height;
      buttonByName(el, 'Resend code').click();
      await untilStep(el, 'otp-sending');
      heights['otp-sending'] = el.getBoundingClientRect().height;
      sending.release();
      await untilStep(el, 'otp-entry');
      submitCode(el);
      await untilStep(el, 'otp-checking');
      heights['otp-checking'] = el.getBoundingClientRect().height;
      checking.release();
      await untilStep(el, 'verifying');
      heights.verifying = el.getBoundingClientRect().height;
      status.release();
      await untilStep(el, 'success');
      heights.success = el.getBoundingClientRect().height;
      const values = Object.values(heights);
      const spread = Math.max(...values) - Math.min(...values);
      console.log(`panel heights: ${JSON.stringify(heights)}`);
      // "Within a few lines": at most two lines of text between the tallest and the shortest step.
      expect(spread, JSON.stringify(heights)).to.be.at.most(2 * lineHeight(el));
    } finally {
      status.stop();
    }
  });

  it('gives progress steps a heading, the spinner and what is happening; the heading takes focus', async () => {
    const { el } = await mount();
    // The result stays on its way until the step has been looked at.
    const status = watchFetches('/verify-status', { held: true });
    try {
      await toCodeEntry(el);
      submitCode(el);
      await untilStep(el, 'verifying');
      const root = el.shadowRoot!;
      expect(heading(el)).to.equal('Checking the result');
      expect(root.querySelector('[part~="spinner"]')).not.to.equal(null);
      expect(root.querySelector('[part~="spinner"]')!.getAttribute('aria-hidden')).to.equal('true');
      expect(root.querySelector('[part~="status"]')!.textContent).to.equal('This only takes a moment.');
      expect(focused(el)).to.equal(root.querySelector('h2'));
      await expect(el).to.be.accessible();
      status.release();
      await untilStep(el, 'success');
    } finally {
      status.stop();
    }
  });

  it('stops the spinner when the person asks for reduced motion', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    const { el } = await mount('ok', 'desktop');
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'link-waiting');
    expect(getComputedStyle(el.shadowRoot!.querySelector('[part~="spinner"]')!).animationName).to.equal('none');
  });

  for (const [scenario, step, words, colour] of [
    ['ok', 'success', 'Phone number verified', '--prove-verify-success'],
    ['nomatch', 'failure', 'We couldn’t verify this phone number', '--prove-verify-danger'],
  ] as const) {
    it(`shows ${step} with an icon in its colour and words that say the same`, async () => {
      const { el } = await mount(scenario);
      el.style.setProperty(colour, 'rgb(1, 2, 3)');
      await toCodeEntry(el);
      submitCode(el);
      await untilStep(el, step);
      const icon = el.shadowRoot!.querySelector(`[part~="${step}"] svg`)!;
      expect(icon.getAttribute('aria-hidden')).to.equal('true');
      expect(icon.getBoundingClientRect().width).to.be.greaterThan(24);
      expect(getComputedStyle(icon).color).to.equal('rgb(1, 2, 3)');
      expect(heading(el)).to.equal(words);
      await expect(el).to.be.accessible();
    });
  }

  it('gives the status-call error a heading, the reason, "Try again" filled and "Start again" as text', async () => {
    const { el } = await mount('status-500');
    await toCodeEntry(el);
    submitCode(el);
    await untilStep(el, 'error');
    expect(heading(el)).to.equal('We couldn’t get the result');
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('Something went wrong on our side.');
    const retry = buttonByName(el, 'Try again');
    const again = buttonByName(el, 'Start again');
    expect(focused(el)).to.equal(retry);
    expect(getComputedStyle(retry).backgroundColor).to.not.equal('rgba(0, 0, 0, 0)');
    expect(getComputedStyle(again).backgroundColor, 'a text button').to.equal('rgba(0, 0, 0, 0)');
    await expect(el).to.be.accessible();
  });

  it('shows secondary actions as text buttons beside the filled main one', async () => {
    const { el } = await mount();
    await toCodeEntry(el);
    const main = buttonByName(el, 'Confirm code');
    expect(getComputedStyle(main).backgroundColor).to.not.equal('rgba(0, 0, 0, 0)');
    for (const name of [/Resend code/, 'Change number', 'Cancel']) {
      const button = buttonByName(el, name);
      expect(getComputedStyle(button).backgroundColor, String(name)).to.equal('rgba(0, 0, 0, 0)');
      expect(getComputedStyle(button).borderTopColor, String(name)).to.equal('rgba(0, 0, 0, 0)');
    }
  });

  for (const possession of ['mobile', 'desktop']) {
    it(`stacks the ${possession} actions full width at 320 px, none overflowing`, async () => {
      await setViewport({ width: 320, height: 640 });
      const { el } = await mount('ok', possession);
      buttonByName(el, 'Verify').click();
      await untilStep(el, possession === 'mobile' ? 'otp-entry' : 'link-waiting');
      const host = el.getBoundingClientRect();
      expect(host.right).to.be.at.most(320);
      const buttons = [...el.shadowRoot!.querySelectorAll('.actions > button')].map((b) => b.getBoundingClientRect());
      expect(buttons).to.have.length(3);
      for (const b of buttons) {
        expect(b.left).to.be.at.least(host.left - 0.5);
        expect(b.right).to.be.at.most(host.right + 0.5);
        expect(b.width, 'full width').to.be.closeTo(host.width, 1);
      }
      // One per row, each under the last.
      buttons.slice(1).forEach((b, i) => expect(b.top).to.be.at.least(nth(buttons, i, 'button').bottom));
      expect(el.scrollWidth).to.be.at.most(el.clientWidth);
    });
  }

  const words = {
    es: { verify: 'Verificar', mobile: 'Reenviar código', desktop: 'Reenviar enlace', cancel: 'Cancelar' },
    fr: { verify: 'Vérifier', mobile: 'Renvoyer le code', desktop: 'Renvoyer le lien', cancel: 'Annuler' },
  };
  for (const lang of ['es', 'fr'] as const) {
    for (const width of [1280, 320]) {
      for (const possession of ['mobile', 'desktop'] as const) {
        it(`keeps every ${possession} secondary label on one line, in ${lang}, at ${width === 1280 ? 'the default 416' : '320'} px`, async () => {
          await setViewport({ width, height: 800 });
          // A sans-serif face, wider than the page's default serif, as most sites' text is.
          const el = await fixture<ProveVerifyElement>(
            html`<prove-verify style="font-family: sans-serif" backend-url=${backendFor().url} possession-type=${possession} resend-after="0" .sdk=${new FakeSdk()}></prove-verify>`,
          );
          await fillDetails(el);
          el.lang = lang;
          await until(() => hasButton(el, words[lang].verify), `${lang} never loaded`);
          buttonByName(el, words[lang].verify).click();
          await untilStep(el, possession === 'mobile' ? 'otp-entry' : 'link-waiting');
          const host = el.getBoundingClientRect();
          const buttons = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.actions > button')];
          expect(buttons.map((b) => b.textContent.trim())).to.include.members([
            words[lang][possession],
            words[lang].cancel,
          ]);
          for (const button of buttons) {
            const box = button.getBoundingClientRect();
            const name = button.textContent.trim();
            // One line: no taller than the button's own minimum, which holds one line and its padding.
            expect(box.height, `${name}: ${box.height}px tall`).to.be.at.most(
              parseFloat(getComputedStyle(button).minHeight) + 0.5,
            );
            expect(button.scrollWidth, `${name} overflows`).to.be.at.most(button.clientWidth);
            expect(box.left).to.be.at.least(host.left - 0.5);
            expect(box.right).to.be.at.most(host.right + 0.5);
          }
          expect(el.scrollWidth).to.be.at.most(el.clientWidth);
        });
      }
    }
  }

  it('never breaks a phone number across lines, at 320 px or narrower', async () => {
    await setViewport({ width: 320, height: 640 });
    const { el, sdk } = await mount();
    const sending = sdk.hold('resend');
    const number = '(200) 100-4010';
    const widths = Array.from({ length: 40 }, (_, i) => 160 + i * 4);
    const unbroken = (what: string, container: () => Element) => {
      for (const w of widths) {
        el.style.maxWidth = `${w}px`;
        expect(linesOf(container(), number), `${what} at ${w}px`).to.equal(1);
      }
      el.style.maxWidth = '';
    };
    await toCodeEntry(el);
    unbroken('the code intro', () => el.shadowRoot!.querySelector('#code-intro')!);
    buttonByName(el, 'Resend code').click();
    await untilStep(el, 'otp-sending');
    unbroken('the sending step', () => el.shadowRoot!.querySelector('[part~="status"]')!);
    sending.release();
    await untilStep(el, 'otp-entry');
  });

  for (const theme of ['light', 'dark']) {
    it(`draws the spinner's arc at 3:1 or more against its track in ${theme}`, async () => {
      const el = await fixture<ProveVerifyElement>(
        html`<prove-verify theme=${theme} backend-url=${backendFor().url} possession-type="desktop" .sdk=${new FakeSdk()}></prove-verify>`,
      );
      await fillDetails(el);
      buttonByName(el, 'Verify').click();
      await untilStep(el, 'link-waiting');
      const spinner = getComputedStyle(el.shadowRoot!.querySelector('[part~="spinner"]')!);
      const ratio = contrast(spinner.borderTopColor, spinner.borderBottomColor);
      expect(ratio, `arc ${spinner.borderTopColor} on track ${spinner.borderBottomColor}`).to.be.at.least(3);
    });
  }

  it('keeps the actions on one row when it is wide enough', async () => {
    await setViewport({ width: 1280, height: 800 });
    const { el } = await mount();
    await toCodeEntry(el);
    const tops = [...el.shadowRoot!.querySelectorAll('.actions > button')].map((b) =>
      Math.round(b.getBoundingClientRect().top),
    );
    expect(new Set(tops).size).to.equal(1);
  });
});
