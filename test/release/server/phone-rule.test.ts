// One phone rule (src/phone-rule.ts) for the element, the backend and the Prove emulator: the three
// must say the same about any number, or a number the form accepts is refused a step later.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normalizePhone } from '../../../demo/server/emulator/phone.js';
import { checkLoading } from '../../../src/phone-rules.js';
import { VerifyBodySchema } from '../../../src/server/validation.js';
import { fuzzRuns } from '../../support/depth.js';

const PERSON = { firstName: 'Addy', lastName: 'Epinay', possessionType: 'mobile' };

/** E.164 or undefined, as each side reads `phone` (the element with the US as its country). */
async function readings(phone: string) {
  const element = await checkLoading(phone, 'US');
  const backend = VerifyBodySchema.safeParse({ ...PERSON, phoneNumber: phone });
  return {
    element: element.ok ? element.e164 : undefined,
    backend: backend.success ? backend.data.phoneNumber : undefined,
    emulator: normalizePhone(phone),
  };
}

describe('the phone rule, shared', () => {
  it('takes Prove sandbox numbers that are possible but not valid, and refuses what is not possible', async () => {
    assert.deepEqual(await readings('2001004010'), {
      element: '+12001004010',
      backend: '+12001004010',
      emulator: '+12001004010',
    });
    assert.deepEqual(await readings('+44 20 7946 0958'), {
      element: '+442079460958',
      backend: '+442079460958',
      emulator: '+442079460958',
    });
    assert.deepEqual(await readings('+1 200 100'), { element: undefined, backend: undefined, emulator: undefined });
  });

  it('gives the same answer on the element, the backend and the emulator for any typed number', async () => {
    const typed = fc.oneof(
      fc.stringMatching(/^\+?[0-9 ()-]{0,20}$/),
      fc
        .tuple(
          fc.constantFrom('+1', '+44', '+33', '+49', '+81', '+91', '+7', '+55', ''),
          fc.stringMatching(/^[0-9]{4,13}$/),
        )
        .map(([code, digits]) => code + digits),
    );
    await fc.assert(
      fc.asyncProperty(typed, async (phone) => {
        const { element, backend, emulator } = await readings(phone);
        assert.equal(backend, emulator, `backend and emulator on ${JSON.stringify(phone)}`);
        assert.equal(element, backend, `element and backend on ${JSON.stringify(phone)}`);
      }),
      { numRuns: fuzzRuns(400) },
    );
  });
});
