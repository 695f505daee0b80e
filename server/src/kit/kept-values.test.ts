import { describe, expect, it } from 'vitest';
import { createKeptValues } from './kept-values.js';

describe('kept values without Redis', () => {
  it('answers what was set, and keeps at most maxEntries, forgetting the least recently used', async () => {
    const kept = createKeptValues<{ n: number }>({ name: 'test', ttlMs: 60_000, maxEntries: 2 });
    await kept.set('a', { n: 1 });
    await kept.set('b', { n: 2 });
    expect(await kept.get('a')).toEqual({ n: 1 }); // b is now the least recently used
    await kept.set('c', { n: 3 });
    expect(await kept.get('b')).toBeUndefined();
    expect(await kept.get('a')).toEqual({ n: 1 });
    expect(await kept.get('c')).toEqual({ n: 3 });
    expect(await kept.get('never')).toBeUndefined();
  });
});
