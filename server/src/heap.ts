/**
 * V8's heap sizing for a BFF whose cache may keep `cacheMaxBytes`.
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
  return cacheMaxBytes > 0 ? ['--max-semi-space-size=8', '--heap-growing-percent=25'] : [];
}

/** The flags of `heapFlags` that Node was not started with (by name, in its arguments or NODE_OPTIONS). */
export function missingHeapFlags(
  cacheMaxBytes: number,
  given: { execArgv: readonly string[]; nodeOptions: string | undefined },
): string[] {
  const present = `${given.execArgv.join(' ')} ${given.nodeOptions ?? ''}`;
  return heapFlags(cacheMaxBytes).filter((flag) => {
    const name = flag.slice(2, flag.indexOf('='));
    // V8 takes both spellings.
    return !present.includes(name) && !present.includes(name.replaceAll('-', '_'));
  });
}
