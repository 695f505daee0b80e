import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as IoRedis from 'ioredis';
import type { Logger } from '../logger.js';

/** The shared tier behind every instance's memory: values with their TTL, tag sets, invalidation broadcast. */
export interface SharedTier {
  /** The serialized entry, or undefined on a miss or while Redis is unreachable. */
  get(key: string): Promise<string | undefined>;
  set(key: string, serialized: string, ttlMs: number, tags: readonly string[]): Promise<void>;
  /** Deletes every entry with these tags in Redis and tells every instance (this one too) to drop them. */
  invalidate(tags: readonly string[]): Promise<void>;
  /** Called with the tags another instance (or this one) invalidated. */
  onInvalidate(listener: (tags: string[]) => void): void;
  /** False only while the first connection is still being made (neither up nor failed yet): /readyz waits for it. */
  settled(): boolean;
  close(): Promise<void>;
}

export interface RedisTierOptions {
  url: string;
  log: Logger;
  /** Key and channel prefix. @default 'storefront:' */
  prefix?: string;
  /** A command slower than this counts as Redis trouble (the upstream is asked instead). @default 250 */
  commandTimeoutMs?: number;
}

const CHANNEL = 'invalidate';

/**
 * Redis through ioredis. Redis trouble never takes the BFF down: commands fail fast while it is
 * unreachable (no offline queue), the cache then serves from memory and the upstreams, the outage
 * is logged once, and ioredis reconnects on its own (the subscriber resubscribes).
 */
/**
 * ioredis, loaded on first use: a BFF without REDIS_URL never loads it (it adds about 20 MiB of
 * RSS to a process that does not talk to Redis). It is a CommonJS package, so a synchronous
 * require works from here.
 */
const loadModule = createRequire(import.meta.url);
const ioredis = (): typeof IoRedis => loadModule('ioredis') as typeof IoRedis;

export function createRedisTier(options: RedisTierOptions): SharedTier {
  const { Redis } = ioredis();
  const prefix = options.prefix ?? 'storefront:';
  const instance = randomUUID();
  const connection = {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 250,
    connectTimeout: 1_000,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
  };
  const client = new Redis(options.url, connection);
  // The subscriber needs its offline queue: its SUBSCRIBE is replayed after every reconnect.
  const subscriber = new Redis(options.url, {
    ...connection,
    enableOfflineQueue: true,
    autoResubscribe: true,
    commandTimeout: undefined,
  });
  const listeners: ((tags: string[]) => void)[] = [];

  let healthy = true;
  let settled = false;
  const trouble = (error: unknown): void => {
    settled = true;
    if (!healthy) return;
    healthy = false;
    options.log.warn('redis unavailable: serving from memory and the upstreams until it is back', {
      error: error instanceof Error ? error.message : String(error),
    });
  };
  /** A command that failed: trouble, unless the first connection is simply not made yet. */
  const failed = (error: unknown): void => {
    if (settled) trouble(error);
  };
  client.on('error', trouble);
  subscriber.on('error', () => undefined);
  client.on('ready', () => {
    settled = true;
    if (!healthy) options.log.info('redis is back');
    healthy = true;
  });

  subscriber.subscribe(prefix + CHANNEL).catch(failed);
  subscriber.on('message', (_channel: string, message: string) => {
    try {
      const { tags } = JSON.parse(message) as { tags?: unknown; from?: string };
      if (Array.isArray(tags) && tags.every((tag) => typeof tag === 'string'))
        for (const listener of listeners) listener(tags);
    } catch {
      // not one of ours
    }
  });

  const tagKey = (tag: string): string => `${prefix}tag:${tag}`;
  const valueKey = (key: string): string => `${prefix}v:${key}`;

  return {
    async get(key) {
      try {
        return (await client.get(valueKey(key))) ?? undefined;
      } catch (error) {
        failed(error);
        return undefined;
      }
    },
    async set(key, serialized, ttlMs, tags) {
      try {
        const ttl = Math.max(1, Math.ceil(ttlMs));
        const batch = client.multi().set(valueKey(key), serialized, 'PX', ttl);
        for (const tag of tags)
          batch
            .sadd(tagKey(tag), valueKey(key))
            .pexpire(tagKey(tag), ttl, 'GT')
            .pexpire(tagKey(tag), ttl, 'NX');
        await batch.exec();
      } catch (error) {
        failed(error);
      }
    },
    async invalidate(tags) {
      if (tags.length === 0) return;
      try {
        for (const tag of tags) {
          const keys = await client.smembers(tagKey(tag));
          await client.del(tagKey(tag), ...keys);
        }
        await client.publish(prefix + CHANNEL, JSON.stringify({ tags, from: instance }));
      } catch (error) {
        failed(error);
        // Redis is away: at least this instance forgets them (the others' entries expire by TTL).
        for (const listener of listeners) listener([...tags]);
      }
    },
    onInvalidate(listener) {
      listeners.push(listener);
    },
    settled: () => settled,
    async close() {
      client.disconnect();
      subscriber.disconnect();
      await Promise.resolve();
    },
  };
}
