import { startFlight } from '../single-flight.js';
import type { StopSignal } from '../stop-signal.js';
import { isTimeoutReason, type CallOptions, type RequestScope } from './upstream.js';
import { UpstreamError } from './upstream-error.js';

/** A look-up by many keys (prices, stock, products by SKU); missing keys are absent from the map. */
export type Lookup<K, V> = (keys: readonly K[], call?: CallOptions) => Promise<Map<K, V>>;

export interface MergedLookupOptions<K, V> {
  /** The upstream asked (named in the error a caller gets when it stops waiting). */
  upstream: string;
  /** The look-up itself; it splits a long list at the upstream's maximum per call. */
  lookup: Lookup<K, V>;
}

interface Waiter<K, V> {
  keys: readonly K[];
  call: CallOptions | undefined;
  resolve: (values: Map<K, V>) => void;
  reject: (error: unknown) => void;
  /** Stops listening to the caller's signal while the round has not gone out. */
  forget: () => void;
  /** Stopped waiting before the round went out. */
  gone: boolean;
}

/** The error a caller gets when its own signal stops it waiting, as the upstream path gives it. */
function stoppedWaiting(upstream: string, signal: StopSignal): UpstreamError {
  const reason: unknown = signal.reason;
  return new UpstreamError(upstream, isTimeoutReason(reason) ? 'timeout' : 'aborted', {
    cause: reason,
  });
}

/**
 * The same look-up, merged across requests: the keys asked by every request within one turn of
 * the event loop go out as one look-up (DataLoader does this within one request; public data such
 * as prices, stock and catalog records may be shared by any request). Under load, concurrent
 * product pages then share their prices and stock calls instead of making one each.
 *
 * The merged call carries the scope of the request that opened it (its request id and trace) and
 * names the others in `also` (its span links to them; each one's Server-Timing counts it). Each
 * caller keeps its own signal: a caller that stops waiting (its budget ran out, its client went
 * away) is answered at once with the same error a call of its own would give, and the merged call
 * is aborted only when nobody waits for it any more (it is a flight: ../single-flight.ts). A failed
 * look-up fails every caller that waited for it, as their own calls would have.
 */
export function mergedLookup<K, V>(options: MergedLookupOptions<K, V>): Lookup<K, V> {
  const { upstream, lookup } = options;
  const stopped = (signal: StopSignal): UpstreamError => stoppedWaiting(upstream, signal);
  let waiting: Waiter<K, V>[] = [];

  const dispatch = (): void => {
    const round = waiting.filter((w) => !w.gone);
    waiting = [];
    if (round.length === 0) return;
    const [opener] = round as [Waiter<K, V>, ...Waiter<K, V>[]];
    const keys = new Set<K>();
    for (const waiter of round) {
      waiter.forget();
      for (const key of waiter.keys) keys.add(key);
    }

    // One caller: its own call, as if nothing was merged.
    if (round.length === 1) {
      lookup([...keys], opener.call).then(opener.resolve, opener.reject);
      return;
    }

    const also: RequestScope[] = [];
    for (const waiter of round) {
      const scope = waiter.call?.scope;
      if (waiter !== opener && scope && scope !== opener.call?.scope && !also.includes(scope))
        also.push(scope);
    }
    const flight = startFlight((signal) =>
      lookup([...keys], {
        signal,
        scope: opener.call?.scope,
        ...(also.length > 0 ? { also } : {}),
      }),
    );
    // From now on a caller that stops waiting also gives up its share of the merged call.
    for (const waiter of round)
      flight.wait(waiter.call?.signal, stopped).then((values) => {
        const mine = new Map<K, V>();
        for (const key of waiter.keys) {
          const value = values.get(key);
          if (value !== undefined) mine.set(key, value);
        }
        waiter.resolve(mine);
      }, waiter.reject);
  };

  return (keys, call) => {
    const signal = call?.signal;
    if (keys.length === 0) return Promise.resolve(new Map<K, V>());
    if (signal?.aborted) return Promise.reject(stopped(signal));
    return new Promise<Map<K, V>>((resolve, reject) => {
      const waiter: Waiter<K, V> = {
        keys,
        call,
        resolve,
        reject,
        forget: () => undefined,
        gone: false,
      };
      if (signal) {
        // Before the round goes out, a caller that stops waiting simply leaves it.
        const onAbort = (): void => {
          waiter.gone = true;
          reject(stopped(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.forget = () => {
          signal.removeEventListener('abort', onAbort);
        };
      }
      if (waiting.length === 0) setImmediate(dispatch);
      waiting.push(waiter);
    });
  };
}
