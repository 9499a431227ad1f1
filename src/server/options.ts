/**
 * The settings of `createProveVerifyHandlers`, and the one check they all go through when the
 * handlers are made. JavaScript callers get no compiler, and a setting that cannot work found at
 * startup costs a restart; found in a flow, it costs a person their verification. So every setting
 * is checked (type, emptiness, range, unknown names) and all that are wrong are named in one
 * ConfigError, each with what it must be.
 */
import { z } from 'zod';
import type { BudgetStore } from './budget-store.js';
import { RENAMED_LIMITS, renamedLimitMessage, type LimitSettings } from './budgets.js';
import { ConfigError } from './config-error.js';
import type { SessionCookieOptions } from './cookies.js';
import { isAddressRange } from './client-address.js';
import { allowedUrlProblem } from './final-target.js';
import { PROVE_FLOWS, type ProveFlowName } from './flows/flow.js';
import { ProveClient } from './prove-client.js';
import type { ProveVerifyStore } from './store.js';
import { meetsProveTargetRule } from './validation.js';
import type { WebhookNotification } from './webhooks.js';

/** Prove's API as your backend reaches it. */
export interface ProveConnection {
  /**
   * e.g. `https://platform.uat.proveapis.com` (Prove's North American sandbox); http only on this
   * machine (the emulator).
   */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Timeout of each call to Prove, in ms (default 10 000). */
  timeoutMs?: number;
}

/** A flow's final verdict, as `onVerified` is told it. */
export interface VerifiedResult {
  /** Possession and the identity check both held. */
  success: boolean;
  /**
   * E.164: the number Prove proved (in `unify` perhaps not the one the person first typed), the
   * started one in `verify-status`.
   */
  phoneNumber: string;
  /** As the flow started with them (the identity check ran on these). */
  firstName: string;
  lastName: string;
  /** Prove's id of the person (`unify`). */
  proveId?: string;
  /** Prove's identity assurance level (`unify`). */
  assuranceLevel?: string;
  /** The flow's id, as the page's start answer named it. */
  flowId: string;
}

