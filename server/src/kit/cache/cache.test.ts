import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { erpCachePolicies } from '../../upstreams/cache-policies.js';
import { createLogger } from '../logger.js';
import { createCache } from './cache.js';
import type { CachePolicy } from './policy.js';
import { ENTRY_BYTES } from './tiers.js';
import { flush, tracked } from '../../testing/promises.js';
import type { StopSignal } from '../stop-signal.js';

interface PendingCall<T> {
  signal: StopSignal;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/** A loader whose calls wait until the test settles them (or their signal aborts); records every call. */
function pendingLoader<T>(): {
  load: (signal: StopSignal) => Promise<T>;
  calls: PendingCall<T>[];
} {
  const calls: PendingCall<T>[] = [];
  return {
    calls,
    load: (signal) =>
      new Promise<T>((resolve, reject) => {
        calls.push({ signal, resolve, reject });
        signal.addEventListener('abort', () => {
          reject(new Error('load aborted'));
        });
      }),
  };
}

/** A loader answering at once: `value(n)` on its n-th call, or throwing what `value` throws. */
function countingLoader<T>(value: (call: number) => T): {
  load: (signal: StopSignal) => Promise<T>;
  calls: () => number;
} {
  let calls = 0;
  return {
    calls: () => calls,
    load: () => {
      calls += 1;
      try {
        return Promise.resolve(value(calls));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

/** A batch loader that finds every id except those starting with `missing` (value: the id in upper case). */
function batchLoader(): {
  loadMissing: (ids: string[], signal: StopSignal) => Promise<Map<string, string>>;
  calls: string[][];
} {
  const calls: string[][] = [];
  return {
    calls,
    loadMissing: (ids) => {
      calls.push([...ids]);
      return Promise.resolve(
        new Map(ids.filter((id) => !id.startsWith('missing')).map((id) => [id, id.toUpperCase()])),
      );
    },
  };
}

function setup(maxBytes = 1_000_000) {
  const lines: string[] = [];
  const log = createLogger('debug', (line) => {
    lines.push(line);
  });
  const cache = createCache({ maxBytes, log, now: () => Date.now() });
  return { cache, logged: () => lines.map((line) => JSON.parse(line) as unknown) };
}

const plain: CachePolicy = { name: 'test.plain', ttlMs: 1_000, scope: 'public' };
const swr: CachePolicy = {
  name: 'test.swr',
  ttlMs: 1_000,
  staleWhileRevalidateMs: 5_000,
  scope: 'public',
};

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createCache', () => {
  describe('TTL', () => {
    it('answers a value within its TTL from memory, with one load', async () => {
      const { cache } = setup();
      const loader = countingLoader((n) => `v${String(n)}`);
      expect(await cache.get(plain, 'k', loader.load)).toBe('v1');
      vi.advanceTimersByTime(999);
      expect(await cache.get(plain, 'k', loader.load)).toBe('v1');
      expect(loader.calls()).toBe(1);
    });

    it('loads again once the TTL has passed', async () => {
      const { cache } = setup();
      const loader = countingLoader((n) => `v${String(n)}`);
      expect(await cache.get(plain, 'k', loader.load)).toBe('v1');
      vi.advanceTimersByTime(1_000);
      expect(await cache.get(plain, 'k', loader.load)).toBe('v2');
      expect(loader.calls()).toBe(2);
    });
  });

  describe('what a hit answers', () => {
    it('answers a value equal to the one loaded, Dates and Maps included, and a copy of its own to each caller when the value is JSON-like', async () => {
      const { cache } = setup();
      const product = {
        sku: '000123',
        modifiedAt: new Date('2026-10-01T12:00:00.000Z'),
        attributes: [{ name: 'color', value: 'Red' }],
      };
      const rates = { rates: new Map([['EUR', 1.08]]), day: new Date('2026-10-01') };
      for (const [id, value] of [
        ['product', product],
        ['rates', rates],
      ] as const) {
        const loader = countingLoader(() => value);
        expect(await cache.get(plain, id, loader.load)).toBe(value);
        const first = await cache.get(plain, id, loader.load);
        expect(first).toEqual(value);
        expect(loader.calls()).toBe(1);
        if (id === 'product') {
          // Kept as text: each hit is a value of its own, which a caller may change alone.
          expect(first).not.toBe(value);
          (first as typeof product).attributes.push({ name: 'size', value: '42' });
          expect(await cache.get(plain, id, loader.load)).toEqual(product);
        }
      }
    });
  });

  describe('stale-while-revalidate', () => {
    it('answers the stale value at once, runs exactly one background refresh for many callers, then serves the new value', async () => {
      const { cache } = setup();
      const first = countingLoader(() => 'v1');
      await cache.get(swr, 'k', first.load);
      vi.advanceTimersByTime(1_500);

      const refresh = pendingLoader<string>();
      // The refresh is still pending: every caller is answered with the stale value.
      const stale = await Promise.all(
        Array.from({ length: 50 }, () => cache.get(swr, 'k', refresh.load)),
      );
      expect(stale.every((value) => value === 'v1')).toBe(true);
      vi.advanceTimersByTime(1_000);
      expect(await cache.get(swr, 'k', refresh.load)).toBe('v1');
      expect(refresh.calls).toHaveLength(1);

      refresh.calls[0]?.resolve('v2');
      await flush();
      const after = countingLoader(() => 'v3');
      expect(await cache.get(swr, 'k', after.load)).toBe('v2');
      // The refreshed value is fresh for a whole TTL from the refresh on.
      vi.advanceTimersByTime(999);
      expect(await cache.get(swr, 'k', after.load)).toBe('v2');
      expect(after.calls()).toBe(0);
      expect(refresh.calls).toHaveLength(1);
    });

    it('loads blocking once the TTL and the window have both passed', async () => {
      const { cache } = setup();
      await cache.get(swr, 'k', countingLoader(() => 'v1').load);
      vi.advanceTimersByTime(6_000);

      const reload = pendingLoader<string>();
      const call = tracked(cache.get(swr, 'k', reload.load));
      await flush();
      expect(reload.calls).toHaveLength(1);
      expect(call.settled()).toBe(false);
      reload.calls[0]?.resolve('v2');
      expect(await call.promise).toBe('v2');
    });

    it('keeps the stale value when the background refresh fails, caches no error, and loads blocking once it expires', async () => {
      const { cache, logged } = setup();
      await cache.get(swr, 'k', countingLoader(() => 'v1').load);
      vi.advanceTimersByTime(1_500);

      const failing = countingLoader((): string => {
        throw new Error('upstream down');
      });
      expect(await cache.get(swr, 'k', failing.load)).toBe('v1');
      await flush();
      expect(failing.calls()).toBe(1);
      expect(logged()).toContainEqual(
        expect.objectContaining({
          level: 'debug',
          msg: 'background refresh failed; the stale entry stays until it expires',
          policy: 'test.swr',
          error: 'upstream down',
        }),
      );

      // Still stale, not an error: answered again, with another (single) refresh attempt.
      vi.advanceTimersByTime(4_499); // 5 999 ms after the first load, 1 ms before it expires
      expect(await cache.get(swr, 'k', failing.load)).toBe('v1');
      await flush();
      expect(failing.calls()).toBe(2);

      vi.advanceTimersByTime(1);
      const reload = pendingLoader<string>();
      const call = tracked(cache.get(swr, 'k', reload.load));
      await flush();
      expect(call.settled()).toBe(false);
      reload.calls[0]?.resolve('v2');
      expect(await call.promise).toBe('v2');
    });
  });

  describe('single-flight', () => {
    it('makes one load for 100 concurrent gets of one key, and gives all of them its value', async () => {
      const { cache } = setup();
      const loader = pendingLoader<{ id: number }>();
      const calls = Array.from({ length: 100 }, () => cache.get(plain, 'k', loader.load));
      await flush();
      expect(loader.calls).toHaveLength(1);
      const value = { id: 1 };
      loader.calls[0]?.resolve(value);
      const values = await Promise.all(calls);
      expect(values).toHaveLength(100);
      expect(values.every((v) => v === value)).toBe(true);
      expect(cache.memory.size).toBe(1);
    });

    it('loads each id of concurrent, overlapping getMany calls once, with one loadMissing call per batch', async () => {
      const { cache } = setup();
      const batches: { ids: string[]; resolve: (values: Map<string, string>) => void }[] = [];
      const loadMissing = (ids: string[]): Promise<Map<string, string>> =>
        new Promise((resolve) => {
          batches.push({ ids: [...ids], resolve });
        });

      const first = cache.getMany(plain, ['a', 'b', 'c'], loadMissing);
      const second = cache.getMany(plain, ['b', 'c', 'd'], loadMissing);
      const third = cache.getMany(plain, ['a', 'd', 'e', 'e'], loadMissing);
      await flush();
      // Each batch is one call; the order in which they reach the loader is not specified.
      const asked = batches.map((batch) => batch.ids.join(','));
      expect(asked.sort()).toEqual(['a,b,c', 'd', 'e']);
      for (const batch of batches)
        batch.resolve(new Map(batch.ids.map((id) => [id, id.toUpperCase()])));

      expect(await first).toEqual(
        new Map([
          ['a', 'A'],
          ['b', 'B'],
          ['c', 'C'],
        ]),
      );
      expect(await second).toEqual(
        new Map([
          ['b', 'B'],
          ['c', 'C'],
          ['d', 'D'],
        ]),
      );
      expect(await third).toEqual(
        new Map([
          ['a', 'A'],
          ['d', 'D'],
          ['e', 'E'],
        ]),
      );
      expect(batches).toHaveLength(3);
    });

    it('answers cached ids of getMany without the loader and loads only the missing ones', async () => {
      const { cache } = setup();
      const loader = batchLoader();
      await cache.getMany(plain, ['a', 'b'], loader.loadMissing);
      expect(await cache.getMany(plain, ['a', 'b', 'c'], loader.loadMissing)).toEqual(
        new Map([
          ['a', 'A'],
          ['b', 'B'],
          ['c', 'C'],
        ]),
      );
      expect(await cache.getMany(plain, ['c', 'a'], loader.loadMissing)).toEqual(
        new Map([
          ['c', 'C'],
          ['a', 'A'],
        ]),
      );
      expect(loader.calls).toEqual([['a', 'b'], ['c']]);
    });

    it('shares the single-flight between get and getMany of the same key', async () => {
      const { cache } = setup();
      const loader = pendingLoader<string>();
      const single = cache.get(plain, 'a', loader.load);
      const batch = batchLoader();
      const many = cache.getMany(plain, ['a', 'b'], batch.loadMissing);
      await flush();
      expect(batch.calls).toEqual([['b']]);
      loader.calls[0]?.resolve('from get');
      expect(await single).toBe('from get');
      expect(await many).toEqual(
        new Map([
          ['a', 'from get'],
          ['b', 'B'],
        ]),
      );
    });
  });

  describe('absent ids', () => {
    it('asks again for ids the loader did not answer when absentTtlMs is not set', async () => {
      const { cache } = setup();
      const loader = batchLoader();
      expect(await cache.getMany(plain, ['a', 'missing-1'], loader.loadMissing)).toEqual(
        new Map([['a', 'A']]),
      );
      expect(await cache.getMany(plain, ['a', 'missing-1'], loader.loadMissing)).toEqual(
        new Map([['a', 'A']]),
      );
      expect(loader.calls).toEqual([['a', 'missing-1'], ['missing-1']]);
      expect(cache.memory.size).toBe(1);
    });

    it('remembers absent ids for absentTtlMs when it is set', async () => {
      const { cache } = setup();
      const policy: CachePolicy = { ...plain, ttlMs: 10_000, absentTtlMs: 500 };
      const loader = batchLoader();
      expect(await cache.getMany(policy, ['a', 'missing-1'], loader.loadMissing)).toEqual(
        new Map([['a', 'A']]),
      );
      vi.advanceTimersByTime(499);
      expect(await cache.getMany(policy, ['a', 'missing-1'], loader.loadMissing)).toEqual(
        new Map([['a', 'A']]),
      );
      expect(loader.calls).toEqual([['a', 'missing-1']]);
      vi.advanceTimersByTime(1);
      expect(await cache.getMany(policy, ['a', 'missing-1'], loader.loadMissing)).toEqual(
        new Map([['a', 'A']]),
      );
      expect(loader.calls).toEqual([['a', 'missing-1'], ['missing-1']]);
    });
  });

  describe('errors', () => {
    it('never caches an error: the next get loads again', async () => {
      const { cache } = setup();
      const loader = countingLoader((n) => {
        if (n === 1) throw new Error('upstream down');
        return 'v2';
      });
      await expect(cache.get(plain, 'k', loader.load)).rejects.toThrow('upstream down');
      expect(cache.memory.size).toBe(0);
      expect(await cache.get(plain, 'k', loader.load)).toBe('v2');
      expect(loader.calls()).toBe(2);
    });

    it('never caches a failed batch: the next getMany loads its ids again', async () => {
      const { cache } = setup();
      const calls: string[][] = [];
      const loadMissing = (ids: string[]): Promise<Map<string, string>> => {
        calls.push([...ids]);
        return calls.length === 1
          ? Promise.reject(new Error('upstream down'))
          : Promise.resolve(new Map(ids.map((id) => [id, id])));
      };
      await expect(cache.getMany(plain, ['a', 'b'], loadMissing)).rejects.toThrow('upstream down');
      expect(await cache.getMany(plain, ['a', 'b'], loadMissing)).toEqual(
        new Map([
          ['a', 'a'],
          ['b', 'b'],
        ]),
      );
      expect(calls).toEqual([
        ['a', 'b'],
        ['a', 'b'],
      ]);
    });

    it('shares a failure with every concurrent waiter, then forgets it', async () => {
      const { cache } = setup();
      const loader = pendingLoader<string>();
      const calls = Array.from({ length: 10 }, () => tracked(cache.get(plain, 'k', loader.load)));
      await flush();
      loader.calls[0]?.reject(new Error('upstream down'));
      for (const call of calls) await expect(call.promise).rejects.toThrow('upstream down');
      expect(loader.calls).toHaveLength(1);
      const again = cache.get(plain, 'k', loader.load);
      await flush();
      loader.calls[1]?.resolve('v2');
      expect(await again).toBe('v2');
    });
  });

  describe('not found (an unknown SKU)', () => {
    const product = erpCachePolicies('v1', { notFoundTtlMs: 2_000 }).product;

    it('remembers a get that found nothing for absentTtlMs, answering undefined without loading, and forgets it after that', async () => {
      const { cache } = setup();
      const loader = countingLoader((n): string | undefined =>
        n === 1 ? undefined : 'the product',
      );
      expect(await cache.get(product, 'X-1', loader.load)).toBeUndefined();
      vi.advanceTimersByTime(1_999);
      expect(await cache.get(product, 'X-1', loader.load)).toBeUndefined();
      expect(loader.calls()).toBe(1);
      vi.advanceTimersByTime(1);
      expect(await cache.get(product, 'X-1', loader.load)).toBe('the product');
      expect(loader.calls()).toBe(2);
    });

    it('asks again after a get that found nothing when the policy has no absentTtlMs', async () => {
      const { cache } = setup();
      const loader = countingLoader((n): string | undefined => (n === 1 ? undefined : 'found'));
      expect(await cache.get(plain, 'k', loader.load)).toBeUndefined();
      expect(await cache.get(plain, 'k', loader.load)).toBe('found');
      expect(loader.calls()).toBe(2);
    });

    it('never remembers a failure: a timeout or a server fault is asked again', async () => {
      const { cache } = setup();
      const loader = countingLoader((n): string => {
        if (n < 3) throw new Error(n === 1 ? 'timeout' : 'soap:Server');
        return 'the product';
      });
      await expect(cache.get(product, 'X-1', loader.load)).rejects.toThrow('timeout');
      await expect(cache.get(product, 'X-1', loader.load)).rejects.toThrow('soap:Server');
      expect(await cache.get(product, 'X-1', loader.load)).toBe('the product');
      expect(loader.calls()).toBe(3);
    });

    it('leaves an id a get found nothing for out of a later getMany, without asking for it', async () => {
      const { cache } = setup();
      expect(
        await cache.get(product, 'X-1', countingLoader((): string | undefined => undefined).load),
      ).toBeUndefined();
      const batch = batchLoader();
      expect(await cache.getMany(product, ['X-1', 'x-2'], batch.loadMissing)).toEqual(
        new Map([['x-2', 'X-2']]),
      );
      expect(batch.calls).toEqual([['x-2']]);
    });

    it('answers undefined, without loading, to a get of an id a getMany found absent', async () => {
      const { cache } = setup();
      const batch = batchLoader();
      expect(await cache.getMany(product, ['x-1', 'missing-1'], batch.loadMissing)).toEqual(
        new Map([['x-1', 'X-1']]),
      );
      const loader = countingLoader(() => 'found after all');
      expect(await cache.get(product, 'missing-1', loader.load)).toBeUndefined();
      expect(loader.calls()).toBe(0);
      vi.advanceTimersByTime(2_000);
      expect(await cache.get(product, 'missing-1', loader.load)).toBe('found after all');
    });
  });

  describe('private scope', () => {
    const account: CachePolicy = { name: 'test.account', ttlMs: 60_000, scope: 'private' };

    it("keys private entries by user: user A's value is never answered to user B", async () => {
      const { cache } = setup();
      const loads: string[] = [];
      const profileOf = (user: string) => () => {
        loads.push(user);
        return Promise.resolve(`profile of ${user}`);
      };
      expect(await cache.get(account, 'profile', profileOf('A'), { userId: 'A' })).toBe(
        'profile of A',
      );
      expect(await cache.get(account, 'profile', profileOf('B'), { userId: 'B' })).toBe(
        'profile of B',
      );
      expect(await cache.get(account, 'profile', profileOf('A'), { userId: 'A' })).toBe(
        'profile of A',
      );
      expect(await cache.get(account, 'profile', profileOf('B'), { userId: 'B' })).toBe(
        'profile of B',
      );
      expect(loads).toEqual(['A', 'B']);
      expect(cache.memory.size).toBe(2);
    });

    it('does not join the in-flight load of another user', async () => {
      const { cache } = setup();
      const forA = pendingLoader<string>();
      const forB = pendingLoader<string>();
      const a = cache.get(account, 'profile', forA.load, { userId: 'A' });
      const b = cache.get(account, 'profile', forB.load, { userId: 'B' });
      await flush();
      expect(forA.calls).toHaveLength(1);
      expect(forB.calls).toHaveLength(1);
      forB.calls[0]?.resolve('profile of B');
      forA.calls[0]?.resolve('profile of A');
      expect(await a).toBe('profile of A');
      expect(await b).toBe('profile of B');
    });

    it('throws for a private get or getMany without a user, and loads nothing', async () => {
      const { cache } = setup();
      const loader = countingLoader(() => 'anything');
      await expect(cache.get(account, 'profile', loader.load)).rejects.toThrow(
        'test.account is private: its keys need the user',
      );
      const batch = batchLoader();
      await expect(cache.getMany(account, ['a'], batch.loadMissing)).rejects.toThrow('private');
      expect(loader.calls()).toBe(0);
      expect(batch.calls).toEqual([]);
    });
  });

  describe('tags', () => {
    it('invalidate drops exactly the tagged entries', async () => {
      const { cache } = setup();
      const stock: CachePolicy = {
        name: 'test.stock',
        ttlMs: 60_000,
        scope: 'public',
        tags: (sku) => [`stock:${sku}`],
      };
      const cart: CachePolicy = {
        name: 'test.cart',
        ttlMs: 60_000,
        scope: 'private',
        tags: (_id, user) => [`cart:${user ?? ''}`],
      };
      const loads: string[] = [];
      const loader = (name: string) => () => {
        loads.push(name);
        return Promise.resolve(name);
      };
      const all = async (): Promise<void> => {
        await cache.getMany(stock, ['a', 'b', 'c'], (ids) => {
          loads.push(...ids.map((id) => `stock ${id}`));
          return Promise.resolve(new Map(ids.map((id) => [id, id])));
        });
        await cache.get(cart, 'cart', loader('cart A'), { userId: 'A' });
        await cache.get(cart, 'cart', loader('cart B'), { userId: 'B' });
        await cache.get(plain, 'untagged', loader('untagged'));
      };
      await all();
      expect(cache.memory.size).toBe(6);
      loads.length = 0;

      await cache.invalidate(['stock:b', 'cart:A', 'unknown:tag']);
      expect(cache.memory.size).toBe(4);
      await all();
      expect(loads).toEqual(['stock b', 'cart A']);
    });
  });

  describe('the byte bound', () => {
    it('evicts the least recently used entries so that memory.bytes stays within maxBytes while far more is inserted', async () => {
      const { cache } = setup(20_000);
      const loaded: string[] = [];
      const loader = (id: string) => () => {
        loaded.push(id);
        return Promise.resolve(`${id}:${'x'.repeat(400)}`);
      };
      await cache.get(plain, 'hot', loader('hot'));
      for (let i = 0; i < 500; i += 1) {
        await cache.get(plain, `k${String(i)}`, loader(`k${String(i)}`));
        // A fresh hit makes the entry the most recently used one.
        await cache.get(plain, 'hot', loader('hot'));
        expect(cache.memory.bytes).toBeLessThanOrEqual(20_000);
      }
      expect(cache.memory.size).toBeGreaterThan(10);
      expect(cache.memory.size).toBeLessThan(100);
      expect(cache.memory.bytes).toBeGreaterThan(15_000);
      expect(loaded.filter((id) => id === 'hot')).toHaveLength(1);

      loaded.length = 0;
      await cache.get(plain, 'k499', loader('k499'));
      await cache.get(plain, 'k0', loader('k0'));
      expect(loaded).toEqual(['k0']);
    });

    it('does not keep an entry bigger than a tenth of the bound', async () => {
      const { cache } = setup(20_000);
      const big = countingLoader(() => 'x'.repeat(2_000));
      const small = countingLoader(() => 'x'.repeat(500));
      expect(await cache.get(plain, 'big', big.load)).toHaveLength(2_000);
      expect(await cache.get(plain, 'big', big.load)).toHaveLength(2_000);
      expect(big.calls()).toBe(2);
      await cache.get(plain, 'small', small.load);
      await cache.get(plain, 'small', small.load);
      expect(small.calls()).toBe(1);
      expect(cache.memory.size).toBe(1);
      expect(cache.memory.bytes).toBeGreaterThan(500 + ENTRY_BYTES);
      expect(cache.memory.bytes).toBeLessThanOrEqual(2_000);
    });

    it('counts an entry at its text, a byte per character, and what keeping an entry takes besides', async () => {
      const { cache } = setup();
      await cache.get(plain, 'a', countingLoader(() => 'x'.repeat(1_000)).load);
      // The text is the 1,000 characters and their quotes; the key is the policy's name and 'a'.
      expect(cache.memory.bytes).toBeGreaterThan(1_002 + ENTRY_BYTES);
      expect(cache.memory.bytes).toBeLessThan(1_002 + ENTRY_BYTES + 50);
    });

    it('counts its entries in memory.size', async () => {
      const { cache } = setup();
      expect(cache.memory.size).toBe(0);
      await cache.get(plain, 'a', countingLoader(() => 1).load);
      await cache.get(swr, 'a', countingLoader(() => 2).load);
      await cache.getMany(plain, ['b', 'c', 'missing-1'], batchLoader().loadMissing);
      expect(cache.memory.size).toBe(4);
    });
  });

  describe('abort', () => {
    it('does not abort the shared load when one of two waiters aborts', async () => {
      const { cache } = setup();
      const loader = pendingLoader<string>();
      const first = new AbortController();
      const second = new AbortController();
      const a = tracked(cache.get(plain, 'k', loader.load, { signal: first.signal }));
      const b = tracked(cache.get(plain, 'k', loader.load, { signal: second.signal }));
      await flush();
      first.abort();
      await expect(a.promise).rejects.toMatchObject({ name: 'AbortError' });
      expect(loader.calls).toHaveLength(1);
      expect(loader.calls[0]?.signal.aborted).toBe(false);
      expect(b.settled()).toBe(false);

      loader.calls[0]?.resolve('v1');
      expect(await b.promise).toBe('v1');
      // The load finished for the remaining waiter, and is cached.
      expect(await cache.get(plain, 'k', loader.load)).toBe('v1');
      expect(loader.calls).toHaveLength(1);
    });

    it('does not abort a batch load when a caller of several of its ids leaves and another still waits for one', async () => {
      const { cache } = setup();
      let loadSignal: StopSignal | undefined;
      let answer: (values: Map<string, string>) => void = () => undefined;
      const loadMissing = (_ids: string[], signal: StopSignal) => {
        loadSignal = signal;
        return new Promise<Map<string, string>>((resolve) => {
          answer = resolve;
        });
      };
      const first = new AbortController();
      const second = new AbortController();
      const a = tracked(cache.getMany(plain, ['x', 'y'], loadMissing, { signal: first.signal }));
      const b = tracked(
        cache.get(plain, 'y', () => Promise.resolve('unused'), { signal: second.signal }),
      );
      await flush();
      first.abort();
      await expect(a.promise).rejects.toMatchObject({ name: 'AbortError' });
      // The second caller still waits for y: the load goes on.
      expect(loadSignal?.aborted).toBe(false);
      answer(
        new Map([
          ['x', 'X'],
          ['y', 'Y'],
        ]),
      );
      expect(await b.promise).toBe('Y');
      expect(await cache.get(plain, 'x', () => Promise.resolve('again'))).toBe('X');
    });

    it('aborts the shared load when every waiter has aborted, and caches nothing', async () => {
      const { cache } = setup();
      const loader = pendingLoader<string>();
      const first = new AbortController();
      const second = new AbortController();
      const a = tracked(cache.get(plain, 'k', loader.load, { signal: first.signal }));
      const b = tracked(cache.get(plain, 'k', loader.load, { signal: second.signal }));
      await flush();
      first.abort();
      expect(loader.calls[0]?.signal.aborted).toBe(false);
      second.abort(new Error('client went away'));
      expect(loader.calls[0]?.signal.aborted).toBe(true);
      await expect(a.promise).rejects.toMatchObject({ name: 'AbortError' });
      await expect(b.promise).rejects.toThrow('client went away');
      await flush();
      expect(cache.memory.size).toBe(0);

      const again = cache.get(plain, 'k', loader.load);
      await flush();
      expect(loader.calls).toHaveLength(2);
      loader.calls[1]?.resolve('v2');
      expect(await again).toBe('v2');
    });

    it('starts a new load for a caller arriving after every waiter of the current one has aborted', async () => {
      const { cache } = setup();
      const loader = pendingLoader<string>();
      const first = new AbortController();
      const a = tracked(cache.get(plain, 'k', loader.load, { signal: first.signal }));
      await flush();
      first.abort();
      // Same tick: the aborted load has not settled yet.
      const late = tracked(cache.get(plain, 'k', loader.load));
      await expect(a.promise).rejects.toMatchObject({ name: 'AbortError' });
      await flush();
      expect(loader.calls).toHaveLength(2);
      expect(loader.calls[1]?.signal.aborted).toBe(false);
      loader.calls[1]?.resolve('v2');
      expect(await late.promise).toBe('v2');
    });

    it('rejects at once for a caller whose signal is already aborted, and leaves no live load behind', async () => {
      const { cache } = setup();
      const loader = pendingLoader<string>();
      const controller = new AbortController();
      controller.abort();
      await expect(
        cache.get(plain, 'k', loader.load, { signal: controller.signal }),
      ).rejects.toMatchObject({ name: 'AbortError' });
      await flush();
      expect(loader.calls.every((call) => call.signal.aborted)).toBe(true);
      expect(cache.memory.size).toBe(0);
    });

    it('answers a stale value to a caller and does not let it abort the background refresh', async () => {
      const { cache } = setup();
      await cache.get(swr, 'k', countingLoader(() => 'v1').load);
      vi.advanceTimersByTime(1_500);
      const refresh = pendingLoader<string>();
      const controller = new AbortController();
      expect(await cache.get(swr, 'k', refresh.load, { signal: controller.signal })).toBe('v1');
      controller.abort();
      expect(refresh.calls[0]?.signal.aborted).toBe(false);
      refresh.calls[0]?.resolve('v2');
      await flush();
      expect(await cache.get(swr, 'k', refresh.load)).toBe('v2');
    });
  });
});
