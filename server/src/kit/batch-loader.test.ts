import { describe, expect, it, vi } from 'vitest';
import { createBatchLoader, type BatchLoaderOptions } from './batch-loader.js';
import { flush, tracked } from '../testing/promises.js';
import type { CallOptions } from './upstream/upstream.js';

/** A fetch that finds every key (value: the key in upper case) and records what it was asked. */
function recordingFetch(): {
  fetch: BatchLoaderOptions<string, string>['fetch'];
  calls: string[][];
} {
  const calls: string[][] = [];
  return {
    calls,
    fetch(keys) {
      calls.push([...keys]);
      return Promise.resolve(new Map(keys.map((key) => [key, key.toUpperCase()])));
    },
  };
}

describe('createBatchLoader', () => {
  it('makes one fetch for the keys of several tickets, each key once', async () => {
    const upstream = recordingFetch();
    const loader = createBatchLoader({ fetch: upstream.fetch });
    const cart = loader.ticket();
    const wishlist = loader.ticket();
    const recommendations = loader.ticket();
    const loaded = await Promise.all([
      cart.load(['a', 'b']),
      wishlist.load(['b', 'c']),
      recommendations.load(['d']),
    ]);
    expect(upstream.calls).toHaveLength(1);
    expect([...(upstream.calls[0] ?? [])].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(loaded.map((values) => [...values.keys()])).toEqual([['a', 'b'], ['b', 'c'], ['d']]);
  });

  it('gives each ticket only the values of its own keys, and leaves out keys the fetch did not find', async () => {
    const loader = createBatchLoader<string, number>({
      fetch: (keys) =>
        Promise.resolve(
          new Map(keys.filter((key) => key !== 'unknown').map((key) => [key, key.length])),
        ),
    });
    const first = loader.ticket();
    const second = loader.ticket();
    const [mine, theirs] = await Promise.all([
      first.load(['aa', 'unknown']),
      second.load(['bbb', 'c']),
    ]);
    expect(mine).toEqual(new Map([['aa', 2]]));
    expect(theirs).toEqual(
      new Map([
        ['bbb', 3],
        ['c', 1],
      ]),
    );
  });

  it('waits for every ticket before it fetches', async () => {
    const upstream = recordingFetch();
    const loader = createBatchLoader({ fetch: upstream.fetch });
    const early = loader.ticket();
    const late = loader.ticket();
    const earlyLoad = tracked(early.load(['a']));
    await flush();
    expect(upstream.calls).toEqual([]);
    expect(earlyLoad.settled()).toBe(false);
    const lateLoad = late.load(['b']);
    expect(await earlyLoad.promise).toEqual(new Map([['a', 'A']]));
    expect(await lateLoad).toEqual(new Map([['b', 'B']]));
    expect(upstream.calls).toHaveLength(1);
  });

  it('stops waiting for a released ticket', async () => {
    const upstream = recordingFetch();
    const loader = createBatchLoader({ fetch: upstream.fetch });
    const asking = loader.ticket();
    const failed = loader.ticket();
    const load = tracked(asking.load(['a']));
    await flush();
    expect(load.settled()).toBe(false);
    failed.release();
    expect(await load.promise).toEqual(new Map([['a', 'A']]));
    expect(upstream.calls).toEqual([['a']]);
  });

  it('stops waiting for a ticket whose signal aborts', async () => {
    const upstream = recordingFetch();
    const loader = createBatchLoader({ fetch: upstream.fetch });
    const part = new AbortController();
    const asking = loader.ticket();
    loader.ticket(part.signal);
    const load = tracked(asking.load(['a']));
    await flush();
    expect(load.settled()).toBe(false);
    part.abort();
    expect(await load.promise).toEqual(new Map([['a', 'A']]));
    expect(upstream.calls).toEqual([['a']]);
  });

  it('does not wait for a ticket taken with a signal that has already aborted', async () => {
    const upstream = recordingFetch();
    const loader = createBatchLoader({ fetch: upstream.fetch });
    const asking = loader.ticket();
    loader.ticket(AbortSignal.abort());
    const load = tracked(asking.load(['a']));
    await flush();
    expect(load.settled()).toBe(true);
    expect(await load.promise).toEqual(new Map([['a', 'A']]));
  });

  it('releasing a ticket twice, or after its load, changes nothing', async () => {
    const upstream = recordingFetch();
    const loader = createBatchLoader({ fetch: upstream.fetch });
    const first = loader.ticket();
    const second = loader.ticket();
    const third = loader.ticket();
    second.release();
    second.release();
    const load = tracked(first.load(['a']));
    first.release();
    await flush();
    // The third ticket is still open: the batch still waits for it.
    expect(load.settled()).toBe(false);
    third.release();
    expect(await load.promise).toEqual(new Map([['a', 'A']]));
    expect(upstream.calls).toHaveLength(1);
  });

  it('rejects every load when a fetch fails', async () => {
    const failure = new Error('the ERP is down');
    const loader = createBatchLoader<string, string>({ fetch: () => Promise.reject(failure) });
    const first = loader.ticket();
    const second = loader.ticket();
    const loads = [first.load(['a']), second.load(['b'])];
    for (const load of loads) await expect(load).rejects.toBe(failure);
  });

  it('rejects every load when one chunk of several fails', async () => {
    const failure = new Error('pricing refused a chunk');
    const loader = createBatchLoader<string, string>({
      fetch: (keys) =>
        keys.includes('c')
          ? Promise.reject(failure)
          : Promise.resolve(new Map(keys.map((key) => [key, key]))),
    });
    const first = loader.ticket();
    const second = loader.ticket();
    const loads = [first.load(['a', 'b']), second.load(['c'])];
    for (const load of loads) await expect(load).rejects.toBe(failure);
  });

  it('does not fetch when no ticket asked for a key', async () => {
    const fetch = vi.fn<BatchLoaderOptions<string, string>['fetch']>(() =>
      Promise.resolve(new Map()),
    );
    const loader = createBatchLoader({ fetch });
    const empty = loader.ticket();
    const released = loader.ticket();
    const load = empty.load([]);
    released.release();
    expect(await load).toEqual(new Map());
    expect(fetch).not.toHaveBeenCalled();
  });

  it('does not fetch when every ticket was released', async () => {
    const fetch = vi.fn<BatchLoaderOptions<string, string>['fetch']>(() =>
      Promise.resolve(new Map()),
    );
    const loader = createBatchLoader({ fetch });
    loader.ticket().release();
    loader.ticket().release();
    await flush();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('serves a ticket taken after a round ran with a round of its own', async () => {
    const upstream = recordingFetch();
    const loader = createBatchLoader({ fetch: upstream.fetch });
    await loader.ticket().load(['a']);
    expect(await loader.ticket().load(['b'])).toEqual(new Map([['b', 'B']]));
    expect(upstream.calls).toEqual([['a'], ['b']]);
  });

  it('runs with what it has after gatherMs, and a late ticket makes a round of its own', async () => {
    vi.useFakeTimers();
    try {
      const upstream = recordingFetch();
      const loader = createBatchLoader({ fetch: upstream.fetch, gatherMs: 100 });
      const quick = loader.ticket();
      const slow = loader.ticket();
      const first = quick.load(['a']);
      await vi.advanceTimersByTimeAsync(99);
      expect(upstream.calls).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(await first).toEqual(new Map([['a', 'A']]));
      expect(await slow.load(['b'])).toEqual(new Map([['b', 'B']]));
      expect(upstream.calls).toEqual([['a'], ['b']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('bounds each round by timeoutMs: a hanging fetch fails its waiters instead of holding them', async () => {
    const loader = createBatchLoader<string, string>({
      timeoutMs: 30,
      fetch: (_keys, { signal }) =>
        new Promise((_, reject) => {
          signal?.addEventListener('abort', () => {
            reject(new Error('aborted'));
          });
        }),
    });
    await expect(loader.ticket().load(['a'])).rejects.toThrow('aborted');
  });

  it('refuses a second load on the same ticket, and a load after release', async () => {
    const upstream = recordingFetch();
    const loader = createBatchLoader({ fetch: upstream.fetch });
    const used = loader.ticket();
    const released = loader.ticket();
    released.release();
    await expect(released.load(['b'])).rejects.toThrow();
    await used.load(['a']);
    await expect(used.load(['c'])).rejects.toThrow();
    expect(upstream.calls).toEqual([['a']]);
  });

  it("fetches all of a round's keys at once, with the batch's own signal and scope", async () => {
    const request = new AbortController();
    const calls: { keys: string[]; call: CallOptions }[] = [];
    const loader = createBatchLoader<string, string>({
      fetch: (keys, call) => {
        calls.push({ keys, call });
        return Promise.resolve(new Map(keys.map((key) => [key, key])));
      },
      call: { signal: request.signal, scope: { requestId: 'req-1' } },
    });
    await loader.ticket().load(Array.from({ length: 250 }, (_, i) => `k${String(i)}`));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.keys).toHaveLength(250);
    expect(calls[0]?.call).toEqual({ signal: request.signal, scope: { requestId: 'req-1' } });
  });
});
