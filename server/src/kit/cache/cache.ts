import type { Logger } from '../logger.js';
import type { CacheOutcome } from '../telemetry/metrics.js';
import { parseEntry, serializeEntry, type Entry } from './entry.js';
import { createMemoryTier, type MemoryTier } from './memory-tier.js';
import { cacheKey, type CachePolicy } from './policy.js';
import type { SharedTier } from './redis-tier.js';

export interface CacheOptions {
  /** The memory tier's bound. */
  maxBytes: number;
  /** The shared tier (Redis), when several instances act as one. */
  shared?: SharedTier;
  log: Logger;
  /** @default Date.now */
  now?: () => number;
  /** Hears every look-up's outcome per tier, and every eviction of the memory tier (metrics). */
  observe?: {
    lookup(tier: 'memory' | 'redis', outcome: CacheOutcome): void;
    evicted(): void;
  };
}

export interface CallOptions {
  /** The user, for private policies. */
  userId?: string;
  /** This caller stops waiting when it aborts; the load itself stops when every waiter has. */
  signal?: AbortSignal | undefined;
  /** Hears the outcome of each of this caller's look-ups (its request's Server-Timing). */
  onOutcome?: ((outcome: CacheOutcome) => void) | undefined;
}

export interface Cache {
  /**
   * The cached value, or one load shared by every concurrent caller of the same key. A load that
   * finds nothing (undefined) is remembered as absent for the policy's `absentTtlMs`.
   */
  get<T>(
    policy: CachePolicy,
    id: string,
    load: (signal: AbortSignal) => Promise<T | undefined>,
    options?: CallOptions,
  ): Promise<T | undefined>;
  /**
   * Values of many ids: cached ones at once, the others with one `loadMissing` call (which answers
   * only what exists; with `absentTtlMs`, the rest is remembered as absent).
   */
  getMany<T>(
    policy: CachePolicy,
    ids: readonly string[],
    loadMissing: (ids: string[], signal: AbortSignal) => Promise<Map<string, T>>,
    options?: CallOptions,
  ): Promise<Map<string, T>>;
  /** Forgets every entry with one of these tags, in this instance and (through the shared tier) in all. */
  invalidate(tags: readonly string[]): Promise<void>;
  /** Called with the tags of every invalidation, this instance's and (through the shared tier) the others'. */
  onInvalidate(listener: (tags: readonly string[]) => void): void;
  readonly memory: Pick<MemoryTier, 'size' | 'bytes'>;
  /** Resolves at once: the cache holds nothing to release (the shared tier's Redis connection is its owner's to close). */
  close(): Promise<void>;
}

/**
 * What an entry counts against maxBytes per character of its serialized form. Read back into
 * objects, entries take about twice their serialized size in the heap (measured under product
 * pages: 2.3×), and the bound is one on memory.
 */
const COUNTED_BYTES_PER_CHAR = 2;

/** One upstream load and everyone waiting for it; aborted only when all of them have gone. */
interface Group {
  waiters: number;
  controller: AbortController;
}

/** The pending entry of one key; a batch load gives one flight per id, all in one group. */
interface Flight {
  promise: Promise<Entry>;
  group: Group;
}

function waitFor<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onLeave: () => void,
): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    onLeave();
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onLeave();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Two tiers (memory, then Redis when configured) with single-flight loads, stale-while-revalidate
 * and tag invalidation. Only values (and, for `absentTtlMs`, "nothing there") are cached, never
 * errors. Every flight is registered before the first await,
 * so concurrent callers of one key share one load, the shared tier's look-up included.
 */
