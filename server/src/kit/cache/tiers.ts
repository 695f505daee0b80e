import type { CacheOutcome } from '../telemetry/metrics.js';
import {
  entryOfKept,
  keep,
  parseEntry,
  serializeEntry,
  type Entry,
  type KeptEntry,
} from './entry.js';
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
  readonly memory: MemoryTier<KeptEntry>;
  /** The memory tier's entry of a key, as the cache answers it (its value of its own). */
  get(key: string): Entry | undefined;
  /** Whether there is a shared tier to look in. */
  readonly shared: boolean;
  /** Keeps the entries of one load in memory and, without waiting, in the shared tier. */
  store(entries: ReadonlyMap<string, Entry>): void;
  /** The shared tier's live entry of a key, copied into memory; undefined without a shared tier. */
  fromShared(key: string): Promise<Entry | undefined>;
}

/**
 * What one entry takes in memory besides its value, key and tags: the kept record with its two
 * times, the key's string, and its share of lru-cache's Map and arrays. Measured (tiers.test.ts):
 * 300 to 315 bytes for a price of 48 characters with a key of 22, 230 for a remembered absence.
 */
export const ENTRY_BYTES = 230;

/**
 * What an entry's tags take: their array (none when it has none: they share one) and, per tag,
 * its string and its place in the tag index (measured: 124 bytes for one tag of 12 characters).
 */
const tagsBytes = (tags: readonly string[]): number =>
  tags.length === 0 ? 0 : tags.reduce((sum, tag) => sum + 64 + tag.length, 48);

/** What an entry of this key, as `keep` made it, counts against maxBytes. */
const bytesOf = (key: string, { kept, bytes }: { kept: KeptEntry; bytes: number }): number =>
  ENTRY_BYTES + key.length + tagsBytes(kept.tags) + bytes;

export function createTiers(options: TiersOptions): Tiers {
  const { shared, now, observe } = options;
  const memory = createMemoryTier<KeptEntry>({
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
        // Text, or strings of their own: nothing that keeps an upstream's answer alive (see keep).
        const kept = keep(entry);
        if (kept) memory.set(key, kept.kept, bytesOf(key, kept));
        if (shared)
          void shared.set(key, serializeEntry(entry), entry.staleUntil - now(), entry.tags);
      }
    },

    get(key) {
      const kept = memory.get(key);
      return kept && entryOfKept(kept);
    },

    async fromShared(key) {
      if (!shared) return undefined;
      const text = await shared.get(key);
      const entry = text === undefined ? undefined : parseEntry(text);
      observe?.lookup('redis', entry ? 'hit' : 'miss');
      if (!entry || !keeps(entry, now())) return undefined;
      const kept = keep(entry);
      if (kept) memory.set(key, kept.kept, bytesOf(key, kept));
      return entry;
    },
  };
}
