/**
 * Colour: every visible text of every step, measured as a person sees it (its colour, faded by
 * opacity, over the first painted background behind it), on light and dark pages, on a light page
 * with the OS in dark mode, with `theme="dark"` forced, and in forced colours.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, executeServerCommand } from '@web/test-runner-commands';
import '../../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../../src/prove-verify-element.js';
import { FakeSdk } from '../../support/fake-sdk.js';
import { backendFor, buttonByName, fillDetails, inputByLabel, until, untilStep } from '../../support/dom.js';

type Rgba = [number, number, number, number];

function parseColor(value: string): Rgba {
  const rgb = /rgba?\(([^)]+)\)/.exec(value)?.[1];
  if (rgb) {
    const [r, g, b, a = '1'] = rgb.split(/[\s,/]+/).filter(Boolean);
    return [Number(r), Number(g), Number(b), Number(a)];
  }
  const srgb = /color\(srgb ([^)]+)\)/.exec(value)?.[1];
  if (srgb) {
    const [r, g, b, , a = '1'] = srgb.split(/\s+/);
    return [Number(r) * 255, Number(g) * 255, Number(b) * 255, Number(a)];
  }
  throw new Error(`Unreadable colour: ${value}`);
}

/** `top` painted over `bottom` (which is opaque). */
function over(top: Rgba, bottom: Rgba): Rgba {
  const [r, g, b, a] = top;
  const [br, bg, bb] = bottom;
  return [r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a), 1];
}

function luminance([r, g, b]: Rgba): number {
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: Rgba, b: Rgba): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** The parent across a shadow root's boundary. */
function up(node: Element): Element | null {
  return node.parentElement ?? ((node.getRootNode() as ShadowRoot).host || null);
}

/** What is painted behind an element: its backgrounds and its ancestors', composited, over the canvas. */
function backgroundBehind(el: Element): Rgba {
  const layers: Rgba[] = [];
  for (let node: Element | null = el; node; node = up(node)) {
    const bg = parseColor(getComputedStyle(node).backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] === 1) break;
  }
  // Nothing opaque: the canvas, which follows the root's colour scheme.
  let result: Rgba = layers.at(-1)?.[3] === 1 ? layers.pop()! : canvas();
  for (const layer of layers.reverse()) result = over(layer, result);
  return result;
}

function canvas(): Rgba {
  const probe = document.createElement('div');
  probe.style.cssText = 'background: Canvas; color-scheme: inherit';
  document.documentElement.append(probe);
  const value = parseColor(getComputedStyle(probe).backgroundColor);
  probe.remove();
  return value;
}

function opacity(el: Element): number {
  let value = 1;
  for (let node: Element | null = el; node; node = up(node)) value *= Number(getComputedStyle(node).opacity);
  return value;
}

export interface Measured {
  text: string;
  ratio: number;
  fg: Rgba;
  bg: Rgba;
}

/**
 * Every text a person sees in the element: text nodes and input values. Disabled controls are
 * left out, as WCAG 1.4.3 leaves them out; the visually hidden live region is not seen.
 */
export function measureTexts(el: ProveVerifyElement): Measured[] {
  const root = el.shadowRoot!;
  const found: Measured[] = [];
  const measure = (owner: Element, text: string) => {
    if (
      owner.closest('.visually-hidden, :disabled') ||
      !owner.checkVisibility({ opacityProperty: false, visibilityProperty: true })
    )
      return;
    const bg = backgroundBehind(owner);
    const color = parseColor(getComputedStyle(owner).color);
    const fg = over([color[0], color[1], color[2], color[3] * opacity(owner)], bg);
    found.push({ text: text.trim().slice(0, 40), ratio: Math.round(contrast(fg, bg) * 100) / 100, fg, bg });
  };
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.textContent!.trim() && node.parentElement) measure(node.parentElement, node.textContent!);
  }
  for (const input of root.querySelectorAll('input')) if (input.value) measure(input, input.value);
  return found;
}

function expectReadable(measured: Measured[], where: string) {
  expect(measured.length, `${where}: texts found`).to.be.greaterThan(0);
  const poor = measured.filter((m) => m.ratio < 4.5);
  expect(poor, `${where}: texts under 4.5:1`).to.deep.equal([]);
}

