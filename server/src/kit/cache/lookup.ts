import type { StopSignal } from '../stop-signal.js';
import type { CacheOutcome } from '../telemetry/metrics.js';
import type { Entry } from './entry.js';
import type { Flights, Joined } from './flights.js';
import { answersLoad, entryOf, keeps, outcomeOf } from './freshness.js';
import { cacheKey, type CachePolicy } from './policy.js';
import type { CacheObserver, Tiers } from './tiers.js';

/** How one caller looks up: for whom, until when, and who hears its outcomes. */
export interface LoadOptions {
  /** The user, for private policies. */
  userId?: string;
  /** This caller stops waiting when it aborts; the load itself stops when every waiter has. */
  signal?: StopSignal | undefined;
  /** Hears the outcome of each of this caller's look-ups (its request's Server-Timing). */
  onOutcome?: ((outcome: CacheOutcome) => void) | undefined;
}

/** Loads what the cache does not have: the values of the ids that exist. */
export type LoadMissing<T> = (ids: string[], signal: StopSignal) => Promise<Map<string, T>>;

export interface LookupOptions {
  tiers: Tiers;
  flights: Flights;
  now: () => number;
  observe?: CacheObserver | undefined;
}

/** A look-up of many ids; an id remembered as absent is left out of the answer. */
export type Lookup = <T>(
  policy: CachePolicy,
  ids: readonly string[],
  loadMissing: LoadMissing<T>,
  options: LoadOptions,
) => Promise<Map<string, T>>;

/**
 * The read path of get and getMany: each id from memory when fresh; when stale, answered and
 * refreshed once in the background; else joined to the key's flight, or loaded (the shared tier
 * first, then the upstream) and stored.
 */
export function createLookup({ tiers, flights, now, observe }: LookupOptions): Lookup {
  /** Loads entries of keys: the shared tier first (unless refreshing), then `load` for the rest; stores what it loads. */
  const loader =
    (
      policy: CachePolicy,
      ids: Map<string, string>,
      userId: string | undefined,
      load: LoadMissing<unknown>,
      skipShared: boolean,
    ) =>
    async (signal: StopSignal): Promise<Map<string, Entry>> => {
      const entries = new Map<string, Entry>();
      let missing: string[];
      if (skipShared || !tiers.shared) missing = [...ids.values()];
      else {
        missing = [];
        const keys = [...ids.keys()];
        const shared = await Promise.all(keys.map((key) => tiers.fromShared(key)));
        for (const [index, key] of keys.entries()) {
          const entry = shared[index];
          if (entry && answersLoad(entry, now())) entries.set(key, entry);
          else missing.push(ids.get(key) ?? '');
        }
      }
      if (missing.length > 0) {
        const values = await load(missing, signal);
        const at = now();
        const kept = new Map<string, Entry>();
        for (const [key, id] of ids) {
          if (entries.has(key)) continue;
          const entry = entryOf(policy, id, userId, values.get(id), at);
          entries.set(key, entry);
          if (keeps(entry, at)) kept.set(key, entry);
        }
        if (kept.size > 0) tiers.store(kept);
      }
      return entries;
    };

  return async <T>(
    policy: CachePolicy,
    ids: readonly string[],
    loadMissing: LoadMissing<T>,
    options: LoadOptions,
  ): Promise<Map<string, T>> => {
    const { userId } = options;
    const result = new Map<string, T>();
    const joined: Joined[] = [];
    const toLoad = new Map<string, string>();
    const toRefresh = new Map<string, string>();
    const at = now();
    const take = (id: string, entry: Entry): void => {
      if (entry.kind === 'value') result.set(id, entry.value as T);
    };

    // Everything up to the launches runs without an await: concurrent callers find each other's flights.
    for (const id of ids.length === 1 ? ids : new Set(ids)) {
      const key = cacheKey(policy, id, userId);
      const cached = tiers.get(key);
      const outcome = outcomeOf(cached, at);
      observe?.lookup('memory', outcome);
      options.onOutcome?.(outcome);
      if (cached && outcome === 'hit') take(id, cached);
      else if (cached && outcome === 'stale') {
        take(id, cached);
        if (!flights.has(key)) toRefresh.set(key, id);
      } else {
        const flight = flights.joinable(key);
        if (flight)
          joined.push({
            flight,
            onEntry: (entry) => {
              take(id, entry);
            },
          });
        else toLoad.set(key, id);
      }
    }
    const load = loadMissing as LoadMissing<unknown>;
    if (toLoad.size > 0) {
      const started = flights.launch(
        [...toLoad.keys()],
        loader(policy, toLoad, userId, load, false),
        false,
      );
      for (const [key, flight] of started) {
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
      flights.launch([...toRefresh.keys()], loader(policy, toRefresh, userId, load, true), true);

    if (joined.length > 0) await flights.waitForAll(joined, options.signal);
    return result;
  };
}
