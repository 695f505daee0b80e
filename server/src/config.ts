import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The upstream URL variables of docs/api.md: all or none. For the ERP, `ERP_V2_URL` (its JSON
 * version) counts too: `ERP_URL`, `ERP_V2_URL` or both.
 */
export const UPSTREAM_URL_VARIABLES = [
  'ERP_URL',
  'FX_URL',
  'PRICING_URL',
  'REVIEWS_URL',
  'RECOMMENDATIONS_URL',
  'ACCOUNTS_URL',
  'ORDERS_URL',
  'CART_URL',
  'WISHLIST_URL',
  'NOTIFICATIONS_URL',
] as const;

/** Required with the URLs (FX takes no key). */
export const UPSTREAM_KEY_VARIABLES = [
  'ERP_API_KEY',
  'PRICING_API_KEY',
  'REVIEWS_API_KEY',
  'RECOMMENDATIONS_API_KEY',
  'ACCOUNTS_API_KEY',
  'ORDERS_API_KEY',
  'CART_API_KEY',
  'WISHLIST_API_KEY',
  'NOTIFICATIONS_API_KEY',
] as const;

export const AUTH_VARIABLES = ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'] as const;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
/** An integer setting: `unit` names it in the error ("must be a number of milliseconds"). */
const integer = (unit: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `must be a number of ${unit}` })
    .int(`must be a whole number of ${unit}`)
    .min(min, `must be at least ${String(min)}`)
    .max(max, `must be at most ${String(max)}`)
    .default(fallback);
const ms = (fallback: number, max = 600_000) => integer('milliseconds', 1, max, fallback);
/** A share from 0 to 100, fractions allowed (`0.5`). */
const percent = z.coerce
  .number({ error: 'must be a number from 0 to 100' })
  .min(0, 'must be a number from 0 to 100')
  .max(100, 'must be a number from 0 to 100')
  .default(0);

/** Addresses or CIDR ranges (IPv4 or IPv6), comma-separated: `10.0.0.0/8, 127.0.0.1`. */
const addressList = z
  .string()
  .transform((value, ctx) => {
    const ranges: { address: string; prefix: number; family: 'ipv4' | 'ipv6' }[] = [];
    for (const item of value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')) {
      const [address = '', bits] = item.split('/');
      const version = isIP(address);
      const width = version === 6 ? 128 : 32;
      const prefix = bits === undefined ? width : Number(bits);
      if (version === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > width) {
        ctx.addIssue({ code: 'custom', message: `"${item}" is not an address or a CIDR range` });
        return z.NEVER;
      }
      ranges.push({ address, prefix, family: version === 6 ? 'ipv6' : 'ipv4' });
    }
    return ranges;
  })
  .default([]);

type ServiceUrlVariable = Exclude<(typeof UPSTREAM_URL_VARIABLES)[number], 'ERP_URL'>;
type ServiceKeyVariable = Exclude<(typeof UPSTREAM_KEY_VARIABLES)[number], 'ERP_API_KEY'>;

/** The ERP's versions: at least one of them is set. */
export interface ErpConfig {
  /** SOAP (`ERP_URL`): its key and `ClientId` go in the SOAP header. */
  v1?: { url: string; apiKey: string; clientId: string };
  /** JSON (`ERP_V2_URL`): its key goes in `X-Api-Key`. */
  v2?: { url: string; apiKey: string };
}

export interface UpstreamConfig {
  /** The base URLs and keys of the nine services besides the ERP. */
  urls: Record<ServiceUrlVariable, string>;
  keys: Record<ServiceKeyVariable, string>;
  erp: ErpConfig;
  auth: { jwksUrl: string; issuer: string; audience: string };
}

