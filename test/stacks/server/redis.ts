// README "Your backend: prove-verify-server", block 4
import { Redis } from 'ioredis';
import { redisStore } from 'prove-verify-server';

// A Redis that is down: a quick 503 rather than a browser left waiting.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { commandTimeout: 2000 });
export const store = redisStore(redis); // createProveVerifyHandlers({ ...as above, store })
