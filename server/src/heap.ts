/**
 * V8's settings for a BFF whose cache may keep `cacheMaxBytes`.
 *
 * Allocation-site pretenuring is off, cache or not. V8 watches where objects are made and, when
 * many from one place outlive a young-generation collection, makes that place's later objects in
 * the old generation directly. A burst of slow requests (cache misses waiting on upstreams while
 * hits queue behind them) is enough for it to do so with the places every request allocates at
 * (its response, its headers, the handler's closures): from then on each request's objects died in
 * the old generation and were only freed by full collections, and what they pointed at was kept
 * through young collections. Measured on cache hits: 0.08 → 0.045 ms of CPU per request and a full
 * collection every 130 ms → none; on uncached pages about 15 % less CPU per request.
 *
 * With the cache on, what is live stays large for long (the cache is filled), and under load V8
 * lets the old generation grow to several times that and the young one to 2 × 16 MiB: RSS reached
 * 2.5 times a hand-written server's with the default 64 MiB cache. Then the heap grows by 25 % of
 * what is live after each full collection instead (the live set includes the cache, so this
 * follows CACHE_MAX_BYTES), and the young generation's semi-spaces stop at 8 MiB, for some more GC
 * work. With the cache off little stays live and V8's own sizing is kept: the tight settings there
 * cost more CPU and latency than they saved.
 */
export function heapFlags(cacheMaxBytes: number): string[] {
  return [
    '--no-allocation-site-pretenuring',
    ...(cacheMaxBytes > 0 ? ['--max-semi-space-size=8', '--heap-growing-percent=25'] : []),
  ];
}

/** The flags of `heapFlags` V8 takes after it has started (a semi-space size it does not). */
export const RUNTIME_FLAGS = ['--no-allocation-site-pretenuring', '--heap-growing-percent'];

/** A flag's name without its value and without `no-`: `--no-x` and `--x=1` are both about `x`. */
function nameOf(flag: string): string {
  const bare = flag.replace(/^--(no-)?/, '');
  const equals = bare.indexOf('=');
  return equals === -1 ? bare : bare.slice(0, equals);
}

/**
 * The flags of `heapFlags` that Node was not started with (by name, in its arguments or
 * NODE_OPTIONS; a user's `--allocation-site-pretenuring` counts as given).
 */
export function missingHeapFlags(
  cacheMaxBytes: number,
  given: { execArgv: readonly string[]; nodeOptions: string | undefined },
): string[] {
  const present = `${given.execArgv.join(' ')} ${given.nodeOptions ?? ''}`;
  return heapFlags(cacheMaxBytes).filter((flag) => {
    const name = nameOf(flag);
    // V8 takes both spellings.
    return !present.includes(name) && !present.includes(name.replaceAll('-', '_'));
  });
}
