/**
 * The webhook replay cache (webhook-replay.ts) in Redis, so a token taken by one machine is
 * refused by the others, and the cache is one size over all of them:
 *   <prefix>webhook:<key>     a token taken, until it would be refused anyway
 *   <prefix>webhook-tokens    sorted set of the tokens taken by `iat`: which to forget when full
 *   <prefix>webhook-mark      the newest `iat` forgotten to make room: a token issued no later is refused
 * One script does it all, so two machines taking tokens at once never both find the last place.
 */
import type { RedisClient } from './redis-store.js';
import type { WebhookTokenStore } from './store.js';
import { DEFAULT_MAX_WEBHOOK_TOKENS, forgetBatch, type ReplayAnswer } from './webhook-replay.js';
import { WEBHOOK_TOKEN_LIFETIME_MS } from './webhooks.js';

// KEYS: token, index, mark. ARGV: now, forgetAt, issuedAt, max, batch, token key prefix, member, lifetime.
// Index entries issued more than a token's lifetime ago are refused anyway: they leave first.
const TAKE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'replayed' end
local now = tonumber(ARGV[1])
local issued = tonumber(ARGV[3])
local lifetime = tonumber(ARGV[8])
local mark = tonumber(redis.call('GET', KEYS[3]) or '-1')
if issued <= mark then return 'forgotten' end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now - lifetime))
local answer = 'new'
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, tonumber(ARGV[5]) - 1, 'WITHSCORES')
  for i = 1, #oldest, 2 do
    redis.call('DEL', ARGV[6] .. oldest[i])
    redis.call('ZREM', KEYS[2], oldest[i])
    mark = math.max(mark, tonumber(oldest[i + 1]))
  end
  redis.call('SET', KEYS[3], string.format('%d', mark), 'PX', math.max(1, mark + lifetime - now))
  answer = 'full'
  if issued <= mark then return 'forgotten' end
end
redis.call('SET', KEYS[1], '1', 'PX', math.max(1, tonumber(ARGV[2]) - now))
redis.call('ZADD', KEYS[2], issued, ARGV[7])
return answer
`;

export function redisWebhookTokens(
  client: RedisClient,
  prefix: string,
  maxTokens = DEFAULT_MAX_WEBHOOK_TOKENS,
): WebhookTokenStore {
  const max = Math.max(1, maxTokens);
  const tokenKey = `${prefix}webhook:`;
  return {
    async take(token, nowMs) {
      const answer = await client.eval(
        TAKE,
        3,
        tokenKey + token.key,
        `${prefix}webhook-tokens`,
        `${prefix}webhook-mark`,
        nowMs,
        token.forgetAtMs,
        token.issuedAtMs,
        max,
        forgetBatch(max),
        tokenKey,
        token.key,
        WEBHOOK_TOKEN_LIFETIME_MS,
      );
      return answer as ReplayAnswer;
    },
  };
}
