import { describe, expect, it } from 'vitest';
import { randomHex } from './random-ids.js';

describe('randomHex', () => {
  it('gives hex of the length asked for, different every time, across refills of its pool', () => {
    const seen = new Set<string>();
    // 16 + 8 bytes a request, over several 4 KiB pools.
    for (let i = 0; i < 1_000; i += 1) {
      const traceId = randomHex(16);
      const spanId = randomHex(8);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      seen.add(traceId);
    }
    expect(seen.size).toBe(1_000);
  });

  it('refuses more than its pool holds', () => {
    expect(() => randomHex(5_000)).toThrow(RangeError);
  });
});
