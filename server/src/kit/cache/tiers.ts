import type { CacheOutcome } from '../telemetry/metrics.js';
import { parseEntry, serializeEntry, type Entry } from './entry.js';
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
 * What an entry counts against maxBytes per character of its serialized form. Read back into
 * objects, entries take about twice their serialized size in the heap (measured under product
 * pages: 2.3×), and the bound is one on memory.
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
      const serialized = serializeEntry(entry);
      // Memory keeps the entry as read back from its serialized form, not the loaded value itself:
      // strings an upstream parser cut from a whole answer (fast-xml-parser's values are slices of
      // the SOAP text) would keep that whole answer alive for as long as the entry lives, many
      // times the entry's size. Read back, its strings are its own.
      memory.set(key, parseEntry(serialized) ?? entry, serialized.length * COUNTED_BYTES_PER_CHAR);
      void shared?.set(key, serialized, entry.staleUntil - now(), entry.tags);
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
