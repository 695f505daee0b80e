import { LRUCache } from 'lru-cache';
import type { RedisConnection } from './redis.js';

export interface KeptValuesOptions {
  /** Names the values in Redis keys: `storefront:<name>:<key>`. */
  name: string;
  ttlMs: number;
  /** The memory's bound. */
  maxEntries: number;
  /** With Redis every instance sees the values; while it is down, each keeps its own in memory. */
  redis?: RedisConnection | undefined;
}

/** Small JSON values kept for a while, by key: in memory, and in Redis (each key with its expiry) when configured. */
export interface KeptValues<T> {
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T): Promise<void>;
}

export function createKeptValues<T extends object>(options: KeptValuesOptions): KeptValues<T> {
  // Bounded by a size of one per value rather than `max`, for which lru-cache would allocate its
  // arrays for every entry at once (4 MiB for 100,000, most often never used).
  const memory = new LRUCache<string, T>({
    maxSize: options.maxEntries,
    sizeCalculation: () => 1,
    ttl: options.ttlMs,
  });
  const redisKey = (key: string): string => `storefront:${options.name}:${key}`;
  const { redis } = options;
  return {
    async get(key) {
      const kept = memory.get(key);
      if (kept !== undefined || !redis) return kept;
      try {
        const text = await redis.client.get(redisKey(key));
        return text === null ? undefined : (JSON.parse(text) as T);
      } catch (error) {
        redis.failed(error);
        return undefined;
      }
    },
    async set(key, value) {
      memory.set(key, value);
      if (!redis) return;
      try {
        await redis.client.set(redisKey(key), JSON.stringify(value), 'PX', options.ttlMs);
      } catch (error) {
        redis.failed(error);
      }
    },
  };
}
