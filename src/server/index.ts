/**
 * `prove-verify-server` (its own package, packages/server, so that a page's install brings nothing
 * of it): the backend contract of `<prove-verify>` as Fetch API handlers, with the parts they are
 * made of for backends that assemble their own.
 */
export {
  createProveVerifyHandlers,
  API_BODY_LIMIT,
  WEBHOOK_BODY_LIMIT,
  DEFAULT_SESSION_COOKIE,
  HOST_SESSION_COOKIE,
  type ProveConnection,
  type ProveVerifyOptions,
  type ProveVerifyOptionsFactory,
  type VerifiedResult,
  type ProveVerifyHandlers,
  type ProveVerifyHandler,
  type RequestContext,
} from './handlers.js';
export { DEFAULT_LIMITS, NO_LIMITS, TEXTS_PER_START, type LimitSettings } from './budgets.js';
export {
  memoryBudgetStore,
  memoryBudgets,
  MAX_KEYS_PER_BUDGET,
  fromRateLimiter,
  BudgetStoreError,
  type BudgetStore,
  type BudgetCounter,
  type BudgetSpec,
  type BudgetUse,
} from './budget-store.js';
export { ConfigError } from './config-error.js';
export { StoreUnavailableError } from './store-error.js';
export { PROVE_FLOWS, type ProveFlowName } from './flows/flow.js';
export { proveFromEnv, PROVE_ENVIRONMENTS, type ProveEnvironmentName, type EnvVariables } from './prove-env.js';
export {
  memoryStore,
  type ProveVerifyStore,
  type FlowStore,
  type FlowReservation,
  type Flow,
  type StoredFlow,
  type WebhookTokenStore,
  type MemoryStoreOptions,
} from './store.js';
export { redisStore, type RedisClient, type RedisStoreOptions } from './redis-store.js';
export {
  ProveClient,
  ProveError,
  ProveHttpError,
  ProveRateLimitError,
  ProveTimeoutError,
  ProveNetworkError,
  ProveResponseError,
  type ProveClientOptions,
} from './prove-client.js';
export { WebhookEventLog, type WebhookNotification, type StoredWebhookEvent } from './webhooks.js';
export type { ReplayAnswer, WebhookToken } from './webhook-replay.js';