export function createCache(options: CacheOptions): Cache {
  const now = options.now ?? Date.now;
  const memory = createMemoryTier({
    maxBytes: options.maxBytes,
    now,
    ...(options.observe ? { onEvict: () => options.observe?.evicted() } : {}),
  });
  const flights = new Map<string, Flight>();
  const listeners: ((tags: readonly string[]) => void)[] = [];
  const drop = (tags: readonly string[]): void => {
    memory.dropTags(tags);
    for (const listener of listeners) listener(tags);
  };
  options.shared?.onInvalidate(drop);

  const store = (key: string, entry: Entry): void => {
    const serialized = serializeEntry(entry);
    // Memory keeps the entry as read back from its serialized form, not the loaded value itself:
    // strings an upstream parser cut from a whole answer (fast-xml-parser's values are slices of
    // the SOAP text) would keep that whole answer alive for as long as the entry lives, many
    // times the entry's size. Read back, its strings are its own.
    memory.set(key, parseEntry(serialized) ?? entry, serialized.length * COUNTED_BYTES_PER_CHAR);
    void options.shared?.set(key, serialized, entry.staleUntil - now(), entry.tags);
  };

  const entryOf = (
    policy: CachePolicy,
    id: string,
    userId: string | undefined,
    kind: Entry['kind'],
    value: unknown,
  ): Entry => {
    const at = now();
    const [ttl, stale] =
      kind === 'value'
        ? [policy.ttlMs, policy.staleWhileRevalidateMs ?? 0]
        : [policy.absentTtlMs ?? 0, 0];
    return {
      kind,
      value,
      freshUntil: at + ttl,
      staleUntil: at + ttl + stale,
      tags: policy.tags?.(id, userId) ?? [],
    };
  };
  const keeps = (entry: Entry): boolean => entry.staleUntil > now();

  /** A live entry from the shared tier, copied into memory. */
  const fromShared = async (key: string): Promise<Entry | undefined> => {
    if (!options.shared) return undefined;
    const text = await options.shared.get(key);
    const entry = text === undefined ? undefined : parseEntry(text);
    options.observe?.lookup('redis', entry ? 'hit' : 'miss');
    if (!entry || !keeps(entry) || text === undefined) return undefined;
    memory.set(key, entry, text.length * COUNTED_BYTES_PER_CHAR);
    return entry;
  };

  /** Starts (or joins) the flight of `keys`, all loaded by one `run` that answers an entry per key. */
  const launch = (
    keys: readonly string[],
    run: (signal: AbortSignal) => Promise<Map<string, Entry>>,
    background: boolean,
  ): Map<string, Flight> => {
    const group: Group = { waiters: background ? 1 : 0, controller: new AbortController() };
    const batch = run(group.controller.signal);
    batch.catch(() => undefined);
    const started = new Map<string, Flight>();
    for (const key of keys) {
      const promise = batch.then((entries) => {
        const entry = entries.get(key);
        if (!entry) throw new Error('a batch load answered no entry for one of its keys');
        return entry;
      });
      const flight: Flight = { promise, group };
      flights.set(key, flight);
      started.set(key, flight);
      promise.then(
        () => {
          if (flights.get(key) === flight) flights.delete(key);
        },
        (error: unknown) => {
          if (flights.get(key) === flight) flights.delete(key);
          if (background)
            options.log.debug('background refresh failed; the stale entry stays until it expires', {
              policy: key.split('|')[0],
              error: error instanceof Error ? error.message : 'unknown',
            });
        },
      );
    }
    return started;
  };

  /**
   * Waits for several flights with one abort listener (not one per key): when the caller leaves,
   * each group it waited on loses a waiter, and a group nobody waits on any more is aborted.
   */
  const joinAll = (
    joined: readonly { flight: Flight; onEntry: (entry: Entry) => void }[],
    signal: AbortSignal | undefined,
  ): Promise<unknown> => {
    for (const { flight } of joined) flight.group.waiters += 1;
    let left = false;
    const all = Promise.all(joined.map(({ flight, onEntry }) => flight.promise.then(onEntry)));
    return waitFor(all, signal, () => {
      if (left) return;
      left = true;
      for (const { flight } of joined) {
        flight.group.waiters -= 1;
        if (flight.group.waiters === 0) flight.group.controller.abort(signal?.reason);
      }
    }).finally(() => {
      left = true;
    });
  };

  /** Loads entries for keys: the shared tier first (unless refreshing), then the upstream for the rest; stores what it loads. */
  const loader =
    (
      policy: CachePolicy,
      ids: Map<string, string>,
      userId: string | undefined,
      load: (ids: string[], signal: AbortSignal) => Promise<Map<string, unknown>>,
      skipShared: boolean,
    ) =>
    async (signal: AbortSignal): Promise<Map<string, Entry>> => {
      const entries = new Map<string, Entry>();
      const missing: string[] = [];
      const keys = [...ids.keys()];
      const shared = skipShared ? [] : await Promise.all(keys.map(fromShared));
      for (const [index, key] of keys.entries()) {
        const entry = shared[index];
        if (entry && (entry.freshUntil > now() || entry.kind === 'value')) entries.set(key, entry);
        else missing.push(ids.get(key) ?? '');
      }
      if (missing.length > 0) {
        const values = await load(missing, signal);
        for (const [key, id] of ids) {
          if (entries.has(key)) continue;
          const value = values.get(id);
          const entry =
            value === undefined
              ? entryOf(policy, id, userId, 'absent', null)
              : entryOf(policy, id, userId, 'value', value);
          entries.set(key, entry);
          if (entry.staleUntil > now()) store(key, entry);
        }
      }
      return entries;
    };

  /** The shared path of get and getMany: an id remembered as absent is left out of the answer. */
  const lookupMany = async <T>(
    policy: CachePolicy,
    ids: readonly string[],
    loadMissing: (ids: string[], signal: AbortSignal) => Promise<Map<string, T>>,
    callOptions: CallOptions,
  ): Promise<Map<string, T>> => {
    const { userId, signal } = callOptions;
    const result = new Map<string, T>();
    const joined: { flight: Flight; onEntry: (entry: Entry) => void }[] = [];
    const toLoad = new Map<string, string>();
    const toRefresh = new Map<string, string>();
    const at = now();
    const take = (id: string, entry: Entry): void => {
      if (entry.kind === 'value') result.set(id, entry.value as T);
    };

    // Everything up to the launches runs without an await: concurrent callers find each other's flights.
    for (const id of new Set(ids)) {
      const key = cacheKey(policy, id, userId);
      const cached = memory.get(key);
      const outcome: CacheOutcome =
        cached && at < cached.freshUntil
          ? 'hit'
          : cached?.kind === 'value' && at < cached.staleUntil
            ? 'stale'
            : 'miss';
      options.observe?.lookup('memory', outcome);
      callOptions.onOutcome?.(outcome);
      if (cached && outcome === 'hit') take(id, cached);
      else if (cached && outcome === 'stale') {
        take(id, cached);
        if (!flights.has(key)) toRefresh.set(key, id);
      } else {
        const flight = flights.get(key);
        // A flight whose waiters have all aborted is about to fail: a new caller starts its own load.
        if (flight && !flight.group.controller.signal.aborted)
          joined.push({
            flight,
            onEntry: (entry) => {
              take(id, entry);
            },
          });
        else toLoad.set(key, id);
      }
    }
    const load = loadMissing as (
      ids: string[],
      signal: AbortSignal,
    ) => Promise<Map<string, unknown>>;
    if (toLoad.size > 0) {
      for (const [key, flight] of launch(
        [...toLoad.keys()],
        loader(policy, toLoad, userId, load, false),
        false,
      )) {
        const id = toLoad.get(key) ?? '';
        joined.push({
          flight,
          onEntry: (entry) => {
            take(id, entry);
          },
        });
      }
    }
    // Stale entries were answered; exactly one background refresh runs for them.
    if (toRefresh.size > 0)
      launch([...toRefresh.keys()], loader(policy, toRefresh, userId, load, true), true);

    if (joined.length > 0) await joinAll(joined, signal);
    return result;
  };

  return {
    async get<T>(
      policy: CachePolicy,
      id: string,
      load: (signal: AbortSignal) => Promise<T | undefined>,
      callOptions: CallOptions = {},
    ): Promise<T | undefined> {
      const values = await lookupMany<T>(
        policy,
        [id],
        async (_ids, signal) => {
          const value = await load(signal);
          return new Map(value === undefined ? [] : [[id, value]]);
        },
        callOptions,
      );
      return values.get(id);
    },

    getMany: (policy, ids, loadMissing, callOptions = {}) =>
      lookupMany(policy, ids, loadMissing, callOptions),

    async invalidate(tags) {
      drop(tags);
      await options.shared?.invalidate(tags);
    },

    onInvalidate(listener) {
      listeners.push(listener);
    },

    memory,
    close: () => Promise.resolve(),
  };
}
