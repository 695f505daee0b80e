import { createDeadline } from './deadline.js';
import type { StopSignal } from './stop-signal.js';
import type { CallOptions } from './upstream/upstream.js';

/**
 * A request-scoped batching loader that gathers keys from several parts of one call and fetches
 * them together, once. Unlike a per-tick loader (DataLoader), it knows who will ask: each part
 * takes a ticket up front, and the batch runs when every ticket has either asked for its keys or
 * been released (its part failed, found nothing to ask, or ran out of time). One round is one
 * `fetch` of all its keys: splitting them to an upstream's maximum per call is the client's job.
 *
 * A slow part must not hold the others hostage: after `gatherMs` from the first request the batch
 * runs with what it has, and later requests make a round of their own. `timeoutMs` bounds each
 * round's fetch, so the parts waiting for it learn of a hang before their own budgets run out.
 */
export interface BatchTicket<K, V> {
  /** Adds these keys to the batch and resolves with the values found for them once it has run. */
  load(keys: readonly K[]): Promise<Map<K, V>>;
  /** Takes part no more; the batch no longer waits for this ticket. */
  release(): void;
}

export interface BatchLoader<K, V> {
  /** A ticket for one part; released on its own when `signal` aborts. */
  ticket(signal?: StopSignal): BatchTicket<K, V>;
}

export interface BatchLoaderOptions<K, V> {
  /** Fetches the distinct keys of one round; missing keys are absent from the map. */
  fetch(keys: K[], call: CallOptions): Promise<Map<K, V>>;
  /** The batch's own calls: the whole request's signal and scope. */
  call?: CallOptions;
  /** How long a round waits for the other tickets after its first request. @default Infinity */
  gatherMs?: number;
  /** A bound on each round's fetch. @default none */
  timeoutMs?: number;
}

interface Round<K, V> {
  keys: Set<K>;
  result: Promise<Map<K, V>>;
  resolve: (values: Map<K, V>) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export function createBatchLoader<K, V>(options: BatchLoaderOptions<K, V>): BatchLoader<K, V> {
  let open = 0;
  const newRound = (): Round<K, V> => {
    let resolve: (values: Map<K, V>) => void = () => undefined;
    let reject: (error: unknown) => void = () => undefined;
    const result = new Promise<Map<K, V>>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A round nobody waits for any more must not become an unhandled rejection.
    result.catch(() => undefined);
    return { keys: new Set(), result, resolve, reject, timer: undefined };
  };
  let round = newRound();

  const dispatch = (): void => {
    const current = round;
    round = newRound();
    if (current.timer) clearTimeout(current.timer);
    if (current.keys.size === 0) {
      current.resolve(new Map());
      return;
    }
    const caller = options.call?.signal;
    const bound =
      options.timeoutMs === undefined
        ? undefined
        : createDeadline(caller, { timeoutMs: options.timeoutMs });
    options
      .fetch([...current.keys], {
        signal: bound ? bound.signal : caller,
        scope: options.call?.scope,
        ...(options.timeoutMs === undefined
          ? {}
          : { deadlineAt: performance.now() + options.timeoutMs }),
      })
      .finally(() => {
        bound?.stop();
      })
      .then(current.resolve, current.reject);
  };

  const settle = (): void => {
    // Every ticket is in: the round need not wait for anybody.
    if (open === 0 && round.keys.size > 0) dispatch();
  };

  return {
    ticket(signal) {
      open += 1;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        open -= 1;
        signal?.removeEventListener('abort', finish);
        // After the current synchronous work, so that tickets released together dispatch once.
        queueMicrotask(settle);
      };
      if (signal?.aborted) finish();
      else signal?.addEventListener('abort', finish, { once: true });
      return {
        async load(wanted) {
          if (done) throw new Error('this ticket was used or released already');
          if (wanted.length === 0) {
            finish();
            return new Map<K, V>();
          }
          const mine = round;
          for (const key of wanted) mine.keys.add(key);
          if (
            mine.timer === undefined &&
            options.gatherMs !== undefined &&
            Number.isFinite(options.gatherMs)
          ) {
            mine.timer = setTimeout(() => {
              if (round === mine) dispatch();
            }, options.gatherMs);
          }
          finish();
          const values = await mine.result;
          const found = new Map<K, V>();
          for (const key of wanted) {
            const value = values.get(key);
            if (value !== undefined) found.set(key, value);
          }
          return found;
        },
        release: finish,
      };
    },
  };
}
