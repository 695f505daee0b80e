import { LRUCache } from 'lru-cache';
import type { Entry } from './entry.js';

export interface MemoryTierOptions {
  /** The bound in bytes: the sum of the sizes given with each entry (`set`). */
  maxBytes: number;
  now: () => number;
  /** Hears each entry evicted to stay within the bound. */
  onEvict?: (() => void) | undefined;
}

/** What the memory tier needs of what it keeps: when it expires and what invalidates it. */
export interface Expiring {
  staleUntil: number;
  tags: readonly string[];
}

/**
 * The in-process tier: lru-cache bounded in bytes, each entry answered until its staleUntil, with a
 * tag index. An entry past its time stays (counted against the bound) until it is replaced or
 * evicted.
 */
export interface MemoryTier<E extends Expiring = Entry> {
  get(key: string): E | undefined;
  set(key: string, entry: E, sizeBytes: number): void;
  /** Drops every entry carrying one of these tags; answers how many of them were still answered. */
  dropTags(tags: readonly string[]): number;
  readonly size: number;
  readonly bytes: number;
  clear(): void;
}

export function createMemoryTier<E extends Expiring = Entry>(
  options: MemoryTierOptions,
): MemoryTier<E> {
  // The keys of each tag: most tags name one entry (`price:000123`), kept as that key alone; a
  // Set only once a second key shares the tag (a Set per entry is garbage the GC keeps tracing).
  const byTag = new Map<string, string | Set<string>>();
  const tag = (key: string, name: string): void => {
    const keys = byTag.get(name);
    if (keys === undefined) byTag.set(name, key);
    else if (typeof keys !== 'string') keys.add(key);
    else if (keys !== key) byTag.set(name, new Set([keys, key]));
  };
  const untag = (key: string, entry: E): void => {
    for (const name of entry.tags) {
      const keys = byTag.get(name);
      if (keys === key) byTag.delete(name);
      else if (typeof keys === 'object') {
        keys.delete(key);
        if (keys.size === 0) byTag.delete(name);
      }
    }
  };
  // No TTLs in lru-cache: each entry says when it ends (staleUntil), and `get` checks that. Its
  // TTL tracking would keep two more numbers per entry (one a boxed double), the same time again.
  const lru = new LRUCache<string, E>({
    maxSize: options.maxBytes,
    // Entries larger than a tenth of the cache are not worth evicting everything else for.
    maxEntrySize: Math.max(1, Math.floor(options.maxBytes / 10)),
    dispose: (entry, key, reason) => {
      untag(key, entry);
      if (reason === 'evict') options.onEvict?.();
    },
  });

  return {
    get(key) {
      const entry = lru.get(key);
      // An entry past its time is not answered, and is left for the load that follows to replace
      // (or for eviction): deleting it would leave a hole in lru-cache's Map, and a Map whose
      // keys come and go keeps room for two to three times as many as it holds.
      return entry === undefined || entry.staleUntil > options.now() ? entry : undefined;
    },
    set(key, entry, sizeBytes) {
      lru.set(key, entry, { size: Math.max(1, sizeBytes) });
      if (!lru.has(key)) return; // too large to keep
      for (const name of entry.tags) tag(key, name);
    },
    dropTags(tags) {
      let dropped = 0;
      for (const name of tags) {
        const keys = byTag.get(name);
        const tagged = keys === undefined ? [] : typeof keys === 'string' ? [keys] : [...keys];
        const now = options.now();
        for (const key of tagged) {
          // Only entries still answered count as dropped; one past its time goes too.
          const live = (lru.peek(key)?.staleUntil ?? now) > now;
          if (lru.delete(key) && live) dropped += 1;
        }
        byTag.delete(name);
      }
      return dropped;
    },
    get size() {
      return lru.size;
    },
    get bytes() {
      return lru.calculatedSize;
    },
    clear: () => {
      lru.clear();
      byTag.clear();
    },
  };
}
