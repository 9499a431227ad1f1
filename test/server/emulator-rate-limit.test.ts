import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../../demo/server/emulator/errors.js';
import { RateLimiter } from '../../demo/server/emulator/rate-limit.js';

// The emulator's 25-a-second rule keeps one window per client id and per flow; a flow's window
// must leave with it, or a long run's memory grows with every flow it ever saw.

test('over the rate a key gets 429 with Retry-After; another key is not held up', () => {
  const clock = { now: 0 };
  const limiter = new RateLimiter(2, () => clock.now);
  limiter.take('flow:a');
  limiter.take('flow:a');
  assert.throws(
    () => limiter.take('flow:a'),
    (error: HttpError) => error.status === 429 && error.headers['Retry-After'] === '1',
  );
  limiter.take('flow:b');
  clock.now += 1000;
  limiter.take('flow:a');
});

test('the sweep drops closed windows and keeps open ones', () => {
  const clock = { now: 0 };
  const limiter = new RateLimiter(25, () => clock.now);
  for (let i = 0; i < 100; i++) limiter.take(`flow:${i}`);
  clock.now += 500;
  limiter.take('flow:late');
  limiter.sweep();
  assert.equal(limiter.size, 101, 'every window is still open');
  clock.now += 500;
  limiter.sweep();
  assert.equal(limiter.size, 1, 'only the window opened half a second later is left');
  clock.now += 500;
  limiter.sweep();
  assert.equal(limiter.size, 0);
});
