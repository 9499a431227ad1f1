/**
 * The store (store.ts) in Redis, for a backend on more than one machine: any machine answers a
 * browser's status call, the budgets count every machine's calls, and a webhook token taken by
 * one machine is refused by the others. Budgets are rate-limiter-flexible's RateLimiterRedis.
 *
 * Keys (all under one hash tag, so a Redis Cluster keeps them in one slot for the scripts):
 *   <prefix>flow:<flowId>        the flow's ids, contract and sealed person, JSON, expiring with
 *                                the flow
 *   <prefix>browser:<digest>     sorted set of the browser's flowIds in the order they started: a
 *                                flow is the browser's while it is in this set (a start moves
 *                                them all to the browser's new key)
 *   <prefix>sequence             that order (a counter: two starts in one millisecond keep theirs)
 *   <prefix>places               sorted set of every flow and held place by expiry: the capacity
 *   <prefix>webhook:<key>        a webhook token taken, until it would be refused anyway; with
 *                                <prefix>webhook-tokens and <prefix>webhook-mark, the replay
 *                                cache's size over all machines (redis-webhook-tokens.ts)
 * The person a flow is for (phone number, names) rests only sealed, with a key derived from the
 * Prove client secret (flow-seal.ts). Browser keys (session cookies), phone numbers and addresses
 * rest in Redis only as SHA-256 digests, never as text: a cookie (256 random bits) cannot be had
 * back from its digest, so what Redis holds takes no session; numbers and addresses are out of
 * plain view, though a digest of a phone number can be found by trying numbers, so the Redis still
 * needs its own access control.
 * Lifetimes are decided by the injected clock (the flow's expiresAt), Redis's own expiry only
 * collects what is left; reservations, made before Prove is called, lapse after RESERVATION_MS if
 * the machine holding one dies.
 * Every call that fails (Redis down, paused past the client's commandTimeout, a closed
 * connection) rejects with StoreUnavailableError: the handlers answer 503 store_unavailable.
 * Without persistence (AOF) a Redis restart forgets every flow in progress, the budgets' counts
 * and the webhook tokens taken: README says what that costs.
 */
import { base64url } from 'jose';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { fromRateLimiter, type BudgetStore } from './budget-store.js';
import { randomId } from './random-id.js';
import { FLOW_TTL_MS, FLOWS_PER_BROWSER } from './memory-flows.js';
import { redisWebhookTokens } from './redis-webhook-tokens.js';
import { storeCall } from './store-error.js';
import type { Flow, FlowStore, ProveVerifyStore } from './store.js';

/**
 * The calls the store makes, as ioredis has them: pass an ioredis `Redis` (or `Cluster`). Written
 * out here so that the published types need no ioredis where it is not installed.
 */
export interface RedisClient {
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<'OK' | null>;
  zrem(key: string, ...members: string[]): Promise<number>;
  zrangebyscore(
    key: string,
    min: string,
    max: string,
    withScores: 'WITHSCORES',
    limit: 'LIMIT',
    offset: number,
    count: number,
  ): Promise<string[]>;
}

export interface RedisStoreOptions {
  /** Key prefix (default `{prove-verify}:`; the braces are the Cluster hash tag). */
  prefix?: string;
  /** Flow lifetime in ms (default 15 minutes, Prove's). */
  ttlMs?: number;
  /** Most flows kept at once, over all machines (default 10 000). */
  maxFlows?: number;
  /**
   * Most webhook tokens remembered at once, over all machines (default 10 000); beyond, the ones
   * issued first are forgotten.
   */
  maxWebhookTokens?: number;
  now?: () => number;
}

/** How long a place held for a start may wait for Prove: its timeout (10 s) and then some. */
const RESERVATION_MS = 30_000;
/** Redis keeps a flow's keys this much past its lifetime, so clocks a little apart agree. */
const COLLECT_AFTER_MS = 60_000;

// Drops places that lapsed; when full, the browser's own oldest live flow gives its place; then
// holds one place if any is left. KEYS: places, browser set. ARGV: now, max, member, expiry, flow prefix.
const RESERVE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    local expiry = redis.call('ZSCORE', KEYS[1], id)
    if expiry and tonumber(expiry) > tonumber(ARGV[1]) then
      redis.call('ZREM', KEYS[1], id)
      redis.call('ZREM', KEYS[2], id)
      redis.call('DEL', ARGV[5] .. id)
      break
    end
  end
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
return 1`;

// Ends a flow: its place and its record go together. KEYS: places, flow. ARGV: id.
const DELETE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])`;

// The browser's live flows, oldest first (dead ones leave its set). KEYS: places, browser set. ARGV: now.
const LIVE_FLOWS = `
local live = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local expiry = redis.call('ZSCORE', KEYS[1], id)
  if expiry and tonumber(expiry) > tonumber(ARGV[1]) then table.insert(live, id) else redis.call('ZREM', KEYS[2], id) end
end
return live`;

// Turns a held place into a flow of the browser's new key, the flows of the key the request came
// with moving to it; the browser's oldest flows beyond its share end.
// KEYS: places, browser set, sequence, previous browser set.
// ARGV: member, id, flow JSON, expiresAt, per browser, now, flow prefix, keep ms.
const COMMIT = `
redis.call('ZREM', KEYS[1], ARGV[1])
if KEYS[4] ~= KEYS[2] and redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('ZUNIONSTORE', KEYS[2], 2, KEYS[2], KEYS[4], 'AGGREGATE', 'MIN')
  redis.call('DEL', KEYS[4])
end
local live = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local expiry = redis.call('ZSCORE', KEYS[1], id)
  if expiry and tonumber(expiry) > tonumber(ARGV[6]) then table.insert(live, id) else redis.call('ZREM', KEYS[2], id) end
end
for i = 1, #live - tonumber(ARGV[5]) + 1 do
  redis.call('ZREM', KEYS[1], live[i])
  redis.call('ZREM', KEYS[2], live[i])
  redis.call('DEL', ARGV[7] .. live[i])
end
redis.call('SET', ARGV[7] .. ARGV[2], ARGV[3], 'PX', ARGV[8])
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[8])
return 1`;