export interface ProveVerifyOptions {
  /**
   * Prove's API and your credentials (`proveFromEnv` reads them from the environment), or a
   * ProveClient of your own. The client secret also seals the flows kept in the store (their phone
   * numbers and names): every machine sharing a store needs the same one.
   */
  prove: ProveConnection | ProveClient;
  /**
   * Which of Prove's contracts your Prove project speaks:
   * - `'unify'` (default): Prove's current API, `/v3/unify` and `/v3/unify-status` for possession,
   *   then `/v3/verify` with `verificationType: "verifiedUser"` on the number Prove proved. The
   *   page may change number inside Prove's SDK (`changeNumber: 'in-flow'`); the verdict names the
   *   number proved.
   * - `'verify-status'`: the July 2025 guide's `/v3/verify` with `possessionType`, then
   *   `/v3/verify-status`. The page changes number by starting again (`changeNumber: 'restart'`);
   *   the verdict names the started number.
   */
  flow?: ProveFlowName;
  /**
   * Told each flow's final verdict (success or failure), exactly once, before the page's answer;
   * what it answers is added to that answer (the verdict's own fields win over keys of the same
   * name), such as a token of your own signed for the page to submit. Trust this, not the
   * browser's event. If it throws, the page gets 500 `internal_error` and the flow is over all the
   * same (it is not called again). Not called when Prove refuses a person at once (no flow starts).
   */
  onVerified?: (
    result: VerifiedResult,
    request: Request,
  ) => Record<string, unknown> | void | Promise<Record<string, unknown> | void>;
  /**
   * Your id of the customer starting a flow (from your own session, never the page's body), sent to
   * Prove as `clientCustomerId` (both starts and the identity check; Prove's webhooks name it).
   * Undefined or '' sends none.
   */
  clientCustomerId?: (request: Request) => string | undefined | Promise<string | undefined>;
  /** Where an Instant Link's text message sends the phone (see final-target.ts). */
  finalTarget: {
    /** Your landing page: what a desktop flow gets when the page asks for no URL. */
    landingUrl: string;
    /**
     * URLs besides the landing page that a page may ask for: an exact URL
     * (`https://partner.example/verify/done`), or a path prefix ending in '/'
     * (`https://partner.example/verify/`: any page under it, without query). See final-target.ts.
     */
    allowedUrls?: readonly string[];
  };
  /** Origins of your pages, the only ones whose requests are answered (the Origin check). */
  pageOrigins: readonly string[];
  /** The Prove Portal's webhook secret; without it the webhook handler refuses every delivery (401). */
  webhookSecret?: string;
  /**
   * Takes the notifications of a checked webhook delivery; what it answers is added to the 200's
   * body. Prove delivers up to three times, so the same eventId may come again.
   */
  onWebhookNotifications?: (
    notifications: WebhookNotification[],
    receivedAt: Date,
  ) => Record<string, unknown> | void | Promise<Record<string, unknown> | void>;
  /** Sent to Prove as `allowOTPRetry` (default false, Prove's own: the first wrong code ends possession). */
  allowOtpRetry?: boolean;
  /**
   * Budgets on texts (3 per start), status calls and calls to Prove (budgets.ts has the defaults,
   * per hour); 0 turns one off.
   */
  limits?: Partial<LimitSettings>;
  /**
   * Where flows, budget counts and webhook tokens are kept (store.ts): this process's memory by
   * default; `redisStore(...)` for a backend on more than one machine.
   */
  store?: ProveVerifyStore;
  /** Where the budgets count, instead of the store's own. */
  budgetStore?: BudgetStore;
  /**
   * For the default store, the browsers' sessions: how long a flow, and the session cookie naming
   * it, lives in ms (default 15 minutes, Prove's), and the most flows kept at once (default 10 000).
   */
  sessions?: { ttlMs?: number; maxFlows?: number };
  /**
   * The addresses or CIDR ranges of your own proxies in front of the backend (`['10.0.0.0/8', '::1']`):
   * `X-Forwarded-For` is read, from the right, only while the address that wrote it is one of them.
   * Default: none (the header is ignored, since a client can write it).
   */
  trustProxy?: readonly string[];
  /**
   * A header your platform itself sets to the client's address, for runtimes that give no peer
   * address (Vercel `x-real-ip`, Cloudflare `cf-connecting-ip`). Read only when set.
   */
  clientAddressHeader?: string;
  /**
   * The session cookie. `secure` defaults to whether the landing page is https; `path` to `/`;
   * `name` to `__Host-pv_session` when the cookie is Secure with Path=/ (the prefix makes
   * browsers refuse one set by a subdomain or over http), else `pv_session`.
   */
  cookie?: Partial<SessionCookieOptions>;
  /**
   * For the default store: most webhook tokens remembered at once, each until it expires (default
   * 10 000). Beyond, the ones issued first are forgotten and a token issued no later is refused,
   * said once in the log (webhook-replay.ts).
   */
  maxWebhookTokens?: number;
  /** Clock for flows, the token cache and webhook expiry (injectable for tests). */
  now?: () => number;
  /**
   * Where the handlers write one line per refusal (`prove-verify 403 forbidden_origin POST /api/verify`,
   * with the cause of a 5xx), never personal data, a token, a cookie or a secret. Default
   * `console.warn`; `false` writes nothing.
   */
  log?: ((line: string) => void) | false;
}

/**
 * Settings made when the handlers are first needed (see `createProveVerifyHandlers`); a Promise for
 * a secret store read then.
 */
export type ProveVerifyOptionsFactory = () => ProveVerifyOptions | Promise<ProveVerifyOptions>;

const LOOPBACK_HOSTS = /^(localhost|[^.]+\.localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/** Whether Prove's API may be reached at `value`: https, or plain http to this machine (the emulator). */
export function isProveBaseUrl(value: string): boolean {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || url.username || url.password || url.search || url.hash) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.test(url.hostname));
}

export const PROVE_BASE_URL_RULE =
  'an https URL such as https://platform.uat.proveapis.com (plain http only to this machine, for the emulator)';

/**
 * A value as a message may show it: its kind, and numbers and booleans themselves (never a string:
 * it may be a secret).
 */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}

/** A zod error callback: "<what it must be>, got <kind>". */
const mustBe = (what: string) => (issue: { input?: unknown }) => `must be ${what}, got ${kindOf(issue.input)}`;

const credential = (what: string) =>
  z
    .string({ error: mustBe(`your ${what} from the Prove Portal (a non-empty string)`) })
    .min(1, {
      error: `must be your ${what} from the Prove Portal, got an empty string (is its environment variable set?)`,
    })
    .refine((value) => value.trim() === value, {
      error: 'must not start or end with whitespace (a newline from a file?)',
    });

