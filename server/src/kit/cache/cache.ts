import type { Logger } from '../logger.js';
import type { StopSignal } from '../stop-signal.js';
import { createFlights } from './flights.js';
import { createLookup, type LoadOptions } from './lookup.js';
import type { MemoryTier } from './memory-tier.js';
import type { CachePolicy } from './policy.js';
import type { SharedTier } from './redis-tier.js';
import { createTiers, type CacheObserver } from './tiers.js';

export type { LoadOptions } from './lookup.js';

export interface CacheOptions {
  /** The memory tier's bound. */
  maxBytes: number;
  /** The shared tier (Redis), when several instances act as one. */
  shared?: SharedTier;
  log: Logger;
  /** @default Date.now */
  now?: () => number;
  /** Hears every look-up's outcome per tier, and every eviction of the memory tier (metrics). */
  observe?: CacheObserver;
}

export interface Cache {
  /**
   * The cached value, or one load shared by every concurrent caller of the same key. A load that
   * finds nothing (undefined) is remembered as absent for the policy's `absentTtlMs`.
   */
  get<T>(
    policy: CachePolicy,
    id: string,
    load: (signal: StopSignal) => Promise<T | undefined>,
    options?: LoadOptions,
  ): Promise<T | undefined>;
  /**
   * Values of many ids: cached ones at once, the others with one `loadMissing` call (which answers
   * only what exists; with `absentTtlMs`, the rest is remembered as absent).
   */
  getMany<T>(
    policy: CachePolicy,
    ids: readonly string[],
    loadMissing: (ids: string[], signal: StopSignal) => Promise<Map<string, T>>,
    options?: LoadOptions,
  ): Promise<Map<string, T>>;
  /** Forgets every entry with one of these tags, in this instance and (through the shared tier) in all. */
  invalidate(tags: readonly string[]): Promise<void>;
  /** Called with the tags of every invalidation, this instance's and (through the shared tier) the others'. */
  onInvalidate(listener: (tags: readonly string[]) => void): void;
  readonly memory: Pick<MemoryTier, 'size' | 'bytes'>;
  /** Resolves at once: the cache holds nothing to release (the shared tier's Redis connection is its owner's to close). */
  close(): Promise<void>;
}

/**
 * Two tiers (memory, then Redis when configured) with single-flight loads, stale-while-revalidate
 * and tag invalidation. Only values (and, for `absentTtlMs`, "nothing there") are cached, never
 * errors. Its parts: tiers.ts (the read/write path of both tiers), freshness.ts (what a policy's
 * times make of an entry), flights.ts (the loads in flight, by key, on ../single-flight.ts) and
 * lookup.ts (get and getMany over them); invalidation is here.
 */
export function createCache(options: CacheOptions): Cache {
  const now = options.now ?? Date.now;
  const tiers = createTiers({
    maxBytes: options.maxBytes,
    shared: options.shared,
    now,
    observe: options.observe,
  });
  const lookupMany = createLookup({
    tiers,
    flights: createFlights(options.log),
    now,
    observe: options.observe,
  });

  // Tag invalidation: memory drops its tagged entries, for this instance's invalidations and (by
  // the shared tier's broadcast) every other instance's; listeners drop what they derived.
  const listeners: ((tags: readonly string[]) => void)[] = [];
  const drop = (tags: readonly string[]): void => {
    tiers.memory.dropTags(tags);
    for (const listener of listeners) listener(tags);
  };
  options.shared?.onInvalidate(drop);

  return {
    async get<T>(
      policy: CachePolicy,
      id: string,
      load: (signal: StopSignal) => Promise<T | undefined>,
      loadOptions: LoadOptions = {},
    ): Promise<T | undefined> {
      const values = await lookupMany<T>(
        policy,
        [id],
        async (_ids, signal) => {
          const value = await load(signal);
          return new Map(value === undefined ? [] : [[id, value]]);
        },
        loadOptions,
      );
      return values.get(id);
    },

    getMany: (policy, ids, loadMissing, loadOptions = {}) =>
      lookupMany(policy, ids, loadMissing, loadOptions),

    async invalidate(tags) {
      drop(tags);
      await options.shared?.invalidate(tags);
    },

    onInvalidate(listener) {
      listeners.push(listener);
    },

    memory: tiers.memory,
    close: () => Promise.resolve(),
  };
}
