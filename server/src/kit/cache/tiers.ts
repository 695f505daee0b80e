import type { CacheOutcome } from '../telemetry/metrics.js';
import { ownCopy, parseEntry, serializeEntry, textLength, type Entry } from './entry.js';
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
  /** Keeps a loaded entry in memory and, without waiting, in the shared tier. */
  store(key: string, entry: Entry): void;
  /** The shared tier's live entry of a key, copied into memory; undefined without a shared tier. */
  fromShared(key: string): Promise<Entry | undefined>;
}

/**
 * What an entry counts against maxBytes per character of its JSON form (textLength). Entries take
 * about twice that in the heap (measured under product pages: 2.3×), and the bound is one on memory.
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

    store(key, entry) {
      // A copy of its own, not the loaded value (see ownCopy); text only for the shared tier.
      memory.set(key, ownCopy(entry), textLength(entry) * COUNTED_BYTES_PER_CHAR);
      if (shared) void shared.set(key, serializeEntry(entry), entry.staleUntil - now(), entry.tags);
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