/** A whole number in [min, max], with what it counts. */
const wholeNumber = (what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.custom<number>((value) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max, {
    error: mustBe(
      `${what} (a whole number, ${max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `${min} to ${max}`})`,
    ),
  });

const fn = <T>(what: string) => z.custom<T>((value) => typeof value === 'function', { error: mustBe(what) });

/** An origin as written: scheme://host[:port], with at most a trailing slash. */
const originSetting = z
  .string({ error: mustBe('an origin such as https://shop.example') })
  .superRefine((value, ctx) => {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    const bare =
      url && (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && !/[?#@]/.test(value);
    if (!bare)
      ctx.addIssue({
        code: 'custom',
        message: `must be an origin such as https://shop.example (scheme://host[:port], nothing after it), got ${JSON.stringify(value)}`,
      });
  });

const ConnectionSchema = z.strictObject(
  {
    baseUrl: z
      .string({ error: mustBe(PROVE_BASE_URL_RULE) })
      .refine(isProveBaseUrl, { error: `must be ${PROVE_BASE_URL_RULE}` }),
    clientId: credential('client id'),
    clientSecret: credential('client secret'),
    // Above 2^31 - 1 ms a timer fires at once.
    timeoutMs: wholeNumber('a timeout in milliseconds', 1, 2 ** 31 - 1).optional(),
  },
  {
    error: mustBe(
      'your Prove connection, { baseUrl, clientId, clientSecret } (proveFromEnv reads it from the environment), or a ProveClient',
    ),
  },
);

// A ProveClient of your own is taken as you made it; anything else is a connection, checked
// field by field.
const ProveSetting = z.unknown().superRefine((value, ctx) => {
  if (value instanceof ProveClient) return;
  const parsed = ConnectionSchema.safeParse(value);
  if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
});

const LIMIT_KEYS = [
  'textsPerPhone',
  'textsPerAddress',
  'textsPerNetwork',
  'textsGlobal',
  'textsReserve',
  'statusPerFlow',
  'statusPerAddress',
  'statusIntervalMs',
  'proveCallsPerSecond',
  'windowMs',
] as const satisfies readonly (keyof LimitSettings)[];

const LIMITS_SHAPE = {
  ...Object.fromEntries(LIMIT_KEYS.map((key) => [key, z.number({ error: mustBe('a number') }).optional()])),
  // A retired name is refused naming its successor, not taken for a typo.
  ...Object.fromEntries(
    (Object.keys(RENAMED_LIMITS) as Array<keyof typeof RENAMED_LIMITS>).map((old) => [
      old,
      z.custom(() => false, { error: renamedLimitMessage(old) }).optional(),
    ]),
  ),
};

const OptionsSchema = z
  .strictObject({
    prove: ProveSetting,
    flow: z
      .custom<ProveFlowName>((value) => (PROVE_FLOWS as readonly unknown[]).includes(value), {
        error: (issue) =>
          `must be 'unify' (Prove's current API, the default) or 'verify-status' (Prove's July 2025 contract), got ${typeof issue.input === 'string' ? JSON.stringify(issue.input.slice(0, 40)) : kindOf(issue.input)}`,
      })
      .optional(),
    onVerified: fn<ProveVerifyOptions['onVerified']>('a function of the verdict and the request').optional(),
    clientCustomerId: fn<ProveVerifyOptions['clientCustomerId']>(
      'a function of the request answering your customer id',
    ).optional(),
    finalTarget: z.strictObject(
      {
        landingUrl: z
          .string({ error: mustBe('the URL of your Instant Link landing page') })
          .superRefine((value, ctx) => {
            const url = URL.canParse(value) ? new URL(value) : undefined;
            if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
              ctx.addIssue({
                code: 'custom',
                message: `must be the http(s) URL of your Instant Link landing page, got ${JSON.stringify(value)}`,
              });
            } else if (!meetsProveTargetRule(value)) {
              ctx.addIssue({
                code: 'custom',
                message: `${JSON.stringify(value)} breaks Prove's finalTargetUrl rule (at most 128 characters of A-Za-z0-9-._+=/:?)`,
              });
            }
          }),
        allowedUrls: z
          .array(
            z.string({ error: mustBe('a URL') }).superRefine((value, ctx) => {
              const problem = allowedUrlProblem(value);
              if (problem) ctx.addIssue({ code: 'custom', message: problem });
            }),
            { error: mustBe("a list of URLs, exact or path prefixes ending in '/'") },
          )
          .optional(),
        // Origins are refused: any page of an origin, the partner's open redirects too, would be a landing page.
        allowedOrigins: z
          .never({
            error:
              "is replaced by allowedUrls: list the exact URLs, or path prefixes ending in '/' (https://partner.example/verify/), that a page may ask for",
          })
          .optional(),
      },
      {
        error: mustBe('{ landingUrl } (your Instant Link landing page), with allowedUrls if pages may ask for others'),
      },
    ),
    pageOrigins: z
      .array(originSetting, { error: mustBe("a list of your pages' origins, such as ['https://shop.example']") })
      .min(1, {
        error: "must list your pages' origins, such as ['https://shop.example']: with none, every page is refused",
      }),
    webhookSecret: z
      .string({ error: mustBe("the Prove Portal's webhook secret (whsec_...)") })
      .min(1, {
        error:
          "must be the Prove Portal's webhook secret (whsec_...), or left out to refuse every webhook; got an empty string",
      })
      .optional(),
    onWebhookNotifications: fn<ProveVerifyOptions['onWebhookNotifications']>(
      'a function of the notifications',
    ).optional(),
    allowOtpRetry: z.boolean({ error: mustBe('true or false') }).optional(),
    // The values are budgets.ts's to check (resolveLimits); the names are checked here.
    limits: z
      .strictObject(LIMITS_SHAPE, {
        error: mustBe(`an object of ${LIMIT_KEYS.join(', ')}`),
      })
      .optional(),
    store: z
      .custom<ProveVerifyStore>(
        (value) => {
          const store = value as Partial<Record<keyof ProveVerifyStore, unknown>> | null;
          return (
            typeof store === 'object' &&
            store !== null &&
            typeof store.flows === 'object' &&
            typeof store.budgets === 'function' &&
            typeof store.close === 'function'
          );
        },
        { error: mustBe('a store: memoryStore() or redisStore(client)') },
      )
      .optional(),
    budgetStore: fn<BudgetStore>('a BudgetStore (a function of a budget, such as memoryBudgetStore)').optional(),
    sessions: z
      .strictObject(
        {
          // The cookie lives as long, in whole seconds: under one it would be cleared at once.
          ttlMs: wholeNumber('a flow lifetime in milliseconds', 1000).optional(),
          maxFlows: wholeNumber('the most flows kept at once', 1).optional(),
        },
        { error: mustBe('{ ttlMs, maxFlows }') },
      )
      .optional(),
    // A hop count let a rotating X-Forwarded-For pick its own budget key where no proxy stood: proxies are named.
    trustProxy: z
      .array(
        z
          .string({ error: mustBe("an address or CIDR range of a proxy of yours, such as '10.0.0.0/8'") })
          .refine(isAddressRange, {
            error: (issue) =>
              `has ${JSON.stringify(String(issue.input).slice(0, 60))}, which is not an IP address or CIDR range`,
          }),
        {
          error: (issue) =>
            typeof issue.input === 'number'
              ? `must list your proxies' addresses or CIDR ranges (['10.0.0.0/8', '::1']), not a count, got ${issue.input}: a hop count lets a client pick its own budget key with X-Forwarded-For when no proxy is there`
              : `must be a list of your proxies' addresses or CIDR ranges, such as ['10.0.0.0/8', '::1'], got ${kindOf(issue.input)}`,
        },
      )
      .optional(),
    clientAddressHeader: z
      .string({ error: mustBe("the name of a header your platform sets to the client's address, such as 'x-real-ip'") })
      .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, {
        error: (issue) =>
          `must be a header name, such as 'x-real-ip', got ${JSON.stringify(String(issue.input).slice(0, 60))}`,
      })
      // Written by the client and by every proxy on the way: trustProxy reads it, from the right.
      .refine((name) => !/^(x-forwarded-for|forwarded)$/i.test(name), {
        error:
          "must be a header your platform sets to the client's address alone; X-Forwarded-For is read by listing your proxies in trustProxy",
      })
      .optional(),
    cookie: z
      .strictObject(
        {
          // RFC 6265's token: what a browser takes as a cookie name.
          name: z
            .string({ error: mustBe('a cookie name') })
            .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, {
              error: "must be a cookie name: letters, digits and !#$%&'*+-.^_`|~, nothing else",
            })
            .optional(),
          path: z
            .string({ error: mustBe('a URL path such as /api') })
            // eslint-disable-next-line no-control-regex -- control characters are what it refuses
            .regex(/^\/[^\s;\u0000-\u001f\u007f]*$/, {
              error: 'must be a URL path starting with / (no spaces, ; or control characters)',
            })
            .optional(),
          secure: z.boolean({ error: mustBe('true or false') }).optional(),
        },
        { error: mustBe('{ name, path, secure }') },
      )
      .optional(),
    maxWebhookTokens: wholeNumber('the most webhook tokens remembered at once', 1).optional(),
    now: fn<() => number>('a clock (a function answering milliseconds)').optional(),
    log: z
      .custom<ProveVerifyOptions['log']>((value) => typeof value === 'function' || value === false, {
        error: mustBe('a function taking a line (such as console.warn), or false for none'),
      })
      .optional(),
  })
  .superRefine((options, ctx) => {
    // A store of your own is sized where it is made: these would be ignored.
    const sizing = [
      ...(options.sessions?.ttlMs !== undefined || options.sessions?.maxFlows !== undefined ? ['sessions'] : []),
      ...(options.maxWebhookTokens !== undefined ? ['maxWebhookTokens'] : []),
    ];
    if (options.store && sizing.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: [sizing[0]!],
        message: `sizes the default memory store, and store is given: size that store instead (memoryStore({ ttlMs, maxFlows, maxWebhookTokens }) or redisStore(client, { ttlMs, maxFlows, maxWebhookTokens }))`,
      });
    }
    // Browsers drop a prefixed cookie that breaks its prefix's rule, and every status call would find no flow.
    const name = options.cookie?.name ?? '';
    const secure = options.cookie?.secure ?? Boolean(options.finalTarget?.landingUrl?.startsWith('https:'));
    if ((name.startsWith('__Secure-') || name.startsWith('__Host-')) && !secure) {
      ctx.addIssue({
        code: 'custom',
        path: ['cookie', 'name'],
        message: `starts with ${name.slice(0, name.indexOf('-') + 1)}, which browsers take only with Secure: set cookie.secure (an https site)`,
      });
    }
    if (name.startsWith('__Host-') && (options.cookie?.path ?? '/') !== '/') {
      ctx.addIssue({
        code: 'custom',
        path: ['cookie', 'path'],
        message: 'must be / with a __Host- cookie name (browsers refuse any other path for it)',
      });
    }
  });