/** Mounts elements in each step a person reads, and measures all of them. */
async function measureSteps(theme?: string): Promise<{ min: number; texts: Measured[] }> {
  const texts: Measured[] = [];
  const check = async (label: string, el: ProveVerifyElement) => {
    await el.updateComplete;
    const measured = measureTexts(el);
    expectReadable(measured, label);
    texts.push(...measured);
  };
  const mount = async (scenario: string, possession: 'mobile' | 'desktop' = 'mobile') => {
    const sdk = new FakeSdk();
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url=${backendFor(scenario).url} possession-type=${possession} theme=${theme ?? ''} .sdk=${sdk}></prove-verify>`,
    );
    if (!theme) el.removeAttribute('theme');
    return { el, sdk };
  };

  // The form with field errors, then the code screen, then the results.
  const { el: form } = await mount('ok');
  buttonByName(form, 'Verify').click();
  // The form is checked once the phone rules are in: measured with its messages showing.
  await until(() => form.shadowRoot!.querySelector('[id$="-error"]'), 'the empty form showed no messages');
  await check('form with errors', form);

  const { el, sdk } = await mount('ok');
  const checking = sdk.hold('code');
  await fillDetails(el);
  buttonByName(el, 'Verify').click();
  await untilStep(el, 'otp-entry');
  await check('code entry', el);
  inputByLabel(el, /code/i).value = '1234';
  el.shadowRoot!.querySelector('form')!.requestSubmit();
  await untilStep(el, 'otp-checking');
  await check('checking', el);
  checking.release();
  await untilStep(el, 'success');
  await check('success', el);

  for (const [scenario, step] of [
    ['nomatch', 'failure'],
    ['status-500', 'error'],
  ] as const) {
    const { el } = await mount(scenario);
    await fillDetails(el);
    buttonByName(el, 'Verify').click();
    await untilStep(el, 'otp-entry');
    inputByLabel(el, /code/i).value = '1234';
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    await untilStep(el, step);
    await check(step, el);
  }

  const { el: desktop } = await mount('ok', 'desktop');
  await fillDetails(desktop);
  buttonByName(desktop, 'Verify').click();
  await untilStep(desktop, 'link-waiting');
  await check('link wait', desktop);
  return { min: Math.min(...texts.map((t) => t.ratio)), texts };
}

function textColorLuminance(el: ProveVerifyElement): number {
  return luminance(parseColor(getComputedStyle(el.shadowRoot!.querySelector('h2')!).color));
}

describe('<prove-verify> colour and theming', () => {
  const root = document.documentElement;
  afterEach(async () => {
    root.style.colorScheme = '';
    root.style.background = '';
    document.body.style.background = '';
    await emulateMedia({ colorScheme: 'light', forcedColors: 'none' });
  });

  it('reads at 4.5:1 or more on a light page, in every step', async () => {
    const { min } = await measureSteps();
    console.log(`light page: lowest contrast ${min.toFixed(2)}:1`);
    expect(min).to.be.at.least(4.5);
  });

  it('turns dark on a page whose color-scheme is dark, and reads at 4.5:1 or more', async () => {
    root.style.colorScheme = 'dark';
    root.style.background = '#121212';
    const { min } = await measureSteps();
    console.log(`dark page: lowest contrast ${min.toFixed(2)}:1`);
    expect(min).to.be.at.least(4.5);
    const el = await fixture<ProveVerifyElement>(html`<prove-verify backend-url="/x"></prove-verify>`);
    expect(textColorLuminance(el), 'light text').to.be.greaterThan(0.5);
  });

  it('stays light on a light page when the OS is in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    expect(matchMedia('(prefers-color-scheme: dark)').matches).to.equal(true);
    const el = await fixture<ProveVerifyElement>(html`<prove-verify backend-url="/x"></prove-verify>`);
    expect(textColorLuminance(el), 'dark text, as on the light page').to.be.lessThan(0.05);
    const { min } = await measureSteps();
    console.log(`light page, dark OS: lowest contrast ${min.toFixed(2)}:1`);
    expect(min).to.be.at.least(4.5);
  });

  it('theme="dark" on a light page paints its own dark panel and reads at 4.5:1 or more', async () => {
    const el = await fixture<ProveVerifyElement>(html`<prove-verify backend-url="/x" theme="dark"></prove-verify>`);
    expect(textColorLuminance(el)).to.be.greaterThan(0.5);
    expect(luminance(backgroundBehind(el.shadowRoot!.querySelector('h2')!))).to.be.lessThan(0.05);
    const { min } = await measureSteps('dark');
    console.log(`theme=dark on a light page: lowest contrast ${min.toFixed(2)}:1`);
    expect(min).to.be.at.least(4.5);
  });

  it('theme="light" on a dark page stays light and readable', async () => {
    root.style.colorScheme = 'dark';
    root.style.background = '#121212';
    const el = await fixture<ProveVerifyElement>(html`<prove-verify backend-url="/x" theme="light"></prove-verify>`);
    expect(textColorLuminance(el)).to.be.lessThan(0.05);
    const { min } = await measureSteps('light');
    console.log(`theme=light on a dark page: lowest contrast ${min.toFixed(2)}:1`);
    expect(min).to.be.at.least(4.5);
  });

  it('reads at 4.5:1 or more in forced colours', async () => {
    // The runner's emulateMedia does not pass forced colours on; web-test-runner.config.mjs does.
    await executeServerCommand('emulate-forced-colors', { active: true });
    try {
      expect(matchMedia('(forced-colors: active)').matches, 'forced colours are on').to.equal(true);
      const { min } = await measureSteps();
      expect(min).to.be.at.least(4.5);
    } finally {
      await executeServerCommand('emulate-forced-colors', { active: false });
    }
  });

  it('keeps the custom properties: accent, its text, colour and danger', async () => {
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify
        backend-url="/x"
        style="--prove-verify-accent: rgb(0, 100, 0); --prove-verify-accent-text: rgb(255, 255, 0); --prove-verify-color: rgb(40, 0, 40)"
      ></prove-verify>`,
    );
    const submit = el.shadowRoot!.querySelector('button.primary')!;
    expect(getComputedStyle(submit).backgroundColor).to.equal('rgb(0, 100, 0)');
    expect(getComputedStyle(submit).color).to.equal('rgb(255, 255, 0)');
    expect(getComputedStyle(el.shadowRoot!.querySelector('h2')!).color).to.equal('rgb(40, 0, 40)');
  });

  it('passes axe in light and in dark', async () => {
    for (const scheme of ['light', 'dark']) {
      root.style.colorScheme = scheme;
      root.style.background = scheme === 'dark' ? '#121212' : '';
      const el = await fixture<ProveVerifyElement>(
        html`<prove-verify backend-url=${backendFor('nomatch').url} possession-type="mobile" .sdk=${new FakeSdk()}></prove-verify>`,
      );
      await expect(el).to.be.accessible();
      await fillDetails(el);
      buttonByName(el, 'Verify').click();
      await untilStep(el, 'otp-entry');
      await expect(el).to.be.accessible();
      inputByLabel(el, /code/i).value = '1234';
      el.shadowRoot!.querySelector('form')!.requestSubmit();
      await untilStep(el, 'failure');
      await expect(el).to.be.accessible();
    }
  });
});
