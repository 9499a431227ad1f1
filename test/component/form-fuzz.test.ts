/**
 * Bad input, generated (fast-check): names and phone strings a person could type or paste —
 * empty, blank, 10,000 characters, emoji, right-to-left, control characters, HTML and script
 * payloads. Whatever comes in, no script runs and nothing invalid reaches the backend: the form
 * either shows a field message or sends a normalized request.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import fc from 'fast-check';
import '../../src/prove-verify.js';
import type { ProveVerifyElement } from '../../src/prove-verify-element.js';
import { NAME_FORBIDDEN } from '../../src/name-rule.js';
import { loadLazy } from '../../src/flow/lazy-loader.js';
import { metadataFor } from '../../src/phone-rules.js';
import { validateForm } from '../../src/flow/validate.js';
import { emptyValues } from '../../src/flow/state.js';
import { FakeSdk } from '../support/fake-sdk.js';
import { backendFor, buttonByName, fillDetails, requestsSent, root, untilStep } from '../support/dom.js';
import { fuzzRuns } from '../support/depth.js';

declare global {
  interface Window {
    pwned?: string;
  }
}

/** Markup that runs script wherever it is parsed as HTML instead of shown as text. */
const PAYLOADS = [
  '<script>window.pwned="script"</script>',
  '<img src=x onerror="window.pwned=\'img\'">',
  '"><svg onload="window.pwned=\'svg\'">',
  "'); window.pwned='quote'; //",
  '${window.pwned="template"}',
  'javascript:window.pwned="href"',
  '<iframe srcdoc="<script>parent.pwned=1</script>">',
];
const RIGHT_TO_LEFT = ['مریم', 'ש', 'אברהם כהן', 'عبد الله', 'ناصر\u200cالدين'];
const HIDDEN = ['\u202e', '\u2066', '\u200f', '\u0000', '\u0007', '\u001b[31m', '\u2028', '\u0085'];

/** A string a person could put in a name field, good or bad. */
const nameInput = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\t\n',
    '   Addy   ',
    'A'.repeat(10_000),
    'A'.repeat(100),
    'A'.repeat(101),
    '👩🏽‍💻',
    'Zoë-Ann O’Brien',
  ),
  fc.constantFrom(...PAYLOADS, ...RIGHT_TO_LEFT),
  fc
    .tuple(fc.constantFrom('Addy', ...RIGHT_TO_LEFT), fc.constantFrom(...HIDDEN), fc.string({ maxLength: 5 }))
    .map((p) => p.join('')),
);

/** A string a person could put in the phone field, good or bad. */
const phoneInput = fc.oneof(
  fc.stringMatching(/^\+?[0-9 ()\-.]{0,20}$/),
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '2001004010',
    '(200) 100-4010',
    '+1 200 100 4010',
    '+44 20 7946 0958',
    '+33 6 12 34 56 78',
    '911',
    '1'.repeat(10_000),
  ),
  fc.constantFrom('٢٠٠١٠٠٤٠١٠', '２００１００４０１０', '200\u202e1004010', '200-100-4010 ext. 5', ...PAYLOADS),
);

/** Mostly anything; one time in five a person who typed well, so both outcomes are always tried. */
const formInput = fc.oneof(
  { arbitrary: fc.tuple(nameInput, nameInput, phoneInput), weight: 4 },
  {
    arbitrary: fc.tuple(
      fc.constantFrom('Addy', ' Zoë ', 'مریم', '李'),
      fc.constantFrom('Epinay', 'O’Brien', 'כהן'),
      fc.constantFrom('2001004010', '(200) 100-4010', '+44 20 7946 0958'),
    ),
    weight: 1,
  },
);

const E164 = /^\+[1-9]\d{6,14}$/;

/** What a sent start request may hold; anything else is invalid data sent. */
function assertNormalized(body: Record<string, unknown>): void {
  for (const field of ['firstName', 'lastName'] as const) {
    const name = body[field];
    expect(typeof name).to.equal('string');
    expect((name as string).trim()).to.equal(name);
    expect((name as string).length).to.be.within(1, 100);
    expect(NAME_FORBIDDEN.test(name as string)).to.equal(
      false,
      `${field} ${JSON.stringify(name)} holds a forbidden character`,
    );
  }
  expect(body.phoneNumber).to.match(E164);
  expect(body.possessionType).to.equal('mobile');
}

describe('<prove-verify> form under generated bad input', () => {
  // The rules and the numbering plans of the countries the generated numbers name (+1, +44, +33):
  // without its plan a number is refused, and the success path would go untried.
  before(async () => {
    await loadLazy();
    await Promise.all(['+1', '+44', '+33'].map((prefix) => metadataFor(prefix, 'US') ?? Promise.resolve()));
  });
  afterEach(() => {
    expect(window.pwned).to.equal(undefined);
  });

  it(`the form check answers every generated input with field messages or an E.164 number (${fuzzRuns(5000).toLocaleString('en')} runs)`, () => {
    const countries = { defaultCountry: 'US', countries: [] as string[] };
    let passed = 0;
    fc.assert(
      fc.property(formInput, ([firstName, lastName, phone]) => {
        const check = validateForm({ ...emptyValues(), firstName, lastName, phone }, countries);
        if (check.ok) {
          passed++;
          expect(check.phoneNumber).to.match(E164);
          for (const name of [firstName.trim(), lastName.trim()]) {
            expect(name.length).to.be.within(1, 100);
            expect(NAME_FORBIDDEN.test(name)).to.equal(false);
          }
        } else {
          expect(Object.keys(check.errors)).to.not.have.length(0);
        }
      }),
      { numRuns: fuzzRuns(5000) },
    );
    expect(passed, 'inputs that passed the check').to.be.above(0);
  });

  it(`typed into the element, each input shows a field message or sends a normalized request, and never runs a script (${fuzzRuns(150)} runs)`, async function () {
    this.timeout(120_000);
    const backend = backendFor();
    const sdk = new FakeSdk();
    const el = await fixture<ProveVerifyElement>(
      html`<prove-verify backend-url=${backend.url} possession-type="mobile" .sdk=${sdk}></prove-verify>`,
    );
    let sent = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(formInput, async ([firstName, lastName, phone]) => {
        // Each run starts on the form, whatever the last one (even a failed one, while fast-check
        // shrinks it) left behind.
        if (el.step !== 'form') {
          el.reset();
          await untilStep(el, 'form');
        }
        const before = (await requestsSent(backend.id)).length;
        await fillDetails(el, firstName, lastName, phone);
        buttonByName(el, 'Verify').click();
        await waitUntil(
          () => el.step === 'otp-entry' || root(el).querySelector('[id$="-error"]') !== null,
          `neither a field message nor the code step for ${JSON.stringify([firstName.slice(0, 40), lastName.slice(0, 40), phone.slice(0, 40)])}`,
          { timeout: 5000 },
        );
        const requests = await requestsSent(backend.id);
        if (el.step === 'otp-entry') {
          sent++;
          expect(requests).to.have.length(before + 1);
          assertNormalized(requests[before]!.body);
        } else {
          // Refused: no request left, and the message names a field the person can fix.
          refused++;
          expect(requests).to.have.length(before);
          expect(el.step).to.equal('form');
        }
        // Whatever was typed shows as text: no element the input could have created.
        expect(root(el).querySelector('script, img, svg, iframe')).to.equal(null);
        expect(window.pwned).to.equal(undefined);
      }),
      { numRuns: fuzzRuns(150) },
    );
    expect(sent, 'runs that sent a request').to.be.above(0);
    expect(refused, 'runs that were refused').to.be.above(0);
  });
});
