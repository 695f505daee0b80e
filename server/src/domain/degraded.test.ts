import { describe, expect, it } from 'vitest';
import { degradedOf } from './degraded.js';

describe('degradedOf', () => {
  const ORDER = ['price', 'availability', 'reviews', 'recommendations'] as const;

  it('lists failed names in the declared order, whatever order they failed in', () => {
    expect(degradedOf(ORDER, new Set(['recommendations', 'price', 'reviews'] as const))).toEqual([
      'price',
      'reviews',
      'recommendations',
    ]);
  });

  it('is empty when nothing failed', () => {
    expect(degradedOf(ORDER, new Set())).toEqual([]);
  });

  it('leaves out a name the order does not declare', () => {
    const failed = new Set<string>(['reviews', 'convert']);
    expect(degradedOf<string>(ORDER, failed)).toEqual(['reviews']);
  });
});
