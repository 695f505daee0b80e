import { randomUUID } from 'node:crypto';
import type { RedisConnection } from './redis.js';

export interface LocksOptions {
  /** A lock not released by then expires (its holder crashed). */
  ttlMs: number;
  /** With Redis a lock holds across instances; while it is down, within each instance. */
  redis?: RedisConnection | undefined;
  /**
   * Hears each lock taken within this instance only because Redis failed (another instance may
   * hold the same lock meanwhile); `first` is true for the first since a lock was last taken in
   * Redis, so that an outage is reported once. @default none
   */
  onLocalFallback?: (event: { error: unknown; first: boolean }) => void;
}

export type Release = () => Promise<void>;

/** Mutual exclusion by key: `acquire` gives a release, or undefined when someone holds the lock. */
export interface Locks {
  acquire(key: string): Promise<Release | undefined>;
}

const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export function createLocks(options: LocksOptions): Locks {
  const held = new Set<string>();
  const { redis } = options;
  // Whether the last lock went to the local fallback: the next fallback is not the outage's first.
  let fallingBack = false;
  return {
    async acquire(key) {
      // This instance first: no round trip for a lock it holds itself.
      if (held.has(key)) return undefined;
      held.add(key);
      const local = (): Promise<void> => {
        held.delete(key);
        return Promise.resolve();
      };
      if (!redis) return local;
      const redisKey = `storefront:lock:${key}`;
      const token = randomUUID();
      try {
        if ((await redis.client.set(redisKey, token, 'PX', options.ttlMs, 'NX')) !== 'OK') {
          held.delete(key);
          fallingBack = false;
          return undefined;
        }
      } catch (error) {
        redis.failed(error);
        options.onLocalFallback?.({ error, first: !fallingBack });
        fallingBack = true;
        return local;
      }
      fallingBack = false;
      return async () => {
        held.delete(key);
        try {
          await redis.client.eval(RELEASE, 1, redisKey, token);
        } catch (error) {
          redis.failed(error);
        }
      };
    },
  };
}
