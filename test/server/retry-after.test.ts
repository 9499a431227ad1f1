// src/retry-after.ts, the one Retry-After reader: the element's backend client and the server's
// Prove client each pass their own longest wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryAfterSeconds } from '../../src/retry-after.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const read = (header: string | null | undefined, max = 3600) => retryAfterSeconds(header, max, NOW);

test('delay-seconds: digits, around spaces', () => {
  assert.equal(read('5'), 5);
  assert.equal(read(' 5 '), 5);
  assert.equal(read('120'), 120);
  assert.equal(read('007'), 7);
});

test('an HTTP date: the whole seconds until it, on the clock given', () => {
  assert.equal(read(new Date(NOW + 20_000).toUTCString()), 20);
  assert.equal(read(new Date(NOW + 20_200).toUTCString()), 20, 'HTTP dates have whole seconds');
  assert.equal(read('Thu, 01 Jan 2026 12:01:00 GMT'), 60);
  assert.equal(read(new Date(NOW - 20_000).toUTCString()), 1, 'a date past is no wait, and no wait is 1');
});

test('none, garbage, zero or negative: 1', () => {
  for (const header of [
    null,
    undefined,
    '',
    '   ',
    'soon',
    'abc',
    '1.5',
    '-3',
    '0',
    '5 s',
    '0x10',
    'NaN',
    'Infinity',
  ]) {
    assert.equal(read(header), 1, JSON.stringify(header));
  }
});

test("the cap is the caller's: the element's hour, the Prove client's minute", () => {
  assert.equal(read('3600', 3600), 3600);
  assert.equal(read('3601', 3600), 3600);
  assert.equal(read('61', 60), 60);
  assert.equal(read('60', 60), 60);
  assert.equal(read(new Date(NOW + 7_200_000).toUTCString(), 3600), 3600);
  assert.equal(read(new Date(NOW + 3_600_000).toUTCString(), 60), 60);
  // Past Number's range, a run of digits is still the longest wait, not an unreadable header.
  assert.equal(read('1'.repeat(400), 60), 60);
  assert.equal(read('1'.repeat(400), 3600), 3600);
});

test('the clock defaults to now', () => {
  const inTen = new Date(Date.now() + 10_500).toUTCString();
  assert.ok([10, 11].includes(retryAfterSeconds(inTen, 60)));
});
