// docs/server.md "More than one machine: Redis", block 1
import { Redis } from 'ioredis';
import { redisStore } from 'prove-verify-server';

// A Redis that is down or stalled: a quick 503 store_unavailable (the page says to try again in
// 5 seconds) rather than a browser left waiting, and no command sent late, after its request was answered.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  commandTimeout: 1000,
  enableOfflineQueue: false,
  autoResendUnfulfilledCommands: false,
});
// ioredis reconnects by itself: one line per failure, not Node's "Unhandled error event" and its stack.
redis.on('error', (error) => console.warn(`prove-verify redis: ${error.message}`));
export const store = redisStore(redis); // createProveVerifyHandlers({ ...as above, store })
