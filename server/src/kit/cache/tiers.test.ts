import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { entryOf } from './freshness.js';
import { cacheKey, type CachePolicy } from './policy.js';
import { createTiers } from './tiers.js';

/** A full garbage collection (V8's gc(), exposed for the call). */
function collect(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i += 1) gc();
}

const ENTRIES = 20_000;

/** A time as production's clock gives it (beyond V8's small integers: each time is a number of its own). */
const NOW = Date.UTC(2026, 11, 7);

/** What ENTRIES entries of `policy` take in V8's heap, and what the memory tier counts for them. */
function heapAndCount(
  policy: CachePolicy,
  valueOf: (i: number) => unknown,
): { heap: number; counted: number } {
  const tiers = createTiers({ maxBytes: 1e12, now: () => NOW });
  collect();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < ENTRIES; i += 1) {
    const id = String(100_000 + i);
    tiers.store(
      new Map([[cacheKey(policy, id, undefined), entryOf(policy, id, undefined, valueOf(i), NOW)]]),
    );
  }
  collect();
  const heap = process.memoryUsage().heapUsed - before;
  expect(tiers.memory.size).toBe(ENTRIES);
  return { heap, counted: tiers.memory.bytes };
}

describe('the memory tier’s count of an entry', () => {
  // The bound is only as good as this count: a full cache of small entries (prices, remembered
  // absences) is mostly what each entry takes besides its value.
  it('is within a quarter of what entries take in the heap: prices, tagged products with a Date, remembered absences', () => {
    const price: CachePolicy = { name: 'pricing.price', ttlMs: 10_000, scope: 'public' };
    const product: CachePolicy = {
      name: 'erp.v1.product',
      ttlMs: 5_000,
      scope: 'public',
      tags: (sku) => [`stock:${sku}`],
    };
    const absent: CachePolicy = { name: 'reviews', ttlMs: 1, absentTtlMs: 5_000, scope: 'public' };
    const measured = [
      heapAndCount(price, (i) => ({
        sku: String(100_000 + i),
        amount: 1_999 + i,
        currency: 'EUR',
      })),
      heapAndCount(product, (i) => ({
        sku: String(100_000 + i),
        name: `Product number ${i}`,
        modifiedAt: new Date(1_700_000_000_000 + i),
        labels: ['a', 'b'],
      })),
      heapAndCount(absent, () => undefined),
    ];
    for (const { heap, counted } of measured) {
      expect(counted / heap).toBeGreaterThan(0.75);
      expect(counted / heap).toBeLessThan(1.25);
    }
  });
});
