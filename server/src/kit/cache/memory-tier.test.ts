import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Entry } from './entry.js';
import { createMemoryTier } from './memory-tier.js';

/** A value entry kept until `staleUntil`, fresh until then too. */
function entry(value: unknown, staleUntil: number, tags: string[] = []): Entry {
  return { kind: 'value', value, freshUntil: staleUntil, staleUntil, tags };
}

/** A clock only the test moves. */
function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let at = start;
  return {
    now: () => at,
    advance: (ms) => {
      at += ms;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createMemoryTier', () => {
  describe('TTL', () => {
    it('keeps an entry until its staleUntil has passed, under fake timers', () => {
      vi.useFakeTimers();
      const memory = createMemoryTier({ maxBytes: 10_000, now: () => Date.now() });
      memory.set('a', entry('A', Date.now() + 1_000), 10);
      vi.advanceTimersByTime(999);
      expect(memory.get('a')?.value).toBe('A');
      vi.advanceTimersByTime(2);
      expect(memory.get('a')).toBeUndefined();
    });

    it('follows a manual clock: a TTL ends when the clock says so, not after real time', () => {
      const clock = manualClock();
      const memory = createMemoryTier({ maxBytes: 10_000, now: clock.now });
      memory.set('a', entry('A', clock.now() + 1_000), 10);
      clock.advance(999);
      expect(memory.get('a')?.value).toBe('A');
      clock.advance(2);
      expect(memory.get('a')).toBeUndefined();
    });

    it('leaves an entry past its time unanswered but counted until a set replaces it', () => {
      const clock = manualClock();
      const memory = createMemoryTier({ maxBytes: 10_000, now: clock.now });
      memory.set('a', entry('A', clock.now() + 10, ['t']), 10);
      clock.advance(11);
      expect(memory.get('a')).toBeUndefined();
      expect(memory.get('a')).toBeUndefined();
      expect([memory.size, memory.bytes]).toEqual([1, 10]);
      memory.set('a', entry('B', clock.now() + 10), 20);
      expect(memory.get('a')?.value).toBe('B');
      expect([memory.size, memory.bytes]).toEqual([1, 20]);
      expect(memory.dropTags(['t'])).toBe(0); // the replaced entry's tag went with it
    });

    it('gives each entry its own TTL', () => {
      const clock = manualClock();
      const memory = createMemoryTier({ maxBytes: 10_000, now: clock.now });
      memory.set('short', entry('S', clock.now() + 100), 10);
      memory.set('long', entry('L', clock.now() + 10_000), 10);
      clock.advance(5_000);
      expect(memory.get('short')).toBeUndefined();
      expect(memory.get('long')?.value).toBe('L');
    });
  });

  describe('the byte bound', () => {
    it('evicts the least recently used entries so that bytes stay within maxBytes while far more is inserted', () => {
      const clock = manualClock();
      const memory = createMemoryTier({ maxBytes: 1_000, now: clock.now });
      memory.set('keep', entry('K', clock.now() + 60_000), 90);
      for (let i = 0; i < 1_000; i += 1) {
        memory.set(`k${String(i)}`, entry(i, clock.now() + 60_000), 90);
        // Reading an entry makes it the most recently used one.
        expect(memory.get('keep')?.value).toBe('K');
        expect(memory.bytes).toBeLessThanOrEqual(1_000);
      }
      expect(memory.size).toBe(11);
      expect(memory.bytes).toBe(990);
      expect(memory.get('k999')?.value).toBe(999);
      expect(memory.get('k990')?.value).toBe(990);
      expect(memory.get('k989')).toBeUndefined();
      expect(memory.get('k0')).toBeUndefined();
    });

    it('does not keep an entry bigger than a tenth of the bound, and drops what it replaces', () => {
      const clock = manualClock();
      const memory = createMemoryTier({ maxBytes: 1_000, now: clock.now });
      memory.set('small', entry('S', clock.now() + 60_000), 100);
      memory.set('big', entry('B', clock.now() + 60_000), 101);
      expect(memory.get('big')).toBeUndefined();
      expect(memory.get('small')?.value).toBe('S');
      expect(memory.size).toBe(1);
      expect(memory.bytes).toBe(100);

      memory.set('small', entry('now too big', clock.now() + 60_000, ['t']), 500);
      expect(memory.get('small')).toBeUndefined();
      expect(memory.size).toBe(0);
      expect(memory.bytes).toBe(0);
      expect(memory.dropTags(['t'])).toBe(0);
    });

    it('counts an entry of size 0 as one byte', () => {
      const clock = manualClock();
      const memory = createMemoryTier({ maxBytes: 1_000, now: clock.now });
      memory.set('a', entry('A', clock.now() + 1_000), 0);
      expect(memory.bytes).toBe(1);
    });
  });

  describe('tags', () => {
    it('drops exactly the entries carrying one of the tags and answers how many', () => {
      const clock = manualClock();
      const memory = createMemoryTier({ maxBytes: 10_000, now: clock.now });
      memory.set('cart-1', entry(1, clock.now() + 60_000, ['cart:u1']), 10);
      memory.set('orders-1', entry(2, clock.now() + 60_000, ['orders:u1', 'stock:s1']), 10);
      memory.set('cart-2', entry(3, clock.now() + 60_000, ['cart:u2']), 10);
      memory.set('untagged', entry(4, clock.now() + 60_000), 10);

      expect(memory.dropTags(['cart:u1', 'stock:s1'])).toBe(2);
      expect(memory.get('cart-1')).toBeUndefined();
      expect(memory.get('orders-1')).toBeUndefined();
      expect(memory.get('cart-2')?.value).toBe(3);
      expect(memory.get('untagged')?.value).toBe(4);
      expect(memory.size).toBe(2);
      expect(memory.dropTags(['cart:u1', 'orders:u1', 'unknown'])).toBe(0);
    });

    it('keeps a tag shared by several entries for the ones still kept, whichever goes first', () => {
      const clock = manualClock();
      const memory = createMemoryTier({ maxBytes: 10_000, now: clock.now });
      const until = clock.now() + 60_000;
      memory.set('page-1', entry(1, until, ['price:s1', 'price:s2']), 10);
      memory.set('page-2', entry(2, until, ['price:s2']), 10);
      memory.set('page-3', entry(3, until, ['price:s2', 'price:s3']), 10);
      // page-1 replaced without the tag: the tag still names page-2 and page-3.
      memory.set('page-1', entry(11, until, ['price:s1']), 10);
      expect(memory.dropTags(['price:s2'])).toBe(2);
      expect(memory.get('page-1')?.value).toBe(11);
      expect(memory.get('page-2')).toBeUndefined();
      expect(memory.get('page-3')).toBeUndefined();
      // A tag of one entry, then of a second one set again under the same key.
      memory.set('page-4', entry(4, until, ['price:s4']), 10);
      memory.set('page-4', entry(44, until, ['price:s4', 'price:s4']), 10);
      memory.set('page-5', entry(5, until, ['price:s4']), 10);
      expect(memory.dropTags(['price:s4', 'price:s1'])).toBe(3);
      expect(memory.size).toBe(0);
    });

    it('forgets the tags of entries that were replaced or evicted, and counts no expired entry as dropped', () => {
      const clock = manualClock();
      const memory = createMemoryTier({ maxBytes: 100, now: clock.now });
      memory.set('a', entry('old', clock.now() + 60_000, ['old-tag']), 10);
      memory.set('a', entry('new', clock.now() + 60_000, ['new-tag']), 10);
      expect(memory.dropTags(['old-tag'])).toBe(0);
      expect(memory.get('a')?.value).toBe('new');

      memory.set('evicted', entry('E', clock.now() + 60_000, ['evicted-tag']), 10);
      for (let i = 0; i < 20; i += 1)
        memory.set(`filler${String(i)}`, entry(i, clock.now() + 60_000), 10);
      expect(memory.get('evicted')).toBeUndefined();
      expect(memory.dropTags(['evicted-tag'])).toBe(0);

      memory.set('expires', entry('X', clock.now() + 10, ['expiring-tag']), 10);
      clock.advance(11);
      expect(memory.get('expires')).toBeUndefined();
      const kept = memory.size;
      expect(memory.dropTags(['expiring-tag'])).toBe(0);
      expect(memory.size).toBe(kept - 1); // it went all the same
    });
  });

  it('counts its entries and their bytes, and clears them all', () => {
    const clock = manualClock();
    const memory = createMemoryTier({ maxBytes: 10_000, now: clock.now });
    expect(memory.size).toBe(0);
    memory.set('a', entry('A', clock.now() + 1_000, ['t']), 30);
    memory.set('b', entry('B', clock.now() + 1_000), 40);
    expect(memory.size).toBe(2);
    expect(memory.bytes).toBe(70);
    memory.clear();
    expect(memory.size).toBe(0);
    expect(memory.bytes).toBe(0);
    expect(memory.dropTags(['t'])).toBe(0);
  });
});
