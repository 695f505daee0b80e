import type { CacheOutcome } from '../telemetry/metrics.js';
import { keepable, parseEntry, serializeEntry, type Entry } from './entry.js';
import { keeps } from './freshness.js';
import { createMemoryTier, type MemoryTier } from './memory-tier.js';
import type { SharedTier } from './redis-tier.js';

/** Hears every look-up's outcome per tier, and every eviction of the memory tier (metrics). */
export interface CacheObserver {
  lookup(tier: 'memory' | 'redis', outcome: CacheOutcome): void;
  evicted(): void;
}

export interface TiersOptions {
  maxBytes: number;
  shared?: SharedTier | undefined;
  now: () => number;
  observe?: CacheObserver | undefined;
}

/** The cache's two tiers as one store: memory in this process, then the shared tier (Redis) when there is one. */
export interface Tiers {
  readonly memory: MemoryTier;
  /** Whether there is a shared tier to look in. */
  readonly shared: boolean;
  /** Keeps the entries of one load in memory and, without waiting, in the shared tier. */
  store(entries: ReadonlyMap<string, Entry>): void;
  /** The shared tier's live entry of a key, copied into memory; undefined without a shared tier. */
  fromShared(key: string): Promise<Entry | undefined>;
}

/**
 * What an entry counts against maxBytes per character of its JSON form (ownStringsAndLength).
 * Entries take about twice that in the heap (measured under product pages: 2.3×), and the bound is
 * one on memory.
 */
const COUNTED_BYTES_PER_CHAR = 2;

export function createTiers(options: TiersOptions): Tiers {
  const { shared, now, observe } = options;
  const memory = createMemoryTier({
    maxBytes: options.maxBytes,
    now,
    onEvict:
      observe &&
      (() => {
        observe.evicted();
      }),
  });

  return {
    memory,

    shared: shared !== undefined,

    store(entries) {
      for (const [key, entry] of entries) {
        // Strings of their own, not slices of an upstream's answer (see keepable); text only for
        // the shared tier.
        const kept = keepable(entry);
        if (kept) memory.set(key, kept.entry, kept.length * COUNTED_BYTES_PER_CHAR);
        if (shared)
          void shared.set(key, serializeEntry(entry), entry.staleUntil - now(), entry.tags);
      }
    },

    async fromShared(key) {
      if (!shared) return undefined;
      const text = await shared.get(key);
      const entry = text === undefined ? undefined : parseEntry(text);
      observe?.lookup('redis', entry ? 'hit' : 'miss');
      if (!entry || !keeps(entry, now()) || text === undefined) return undefined;
      memory.set(key, entry, text.length * COUNTED_BYTES_PER_CHAR);
      return entry;
    },
  };
}
