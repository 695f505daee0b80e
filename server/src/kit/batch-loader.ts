/**
 * A request-scoped batching loader that gathers keys from several parts of one call and fetches
 * them together, once. Unlike a per-tick loader (DataLoader), it knows who will ask: each part
 * takes a ticket up front, and the batch runs when every ticket has either asked for its keys or
 * been released (its part failed, found nothing to ask, or ran out of time). Keys beyond
 * `maxBatchSize` are split into parallel chunks only because the upstream demands it.
 */
export interface BatchTicket<K, V> {
  /** Adds these keys to the batch and resolves with the values found for them once it has run. */
  load(keys: readonly K[]): Promise<Map<K, V>>;
  /** Takes part no more; the batch no longer waits for this ticket. */
  release(): void;
}

export interface BatchLoader<K, V> {
  /** A ticket for one part; released on its own when `signal` aborts. */
  ticket(signal?: AbortSignal): BatchTicket<K, V>;
}

export interface BatchLoaderOptions<K, V> {
  /** Fetches one chunk of at most `maxBatchSize` distinct keys; missing keys are absent from the map. */
  fetch(keys: K[], signal: AbortSignal | undefined): Promise<Map<K, V>>;
  maxBatchSize: number;
  /** The signal of the batch's own calls (the whole request's). */
  signal?: AbortSignal;
}

export function createBatchLoader<K, V>(options: BatchLoaderOptions<K, V>): BatchLoader<K, V> {
  const keys = new Set<K>();
  let open = 0;
  let asked = 0;
  let dispatched = false;
  let resolveBatch: (values: Map<K, V>) => void = () => undefined;
  let rejectBatch: (error: unknown) => void = () => undefined;
  const batch = new Promise<Map<K, V>>((resolve, reject) => {
    resolveBatch = resolve;
    rejectBatch = reject;
  });
  // A batch nobody waits for any more must not become an unhandled rejection.
  batch.catch(() => undefined);

  const dispatchIfReady = (): void => {
    if (dispatched || open > 0) return;
    dispatched = true;
    if (asked === 0 || keys.size === 0) {
      resolveBatch(new Map());
      return;
    }
    const all = [...keys];
    const chunks: K[][] = [];
    for (let i = 0; i < all.length; i += options.maxBatchSize) chunks.push(all.slice(i, i + options.maxBatchSize));
    Promise.all(chunks.map((chunk) => options.fetch(chunk, options.signal)))
      .then((maps) => {
        resolveBatch(new Map(maps.flatMap((map) => [...map])));
      })
      .catch(rejectBatch);
  };

  return {
    ticket(signal) {
      if (dispatched) throw new Error('the batch has already run: take every ticket before the first load');
      open += 1;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        open -= 1;
        signal?.removeEventListener('abort', finish);
        // After the current synchronous work, so that tickets released together dispatch once.
        queueMicrotask(dispatchIfReady);
      };
      signal?.addEventListener('abort', finish, { once: true });
      return {
        async load(wanted) {
          if (done) throw new Error('this ticket was used or released already');
          for (const key of wanted) keys.add(key);
          asked += 1;
          finish();
          const values = await batch;
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
