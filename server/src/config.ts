import { z } from 'zod';

/** The upstream URL variables of docs/api.md: all or none. */
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

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const ms = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(1)
    .max(600_000)
    .default(fallback);

export interface UpstreamConfig {
  urls: Record<(typeof UPSTREAM_URL_VARIABLES)[number], string>;
  keys: Record<(typeof UPSTREAM_KEY_VARIABLES)[number], string>;
  erpClientId: string;
  auth: { jwksUrl: string; issuer: string; audience: string };
}

const settingsSchema = z.object({
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .optional(),
  /** The ERP's budget (a required part). */
  ERP_TIMEOUT_MS: ms(2_000),
  /** The budget of every optional part of a page (pricing, stock, reviews, recommendations). */
  PART_TIMEOUT_MS: ms(1_000),
  /** The budget of other required upstream calls (FX for `fx.rates`). */
  UPSTREAM_TIMEOUT_MS: ms(2_000),
  /** The largest upstream answer read; a longer one is cut off and counts as a failure. */
  UPSTREAM_MAX_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int()
    .min(1_024)
    .max(1_073_741_824)
    .default(8_388_608),
  /** How long the day's FX rates are kept before they are fetched again. */
  FX_TTL_MS: ms(3_600_000),
  /** Leeway for a token's `exp` and `nbf`. */
  AUTH_CLOCK_TOLERANCE_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int()
    .min(0)
    .max(300)
    .default(30),
  /** The least time between two JWKS fetches (a token with an unknown `kid` triggers one). */
  AUTH_JWKS_COOLDOWN_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .max(600_000)
    .default(1_000),
  /** The memory cache's bound in bytes; 0 turns caching off (every request does the upstream work). */
  CACHE_MAX_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int()
    .min(0)
    .max(8_589_934_592)
    .default(67_108_864),
  /** How long an unknown SKU (PRODUCT_NOT_FOUND) is remembered, so that random SKUs cannot hammer the ERP. */
  NOT_FOUND_TTL_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .max(3_600_000)
    .default(5_000),
  MAX_BATCH_SIZE: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1)
    .max(1_000)
    .default(50),
  MAX_BODY_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int()
    .min(1_024)
    .max(10_485_760)
    .default(1_048_576),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type Settings = z.output<typeof settingsSchema>;

/** The whole configuration: settings with their defaults, and the upstreams (always real URLs: the server never starts a sandbox). */
export interface Config extends Settings {
  upstreams: UpstreamConfig;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Reads and validates the whole environment once; every problem is listed with its variable's name. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const errors: string[] = [];
  const settings = settingsSchema.safeParse(env);
  if (!settings.success) {
    for (const issue of settings.error.issues)
      errors.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const given = (name: string): boolean => (env[name] ?? '') !== '';
  const someUrls = UPSTREAM_URL_VARIABLES.some(given);
  const required = [...UPSTREAM_URL_VARIABLES, ...UPSTREAM_KEY_VARIABLES, ...AUTH_VARIABLES];
  for (const name of required)
    if (!given(name))
      errors.push(
        `${name}: required${someUrls ? ' when upstream URLs are set (all or none)' : ''}`,
      );
  for (const name of [...UPSTREAM_URL_VARIABLES, 'AUTH_JWKS_URL'] as const) {
    const value = env[name];
    if (value && !httpUrl.safeParse(value).success) errors.push(`${name}: must be an http(s) URL`);
  }
  if (!settings.success || errors.length > 0) return { ok: false, errors };
  const pick = <N extends string>(names: readonly N[]) =>
    Object.fromEntries(names.map((name) => [name, env[name] ?? ''])) as Record<N, string>;
  const upstreams: UpstreamConfig = {
    urls: pick(UPSTREAM_URL_VARIABLES),
    keys: pick(UPSTREAM_KEY_VARIABLES),
    erpClientId: env.ERP_CLIENT_ID || 'storefront-bff',
    auth: {
      jwksUrl: env.AUTH_JWKS_URL ?? '',
      issuer: env.AUTH_ISSUER ?? '',
      audience: env.AUTH_AUDIENCE ?? '',
    },
  };
  return { ok: true, config: { ...settings.data, upstreams } };
}