// The flow, while it is the browser's. KEYS: browser set, flow. ARGV: id.
const FLOW_OF = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return redis.call('GET', KEYS[2]) end
return false`;

// Ends a flow and answers it, in one step: of calls racing for it, one gets it. KEYS: places, flow. ARGV: id.
const TAKE = `
local flow = redis.call('GET', KEYS[2])
if not flow then return false end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return flow`;

/**
 * The store on `redis` (an ioredis client you made, and close). Give the client a
 * `commandTimeout` and `enableOfflineQueue: false` (README's snippet) so that a Redis that is
 * paused or down is a quick 503, not a request waiting for it, and no command runs late, after
 * its request was answered.
 */
export function redisStore(redis: RedisClient, options: RedisStoreOptions = {}): ProveVerifyStore {
  const client = failingAsStoreUnavailable(redis);
  const prefix = options.prefix ?? '{prove-verify}:';
  const ttlMs = options.ttlMs ?? FLOW_TTL_MS;
  const max = Math.max(1, options.maxFlows ?? 10_000);
  const now = options.now ?? Date.now;
  const places = `${prefix}places`;
  const sequence = `${prefix}sequence`;
  const flowKey = `${prefix}flow:`;
  const browserKey = (browser: string) => `${prefix}browser:${browser}`;
  const keepMs = ttlMs + COLLECT_AFTER_MS;

  /** `browser` is a digest already. */
  const liveFlows = async (browser: string) =>
    (await client.eval(LIVE_FLOWS, 2, places, browserKey(browser), now())) as string[];
  /** A request with no cookie: a browser set that never holds a flow. */
  const noBrowser = browserKey('-');

  const liveFlow = (text: unknown): Flow | undefined => {
    if (typeof text !== 'string') return undefined;
    const flow = JSON.parse(text) as Flow;
    return flow.expiresAt > now() ? flow : undefined;
  };

  const flows: FlowStore = {
    ttlMs,
    async reserve(browser) {
      const member = `reserved:${randomId()}`;
      const own = browser === undefined ? noBrowser : browserKey(await digest(browser));
      const held = await client.eval(RESERVE, 2, places, own, now(), max, member, now() + RESERVATION_MS, flowKey);
      if (held !== 1) return undefined;
      let open = true;
      return {
        async commit(ids, owner, previous) {
          if (!open) throw new Error('this reservation has already ended');
          open = false;
          const id = randomId();
          const createdAt = now();
          const flow: Flow = {
            correlationId: ids.correlationId,
            clientRequestId: ids.clientRequestId,
            contract: ids.contract,
            sealed: ids.sealed,
            createdAt,
            expiresAt: createdAt + ttlMs,
          };
          await client.eval(
            COMMIT,
            4,
            places,
            browserKey(await digest(owner)),
            sequence,
            previous === undefined ? noBrowser : browserKey(await digest(previous)),
            member,
            id,
            JSON.stringify(flow),
            flow.expiresAt,
            FLOWS_PER_BROWSER,
            createdAt,
            flowKey,
            keepMs,
          );
          return id;
        },
        async release() {
          if (!open) return;
          open = false;
          await client.zrem(places, member);
        },
      };
    },
    async flowOf(cookie, flowId) {
      if (!cookie) return undefined;
      const flow = liveFlow(await client.eval(FLOW_OF, 2, browserKey(await digest(cookie)), flowKey + flowId, flowId));
      return flow && [flowId, flow];
    },
    async knows(cookie) {
      return cookie !== undefined && (await liveFlows(await digest(cookie))).length > 0;
    },
    async take(id) {
      return liveFlow(await client.eval(TAKE, 2, places, flowKey + id, id));
    },
    async delete(id) {
      await client.eval(DELETE, 2, places, flowKey + id, id);
    },
    async msUntilNextExpiry() {
      const [, score] = await client.zrangebyscore(places, `(${now()}`, '+inf', 'WITHSCORES', 'LIMIT', 0, 1);
      return score === undefined ? 0 : Math.max(0, Number(score) - now());
    },
  };

  const budgets: BudgetStore = ({ name, points, windowMs }) => {
    const counter = fromRateLimiter(
      // A Redis error fails the call (503), never lets it through. Not rejectIfRedisNotReady: that
      // also refuses the first calls while a new client connects. The limiter needs ioredis itself.
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}budget:${name}`,
        points,
        duration: windowMs / 1000,
      }),
    );
    return {
      take: async (key, cost) => counter.take(await digest(key), cost),
      peek: async (key) => counter.peek(await digest(key)),
      close: () => counter.close(),
    };
  };

  const webhookTokens = redisWebhookTokens(client, prefix, options.maxWebhookTokens);

  return { flows, budgets, webhookTokens, close: async () => {} };
}

/**
 * `client` whose every call, failing in any way (refused, timed out, connection closed), rejects
 * with StoreUnavailableError; what the store's own code does with an answer is not covered.
 */
function failingAsStoreUnavailable(client: RedisClient): RedisClient {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        storeCall(`redis ${String(property)}`, () =>
          (value as (...a: unknown[]) => Promise<unknown>).apply(target, args),
        );
    },
  });
}

/** SHA-256 of `text`, base64url: what a secret or personal key is kept by. */
async function digest(text: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}