/** "prove.clientId", "pageOrigins[1]": a setting as the caller wrote it. */
function settingName(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`))
    .join('');
}

/** "trustproxy is not a setting (trustProxy?)": a misspelt name is said, not ignored. */
function unknownSettings(path: readonly PropertyKey[], keys: readonly string[], known: readonly string[]): string[] {
  return keys.map((key) => {
    const meant = known.find((name) => name.toLowerCase() === key.toLowerCase());
    const where = path.length > 0 ? `${settingName(path)}.` : '';
    return `${where}${key} is not a setting of prove-verify-server${meant ? ` (${where}${meant}?)` : ''}`;
  });
}

/** The known names at `path` in the options, for a misspelling's suggestion. */
function knownAt(path: readonly PropertyKey[]): readonly string[] {
  const shapes: Record<string, readonly string[]> = {
    '': Object.keys(OptionsSchema.shape),
    prove: Object.keys(ConnectionSchema.shape),
    finalTarget: ['landingUrl', 'allowedUrls'],
    limits: LIMIT_KEYS,
    sessions: ['ttlMs', 'maxFlows'],
    cookie: ['name', 'path', 'secure'],
  };
  return shapes[settingName(path)] ?? [];
}

/**
 * Checks every setting; answers them as given.
 * @throws {ConfigError} naming each setting that cannot work and what it must be.
 */
export function checkOptions(options: unknown): ProveVerifyOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(
      `createProveVerifyHandlers takes its settings, { prove, finalTarget, pageOrigins, ... }, or a function that answers them; got ${kindOf(options)}`,
    );
  }
  const parsed = OptionsSchema.safeParse(options);
  if (parsed.success) return options as ProveVerifyOptions;
  const messages = parsed.error.issues.flatMap((issue) => {
    // Unknown names come as one issue with their keys (zod's own, or re-raised from `prove`).
    const keys = (issue as { keys?: unknown }).keys;
    if (Array.isArray(keys)) return unknownSettings(issue.path, keys as string[], knownAt(issue.path));
    const name = settingName(issue.path);
    return [name ? `${name} ${issue.message}` : issue.message];
  });
  throw new ConfigError([...new Set(messages)].join('; '));
}
