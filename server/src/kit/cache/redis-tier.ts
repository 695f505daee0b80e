import type { RedisConnection } from '../redis.js';

/** The shared tier behind every instance's memory: values with their TTL, tag sets, invalidation broadcast. */
export interface SharedTier {
  /** The serialized entry, or undefined on a miss or while Redis is unreachable. */
  get(key: string): Promise<string | undefined>;
  set(key: string, serialized: string, ttlMs: number, tags: readonly string[]): Promise<void>;
  /** Deletes every entry with these tags in Redis and tells every instance (this one too) to drop them. */
  invalidate(tags: readonly string[]): Promise<void>;
  /** Called with the tags another instance (or this one) invalidated. */
  onInvalidate(listener: (tags: string[]) => void): void;
}

export interface RedisTierOptions {
  redis: RedisConnection;
  /** Key and channel prefix. @default 'storefront:' */
  prefix?: string;
}

const CHANNEL = 'invalidate';

/**
 * The shared tier on the BFF's Redis: values with a TTL in Redis (the PX of every key), tag sets
 * that expire with their longest-lived member, and invalidations published to every instance.
 * While Redis is unreachable every command fails fast: gets are misses, sets and invalidations
 * are skipped (this instance still drops its own entries), and the outage is logged once.
 */
export function createRedisTier(options: RedisTierOptions): SharedTier {
  const { redis } = options;
  const { client } = redis;
  const subscriber = redis.subscriber();
  const prefix = options.prefix ?? 'storefront:';
  const listeners: ((tags: string[]) => void)[] = [];
  const failed = (error: unknown): void => {
    redis.failed(error);
  };

  subscriber.subscribe(prefix + CHANNEL).catch(failed);
  subscriber.on('message', (_channel: string, message: string) => {
    try {
      const { tags } = JSON.parse(message) as { tags?: unknown };
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
        await client.publish(prefix + CHANNEL, JSON.stringify({ tags }));
      } catch (error) {
        failed(error);
        // Redis is away: at least this instance forgets them (the others' entries expire by TTL).
        for (const listener of listeners) listener([...tags]);
      }
    },
    onInvalidate(listener) {
      listeners.push(listener);
    },
  };
}
