import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf, inShare } from './sticky-share.js';

describe('inShare', () => {
  it('gives a key the same answer every time (no state: any process computes the same)', () => {
    expect(bucketOf('user:u-1001')).toBe(bucketOf('user:u-1001'));
    // Fixed values: a change of the hash would move callers between versions on a deploy.
    expect([bucketOf(''), bucketOf('user:u-1001'), bucketOf('address:10.0.0.1')]).toEqual([
      8923, 7731, 3272,
    ]);
  });

  it('only adds callers as the percentage rises', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (key, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          // In the lower share means in the higher one.
          return !inShare(key, low) || inShare(key, high);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('takes about the percentage of many callers, none at 0 and all at 100', () => {
    const keys = Array.from(
      { length: 10_000 },
      (_, i) => `address:10.${String(i >> 8)}.${String(i & 255)}.7`,
    );
    const share = (percent: number) =>
      keys.filter((key) => inShare(key, percent)).length / keys.length;
    expect(share(0)).toBe(0);
    expect(share(100)).toBe(1);
    for (const percent of [5, 25, 50])
      expect(Math.abs(share(percent) * 100 - percent)).toBeLessThan(2);
  });
});
