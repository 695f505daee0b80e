import type { Config } from '../config.js';
import { createResponseCache, type ResponseCache } from '../http/response-cache.js';
import { createCache, type Cache } from '../kit/cache/cache.js';
import { createRedisTier } from '../kit/cache/redis-tier.js';
import { createKeptValues, type KeptValues } from '../kit/kept-values.js';
import { createLocks, type Locks } from '../kit/locks.js';
import { connectRedis, type RedisConnection } from '../kit/redis.js';
import { orderLockTtlMs } from '../procedures/orders.js';
import type { OrderConfirmation } from '../upstreams/erp/records.js';
import type { Telemetry } from './telemetry.js';

/**
 * How long a user's order confirmation is kept for a repeat of its reference: docs/api.md
 * promises at least 24 h; the hour on top covers a client that retries at the end of its day.
 */
const ORDER_CONFIRMATIONS_TTL_MS = 25 * 3_600_000;

/**
 * The memory's bound on order confirmations (a few hundred bytes each: some tens of MiB at
 * most). Past it the oldest are forgotten by this instance, which is safe: a repeated reference
 * then reaches the ERP, which answers its first confirmation (the reference is its idempotency
 * key), and Redis, when configured, still has it.
 */
const ORDER_CONFIRMATIONS_MAX_ENTRIES = 100_000;

/**
 * The kept encoded answers' bound, as a share of CACHE_MAX_BYTES and on top of it: one setting
 * sizes both, and the README's Memory paragraph tells operators that kept answers take at most an
 * eighth more than CACHE_MAX_BYTES.
 */
const RESPONSE_CACHE_SHARE = 1 / 8;

/** What the BFF keeps between requests: Redis, the cache, kept answers, confirmations, locks. */
export interface Stores {
  /** One Redis, when configured, for the cache's shared tier, the rate limits, confirmations and locks. */
  redis: RedisConnection | undefined;
  /** The cache, when on (CACHE_MAX_BYTES > 0). */
  cache: Cache | undefined;
  /** The kept encoded answers of public queries, when the cache is on; dropped with the data they show. */
  responses: ResponseCache | undefined;
  /** Forgets cached entries with these tags, in every instance. */
  invalidate: (tags: readonly string[]) => Promise<void>;
  /** Confirmations a user may ask for again by the same reference. */
  orderConfirmations: KeptValues<OrderConfirmation>;
  /** One order of a user at a time. */
  locks: Locks;
  /** Closes the cache, then Redis. */
  close(): Promise<void>;
}

export function createStores(config: Config, { log, metrics }: Telemetry): Stores {
  const redis = config.REDIS_URL ? connectRedis({ url: config.REDIS_URL, log }) : undefined;
  const cache =
    config.CACHE_MAX_BYTES > 0
      ? createCache({
          observe: {
            lookup: (tier, outcome) => {
              metrics.countCacheLookup(tier, outcome);
            },
            evicted: () => {
              metrics.cacheEvictions.inc({ tier: 'memory' });
            },
          },
          maxBytes: config.CACHE_MAX_BYTES,
          log,
          ...(redis ? { shared: createRedisTier({ redis }) } : {}),
        })
      : undefined;
  const responses = cache
    ? createResponseCache({
        maxBytes: Math.floor(config.CACHE_MAX_BYTES * RESPONSE_CACHE_SHARE),
        observe: {
          lookup: (outcome) => {
            metrics.countCacheLookup('answers', outcome);
          },
          evicted: () => {
            metrics.cacheEvictions.inc({ tier: 'answers' });
          },
        },
      })
    : undefined;
  if (responses) {
    cache?.onInvalidate((tags) => {
      responses.dropTags(tags);
    });
  }
  const orderConfirmations = createKeptValues<OrderConfirmation>({
    // Their Redis keys (`storefront:order:…`) are shared with running instances of other versions.
    name: 'order',
    ttlMs: ORDER_CONFIRMATIONS_TTL_MS,
    maxEntries: ORDER_CONFIRMATIONS_MAX_ENTRIES,
    redis,
  });
  const locks = createLocks({
    ttlMs: orderLockTtlMs(config),
    redis,
    onLocalFallback: ({ error, first }) => {
      metrics.lockFallbacks.inc();
      if (first)
        log.warn(
          'order lock held in this instance only (Redis failed): until Redis is back, two instances may each place an order for the same user',
          { error: error instanceof Error ? error.message : String(error) },
        );
    },
  });
  return {
    redis,
    cache,
    responses,
    invalidate: (tags) => cache?.invalidate(tags) ?? Promise.resolve(),
    orderConfirmations,
    locks,
    async close() {
      await cache?.close();
      await redis?.close();
    },
  };
}
