import { createRequire } from 'node:module';
import type * as IoRedis from 'ioredis';
import type { Logger } from './logger.js';

export interface RedisOptions {
  url: string;
  log: Logger;
  /** A command slower than this counts as Redis trouble (the caller goes on without Redis). @default 250 */
  commandTimeoutMs?: number;
}

/** One Redis for the whole BFF: the cache's shared tier and the rate limits use it. */
export interface RedisConnection {
  /** For commands: they fail fast while Redis is unreachable (no offline queue, no retries). */
  readonly client: IoRedis.Redis;
  /** A second connection for SUBSCRIBE, whose subscriptions are replayed after every reconnect. */
  subscriber(): IoRedis.Redis;
  /** False only while the first connection is still being made (neither up nor failed yet). */
  settled(): boolean;
  /** Reports a command that failed: an outage is logged once, and "redis is back" when it is. */
  failed(error: unknown): void;
  close(): Promise<void>;
}

/**
 * ioredis, loaded on first use: a BFF without REDIS_URL never loads it (it adds about 20 MiB of
 * RSS to a process that does not talk to Redis). It is a CommonJS package, so a synchronous
 * require works from here.
 */
const loadModule = createRequire(import.meta.url);
const ioredis = (): typeof IoRedis => loadModule('ioredis') as typeof IoRedis;

/**
 * Redis through ioredis. Redis trouble never takes the BFF down: commands fail fast while it is
 * unreachable, callers go on without it, the outage is logged once, and ioredis reconnects on its
 * own.
 */
export function connectRedis(options: RedisOptions): RedisConnection {
  const { Redis } = ioredis();
  const connection = {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 250,
    connectTimeout: 1_000,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
  };
  // The commands of one event-loop turn (a page's look-ups and stores) go to Redis in one write.
  const client = new Redis(options.url, { ...connection, enableAutoPipelining: true });
  let subscriber: IoRedis.Redis | undefined;
  let healthy = true;
  let settled = false;
  const trouble = (error: unknown): void => {
    settled = true;
    if (!healthy) return;
    healthy = false;
    options.log.warn('redis unavailable: going on without it until it is back', {
      error: error instanceof Error ? error.message : String(error),
    });
  };
  client.on('error', trouble);
  client.on('ready', () => {
    settled = true;
    if (!healthy) options.log.info('redis is back');
    healthy = true;
  });
  return {
    client,
    subscriber() {
      // Its offline queue stays on: its SUBSCRIBE is replayed after every reconnect.
      subscriber ??= new Redis(options.url, {
        ...connection,
        enableOfflineQueue: true,
        autoResubscribe: true,
        commandTimeout: undefined,
      }).on('error', () => undefined);
      return subscriber;
    },
    settled: () => settled,
    failed(error) {
      // Not trouble while the first connection is simply not made yet.
      if (settled) trouble(error);
    },
    async close() {
      client.disconnect();
      subscriber?.disconnect();
      await Promise.resolve();
    },
  };
}
