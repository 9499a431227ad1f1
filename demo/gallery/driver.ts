/**
 * Drives one <prove-verify> of the gallery through its own UI, as a person does: types into its
 * fields, clicks its buttons, types the code, and waits for the steps to come.
 */
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import type { Strings } from '../../src/i18n/strings.js';
import type { FakeRun, FakeSdk } from '../../test/support/fake-sdk.js';

export type StepName = ProveVerifyElement['step'];

/**
 * How long one scenario may take to reach its state: all of them run at once, so on a busy two-core
 * machine the last strips take several times the usual 15 s in all.
 */
const SCENARIO_TIMEOUT_MS = 40_000;

/** Prove's sandbox person whose details the form is filled with. */
export const ADDY = { firstName: 'Addy', lastName: 'Epinay', phone: '2001004010' };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Driver {
  constructor(
    readonly el: ProveVerifyElement,
    readonly sdk: FakeSdk,
    /** The element's words, to find its buttons as a person reads them. */
    readonly t: Strings,
  ) {}

  get root(): ShadowRoot {
    if (!this.el.shadowRoot) throw new Error('the element has no shadow root');
    return this.el.shadowRoot;
  }

  /** The newest run of the fake SDK. */
  get run(): FakeRun {
    const run = this.sdk.runs.at(-1);
    if (!run) throw new Error('the element never ran the SDK');
    return run;
  }

  find<T extends Element>(selector: string, what: string): T {
    const found = this.root.querySelector<T>(selector);
    if (!found) throw new Error(`no ${what} (${selector}) on the ${this.el.step} step`);
    return found;
  }

  /** Types into an input as a person does: its value, then the input event. */
  type(input: HTMLInputElement, value: string): void {
    input.focus({ preventScroll: true });
    input.value = value;
    input.dispatchEvent(
      new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: value }),
    );
  }

  /** Fills the details form (only the fields given). */
  async fill(values: Partial<typeof ADDY> = ADDY): Promise<void> {
    await this.el.updateComplete;
    if (values.firstName !== undefined)
      this.type(this.find('input[autocomplete="given-name"]', 'first name field'), values.firstName);
    if (values.lastName !== undefined)
      this.type(this.find('input[autocomplete="family-name"]', 'last name field'), values.lastName);
    if (values.phone !== undefined)
      this.type(this.find('input[type="tel"], input[autocomplete^="tel"]', 'phone field'), values.phone);
    await this.el.updateComplete;
  }

  /** Presses the step's main button (part `submit`). */
  async submit(): Promise<void> {
    await this.el.updateComplete;
    const button = this.find<HTMLButtonElement>('[part~="submit"]', 'main button');
    if (button.disabled) throw new Error(`the main button is disabled on the ${this.el.step} step`);
    button.click();
    await this.el.updateComplete;
  }

  /** Clicks the button that reads `label` in the element's language. */
  async press(label: string): Promise<void> {
    await this.el.updateComplete;
    const normal = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();
    const buttons = [...this.root.querySelectorAll<HTMLButtonElement>('button')];
    const button =
      buttons.find((b) => normal(b.textContent) === label) ??
      buttons.find((b) => normal(b.textContent).includes(label));
    if (!button) {
      const names = buttons.map((b) => JSON.stringify(normal(b.textContent))).join(', ');
      throw new Error(`no "${label}" button on the ${this.el.step} step (buttons: ${names})`);
    }
    if (button.disabled) throw new Error(`"${label}" is disabled on the ${this.el.step} step`);
    button.click();
    await this.el.updateComplete;
  }

  /** Types a code; if the element does not submit it by itself, presses its main button. */
  async enterCode(code: string): Promise<void> {
    await this.waitFor('otp-entry');
    const typed = this.run.codes.length;
    this.type(this.find('input[autocomplete="one-time-code"]', 'code field'), code);
    await this.el.updateComplete;
    await sleep(0);
    if (this.run.codes.length === typed && this.el.step === 'otp-entry') await this.submit();
  }

  /** Waits until the element is on `step` and `also` holds. */
  async waitFor(step: StepName, also: () => boolean = () => true, what = ''): Promise<void> {
    const deadline = performance.now() + SCENARIO_TIMEOUT_MS;
    for (;;) {
      let ok: boolean;
      try {
        ok = this.el.step === step && also();
      } catch {
        ok = false;
      }
      if (ok) {
        await this.el.updateComplete;
        return;
      }
      if (performance.now() > deadline)
        throw new Error(`never reached ${step}${what ? ` (${what})` : ''}; it is on ${this.el.step}`);
      // Hundreds of elements wait at once: look again at the next step, or in a while.
      await new Promise<void>((resolve) => {
        const done = () => {
          this.el.removeEventListener('prove-verify-step', done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, 100);
        this.el.addEventListener('prove-verify-step', done);
      });
    }
  }
}