const settingsSchema = z.object({
  PORT: integer('port', 0, 65_535, 3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .optional(),
  /** The ERP's budget (a required part). */
  ERP_TIMEOUT_MS: ms(2_000),
  /** The share of callers (sticky per caller) whose ERP calls go to the JSON version (ERP_V2_URL). */
  ERP_V2_PERCENT: percent,
  /** The share of ERP reads also sent to the other version, off the answer's path, and compared. */
  ERP_SHADOW_PERCENT: percent,
  /** Shadow calls at once; beyond it a comparison is dropped, never queued. */
  ERP_SHADOW_MAX_CONCURRENCY: integer('calls', 1, 10_000, 8),
  /** The budget of every optional part of a page (pricing, stock, reviews, recommendations). */
  PART_TIMEOUT_MS: ms(1_000),
  /** The budget of other required upstream calls (FX for `fx.rates`). */
  UPSTREAM_TIMEOUT_MS: ms(2_000),
  /** The largest upstream answer read; a longer one is cut off and counts as a failure. */
  UPSTREAM_MAX_BYTES: integer('bytes', 1_024, 1_073_741_824, 8_388_608),
  /** tRPC calls per client per window (a batch counts each of its calls); 0 turns limiting off. */
  RATE_LIMIT_POINTS: integer('calls', 0, 1_000_000_000, 1_200),
  RATE_LIMIT_WINDOW_S: integer('seconds', 1, 86_400, 60),
  /** Origins allowed to call from a browser (`https://shop.example`), comma-separated; none when unset. */
  CORS_ORIGINS: z
    .string()
    .transform((value, ctx) => {
      const origins = value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '');
      for (const origin of origins) {
        let parsed: URL | undefined;
        try {
          parsed = new URL(origin);
        } catch {
          parsed = undefined;
        }
        if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
          ctx.addIssue({
            code: 'custom',
            message: `"${origin}" is not an origin (scheme://host[:port], no path, no wildcard)`,
          });
          return z.NEVER;
        }
      }
      return origins;
    })
    .default([]),
  /** Addresses (or CIDR ranges) whose X-Forwarded-For is believed. */
  TRUSTED_PROXIES: addressList,
  /** tRPC calls in flight before new ones are refused as OVERLOADED. */
  MAX_IN_FLIGHT: integer('calls', 1, 1_000_000, 1_000),
  /** Consecutive failures that open an upstream's circuit breaker. */
  BREAKER_FAILURES: integer('failures', 1, 1_000_000, 5),
  /** How long an open breaker waits before it lets one probe through. */
  BREAKER_COOLDOWN_MS: ms(5_000, 3_600_000),
  /** Calls at once per upstream, and calls waiting for a turn, before more fail at once. */
  UPSTREAM_MAX_CONCURRENCY: integer('calls', 1, 10_000, 64),
  UPSTREAM_MAX_QUEUE: integer('calls', 0, 100_000, 256),
  /** Retries as a share of an upstream's calls over the last 10 s. */
  RETRY_BUDGET_RATIO: z.coerce
    .number({ error: 'must be a number between 0 and 1' })
    .min(0, 'must be between 0 and 1')
    .max(1, 'must be between 0 and 1')
    .default(0.1),
  /** Headers not complete within this long, or a request not complete within the other, close the connection. */
  HEADERS_TIMEOUT_MS: ms(10_000),
  REQUEST_TIMEOUT_MS: ms(30_000),
  /** How long an idle keep-alive connection stays open (above common load balancers' 60 s). */
  KEEP_ALIVE_TIMEOUT_MS: ms(65_000),
  /** After a SIGTERM: how long new connections are still accepted (your load balancer's probe interval). */
  SHUTDOWN_DELAY_MS: integer('milliseconds', 0, 600_000, 0),
  /** After a SIGTERM: how long calls in flight may take to finish before the process exits 1. */
  SHUTDOWN_GRACE_MS: ms(10_000),
  /** How long the day's FX rates are kept before they are fetched again. */
  FX_TTL_MS: ms(3_600_000, 86_400_000),
  /** Leeway for a token's `exp` and `nbf`. */
  AUTH_CLOCK_TOLERANCE_SECONDS: integer('seconds', 0, 300, 30),
  /** The least time between two JWKS fetches (a token with an unknown `kid` triggers one). */
  AUTH_JWKS_COOLDOWN_MS: integer('milliseconds', 0, 600_000, 1_000),
  /** How long known keys stay usable while the JWKS endpoint fails. */
  AUTH_JWKS_STALE_MS: integer('milliseconds', 0, 2_592_000_000, 86_400_000),
  /** The memory cache's bound in bytes; 0 turns caching off (every request does the upstream work). */
  CACHE_MAX_BYTES: integer('bytes', 0, 8_589_934_592, 67_108_864),
  /** How long an unknown SKU (PRODUCT_NOT_FOUND) is remembered, so that random SKUs cannot hammer the ERP. */
  NOT_FOUND_TTL_MS: integer('milliseconds', 0, 3_600_000, 5_000),
  MAX_BATCH_SIZE: integer('calls', 1, 1_000, 50),
  MAX_BODY_BYTES: integer('bytes', 1_024, 10_485_760, 1_048_576),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type Settings = z.output<typeof settingsSchema>;

/** The whole configuration: settings with their defaults, and the upstreams (always real URLs: the server never starts a sandbox). */
export interface Config extends Settings {
  upstreams: UpstreamConfig;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/**
 * CACHE_MAX_BYTES alone (its default when unset), undefined when invalid: what Node's flags are
 * chosen from before the server starts (heap.ts); loadConfig reports a bad value.
 */
export function cacheMaxBytesOf(
  env: Readonly<Record<string, string | undefined>>,
): number | undefined {
  const parsed = settingsSchema.shape.CACHE_MAX_BYTES.safeParse(env.CACHE_MAX_BYTES);
  return parsed.success ? parsed.data : undefined;
}

/** Reads and validates the whole environment once; every problem is listed with its variable's name. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const errors: string[] = [];
  const settings = settingsSchema.safeParse(env);
  if (!settings.success) {
    for (const issue of settings.error.issues)
      errors.push(`${issue.path.join('.')}: ${issue.message}`);
  } else if (settings.data.HEADERS_TIMEOUT_MS > settings.data.REQUEST_TIMEOUT_MS) {
    errors.push('HEADERS_TIMEOUT_MS: must not be more than REQUEST_TIMEOUT_MS');
  }
  const given = (name: string): boolean => (env[name] ?? '') !== '';
  const v1 = given('ERP_URL');
  const v2 = given('ERP_V2_URL');
  const someUrls = UPSTREAM_URL_VARIABLES.some(given) || v2;
  const allOrNone = someUrls ? ' when upstream URLs are set (all or none)' : '';
  for (const name of [...UPSTREAM_URL_VARIABLES, ...UPSTREAM_KEY_VARIABLES, ...AUTH_VARIABLES]) {
    if (given(name)) continue;
    // The ERP is there when either version is: ERP_URL, ERP_V2_URL or both.
    if (name === 'ERP_URL') {
      if (!v2) errors.push(`ERP_URL: required${allOrNone} (or ERP_V2_URL, or both)`);
    } else if (name === 'ERP_API_KEY') {
      if (v1 || !v2) errors.push(`ERP_API_KEY: required${v1 ? ' with ERP_URL' : allOrNone}`);
    } else errors.push(`${name}: required${allOrNone}`);
  }
  if (v2 && !given('ERP_V2_API_KEY')) errors.push('ERP_V2_API_KEY: required with ERP_V2_URL');
  for (const name of [...UPSTREAM_URL_VARIABLES, 'ERP_V2_URL', 'AUTH_JWKS_URL'] as const) {
    const value = env[name];
    if (value && !httpUrl.safeParse(value).success) errors.push(`${name}: must be an http(s) URL`);
  }
  // Routing and shadowing need two versions to choose between.
  if (settings.success && !(v1 && v2))
    for (const name of ['ERP_V2_PERCENT', 'ERP_SHADOW_PERCENT'] as const)
      if (settings.data[name] > 0)
        errors.push(
          `${name}: needs both ERP versions (ERP_URL and ERP_V2_URL); only one is configured`,
        );
  // In production the keys must come over TLS, unless the identity provider is on this host.
  const jwks = env.AUTH_JWKS_URL;
  if (env.NODE_ENV === 'production' && jwks && httpUrl.safeParse(jwks).success) {
    const { protocol, hostname } = new URL(jwks);
    if (protocol !== 'https:' && !LOOPBACK.has(hostname))
      errors.push(
        'AUTH_JWKS_URL: must be an https URL in production (http only for a loopback address)',
      );
  }
  if (!settings.success || errors.length > 0) return { ok: false, errors };
  const value = (name: string): string => env[name] ?? '';
  const pick = <N extends string>(names: readonly N[]) =>
    Object.fromEntries(names.map((name) => [name, value(name)])) as Record<N, string>;
  const upstreams: UpstreamConfig = {
    urls: pick(UPSTREAM_URL_VARIABLES.filter((name) => name !== 'ERP_URL')),
    keys: pick(UPSTREAM_KEY_VARIABLES.filter((name) => name !== 'ERP_API_KEY')),
    erp: {
      ...(v1
        ? {
            v1: {
              url: value('ERP_URL'),
              apiKey: value('ERP_API_KEY'),
              clientId: env.ERP_CLIENT_ID || 'storefront-bff',
            },
          }
        : {}),
      ...(v2 ? { v2: { url: value('ERP_V2_URL'), apiKey: value('ERP_V2_API_KEY') } } : {}),
    },
    auth: {
      jwksUrl: value('AUTH_JWKS_URL'),
      issuer: value('AUTH_ISSUER'),
      audience: value('AUTH_AUDIENCE'),
    },
  };
  return { ok: true, config: { ...settings.data, upstreams } };
}
