import type { CacheOutcome } from './metrics.js';

/** What one HTTP request's upstream calls and cache look-ups came to: its Server-Timing and its log line. */
export interface RequestRecord {
  /** Milliseconds per upstream, summed over its calls (a batch sums its calls'). */
  readonly upstreamMs: Map<string, number>;
  upstreamCalls: number;
  readonly cache: Set<CacheOutcome>;
}

export const newRequestRecord = (): RequestRecord => ({
  upstreamMs: new Map(),
  upstreamCalls: 0,
  cache: new Set(),
});

/**
 * The `Server-Timing` field: one entry per upstream called (`erp;dur=12.3`) and one for the cache:
 * `hit`, `miss` or `stale` when every look-up came out so, `mixed` otherwise (`miss` when nothing
 * was looked up: nothing came from a cache).
 */
export function serverTiming(record: RequestRecord): string {
  const entries = [...record.upstreamMs].map(
    ([upstream, ms]) => `${upstream};dur=${ms.toFixed(1)}`,
  );
  const [only] = record.cache;
  const cache = record.cache.size === 0 ? 'miss' : record.cache.size === 1 && only ? only : 'mixed';
  entries.push(`cache;desc="${cache}"`);
  return entries.join(', ');
}
