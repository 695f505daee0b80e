import { describe, expect, it } from 'vitest';
import { mergedLookup, type Lookup } from './merged-lookups.js';
import type { CallOptions, RequestScope } from './upstream.js';
import { UpstreamError } from './upstream-error.js';

interface Asked {
  keys: string[];
  call: CallOptions | undefined;
}

/** A look-up that finds every key but `unknown` (value: the key in upper case), answering when released. */
function heldLookup(): { lookup: Lookup<string, string>; asked: Asked[]; release: () => void } {
  const asked: Asked[] = [];
  const waiting: (() => void)[] = [];
  return {
    asked,
    release: () => {
      for (const answer of waiting.splice(0)) answer();
    },
    lookup: (keys, call) => {
      asked.push({ keys: [...keys], call });
      return new Promise((resolve, reject) => {
        call?.signal?.addEventListener('abort', () => {
          reject(new UpstreamError('pricing', 'aborted', { cause: call.signal?.reason }));
        });
        waiting.push(() => {
          resolve(new Map(keys.filter((k) => k !== 'unknown').map((k) => [k, k.toUpperCase()])));
        });
      });
    },
  };
}

const scope = (requestId: string): RequestScope => ({ requestId });
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('mergedLookup', () => {
  it('asks once for the keys of every request in one turn of the event loop, each key once', async () => {
    const upstream = heldLookup();
    const lookup = mergedLookup({ upstream: 'pricing', lookup: upstream.lookup });
    const [a, b, c] = [scope('a'), scope('b'), scope('c')];
    const answers = Promise.all([
      lookup(['1', '2'], { scope: a }),
      lookup(['2', '3', 'unknown'], { scope: b }),
      lookup(['4'], { scope: c }),
    ]);
    await turn();
    expect(upstream.asked).toHaveLength(1);
    expect(upstream.asked[0]?.keys).toEqual(['1', '2', '3', 'unknown', '4']);
    // The request that opened it carries it; the others are named.
    expect(upstream.asked[0]?.call?.scope).toBe(a);
    expect(upstream.asked[0]?.call?.also).toEqual([b, c]);
    upstream.release();
    // Each gets the values of its own keys only.
    expect((await answers).map((values) => Object.fromEntries(values))).toEqual([
      { '1': '1', '2': '2' },
      { '2': '2', '3': '3' },
      { '4': '4' },
    ]);
  });

  it("makes a lone request's call with its own options, as if nothing were merged", async () => {
    const upstream = heldLookup();
    const lookup = mergedLookup({ upstream: 'pricing', lookup: upstream.lookup });
    const signal = new AbortController().signal;
    const call = { signal, scope: scope('a') };
    const answer = lookup(['1'], call);
    await turn();
    expect(upstream.asked).toEqual([{ keys: ['1'], call }]);
    upstream.release();
    expect(await answer).toEqual(new Map([['1', '1']]));
  });

  it('asks again in the next turn for requests that came after the round went out', async () => {
    const upstream = heldLookup();
    const lookup = mergedLookup({ upstream: 'pricing', lookup: upstream.lookup });
    const first = lookup(['1'], { scope: scope('a') });
    await turn();
    const second = lookup(['2'], { scope: scope('b') });
    await turn();
    expect(upstream.asked.map((a) => a.keys)).toEqual([['1'], ['2']]);
    upstream.release();
    expect([...(await first).keys(), ...(await second).keys()]).toEqual(['1', '2']);
  });

  it('answers a request that stops waiting at once, with the error its own call would give, and keeps the call for the others', async () => {
    const upstream = heldLookup();
    const lookup = mergedLookup({ upstream: 'pricing', lookup: upstream.lookup });
    const budget = new AbortController();
    const impatient = lookup(['1'], { signal: budget.signal, scope: scope('a') });
    const patient = lookup(['2'], { signal: new AbortController().signal, scope: scope('b') });
    await turn();
    const timedOut = new Error('part budget');
    timedOut.name = 'PartTimeoutError';
    budget.abort(timedOut);
    const error = await impatient.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: 'pricing', kind: 'timeout', cause: timedOut });
    // The merged call goes on for the request still waiting.
    expect(upstream.asked[0]?.call?.signal?.aborted).toBe(false);
    upstream.release();
    expect(await patient).toEqual(new Map([['2', '2']]));
  });

  it('aborts the merged call only when every request has stopped waiting', async () => {
    const upstream = heldLookup();
    const lookup = mergedLookup({ upstream: 'pricing', lookup: upstream.lookup });
    const [first, second] = [new AbortController(), new AbortController()];
    const answers = [
      lookup(['1'], { signal: first.signal, scope: scope('a') }),
      lookup(['2'], { signal: second.signal, scope: scope('b') }),
    ].map((p) => p.catch((e: unknown) => e));
    await turn();
    const merged = upstream.asked[0]?.call?.signal;
    first.abort(new Error('client went away'));
    expect(merged?.aborted).toBe(false);
    second.abort(new Error('client went away'));
    expect(merged?.aborted).toBe(true);
    for (const error of await Promise.all(answers))
      expect(error).toMatchObject({ service: 'pricing', kind: 'aborted' });
  });

  it('leaves a request out of the round when it stops waiting before the round goes out', async () => {
    const upstream = heldLookup();
    const lookup = mergedLookup({ upstream: 'pricing', lookup: upstream.lookup });
    const gone = new AbortController();
    const left = lookup(['1'], { signal: gone.signal, scope: scope('a') }).catch((e: unknown) => e);
    const stays = lookup(['2'], { scope: scope('b') });
    gone.abort(new Error('client went away'));
    await turn();
    expect(upstream.asked.map((a) => a.keys)).toEqual([['2']]);
    expect(await left).toMatchObject({ kind: 'aborted' });
    upstream.release();
    expect(await stays).toEqual(new Map([['2', '2']]));
  });

  it('fails every request of the round when the look-up fails', async () => {
    const failure = new UpstreamError('pricing', 'http', { status: 503 });
    const lookup = mergedLookup<string, string>({
      upstream: 'pricing',
      lookup: () => Promise.reject(failure),
    });
    const answers = await Promise.all(
      [lookup(['1'], { scope: scope('a') }), lookup(['2'], { scope: scope('b') })].map((p) =>
        p.catch((e: unknown) => e),
      ),
    );
    expect(answers).toEqual([failure, failure]);
  });

  it('answers an empty list and an aborted caller without asking', async () => {
    const upstream = heldLookup();
    const lookup = mergedLookup({ upstream: 'pricing', lookup: upstream.lookup });
    expect(await lookup([], { scope: scope('a') })).toEqual(new Map());
    const aborted = AbortSignal.abort(new Error('gone'));
    await expect(lookup(['1'], { signal: aborted })).rejects.toMatchObject({ kind: 'aborted' });
    await turn();
    expect(upstream.asked).toEqual([]);
  });
});
