import type { Logger } from '../logger.js';
import { startFlight, waitFor, type Flight } from '../single-flight.js';
import type { StopSignal } from '../stop-signal.js';
import type { Entry } from './entry.js';

/** The pending entry of one key: its key in a load (a batch load is one flight for all its keys). */
export interface KeyFlight {
  readonly key: string;
  readonly load: Flight<Map<string, Entry>>;
}

/** A key's flight a caller waits for, and what it does with the entry. */
export interface Joined {
  flight: KeyFlight;
  onEntry: (entry: Entry) => void;
}

/**
 * The cache's loads in flight, by key: registered before the first await of the look-up that
 * starts them, so concurrent callers of one key share one load (the shared tier's look-up
 * included), and forgotten once they settle.
 */
export interface Flights {
  /** Whether a load of this key is in flight (abandoned or not). */
  has(key: string): boolean;
  /** The flight of this key a newcomer may join: not one whose waiters have all gone (it is about to fail). */
  joinable(key: string): KeyFlight | undefined;
  /**
   * Starts one load of `keys` (answering an entry per key) and registers it for each of them. A
   * background load (a refresh) is waited for by nobody and never aborted; its failure is logged.
   */
  launch(
    keys: readonly string[],
    run: (signal: StopSignal) => Promise<Map<string, Entry>>,
    background: boolean,
  ): Map<string, KeyFlight>;
  /**
   * Waits for several flights as one waiter per load (however many of its keys are waited for),
   * with one abort listener: when the caller's signal aborts, it leaves each load, and a load
   * nobody waits for any more is aborted.
   */
  waitForAll(joined: readonly Joined[], signal: StopSignal | undefined): Promise<unknown>;
}

/** The entry a load answered for `key`; a batch load that left one of its keys out fails that key. */
function entryIn(entries: Map<string, Entry>, key: string): Entry {
  const found = entries.get(key);
  if (!found) throw new Error('a batch load answered no entry for one of its keys');
  return found;
}

export function createFlights(log: Logger): Flights {
  const pending = new Map<string, KeyFlight>();

  return {
    has: (key) => pending.has(key),

    joinable(key) {
      const flight = pending.get(key);
      return flight && !flight.load.abandoned ? flight : undefined;
    },

    launch(keys, run, background) {
      const load = startFlight(run);
      // A refresh has one waiter that never leaves.
      if (background) load.join();
      const started = new Map<string, KeyFlight>();
      for (const key of keys) {
        const flight: KeyFlight = { key, load };
        pending.set(key, flight);
        started.set(key, flight);
      }
      // One settlement forgets every key of the load (each only if no newer flight took it over).
      const forget = (): void => {
        for (const [key, flight] of started) if (pending.get(key) === flight) pending.delete(key);
      };
      load.promise.then(forget, (error: unknown) => {
        forget();
        if (background)
          log.debug('background refresh failed; the stale entry stays until it expires', {
            policy: keys[0]?.split('|')[0],
            error: error instanceof Error ? error.message : 'unknown',
          });
      });
      return started;
    },

    waitForAll(joined, signal) {
      // The keys waited for, by load: one join, one continuation per load.
      const byLoad = new Map<Flight<Map<string, Entry>>, Joined[]>();
      for (const item of joined) {
        const same = byLoad.get(item.flight.load);
        if (same) same.push(item);
        else byLoad.set(item.flight.load, [item]);
      }
      const leaves: ((reason: unknown) => void)[] = [];
      const settled: Promise<void>[] = [];
      for (const [load, items] of byLoad) {
        leaves.push(load.join());
        settled.push(
          load.promise.then((entries) => {
            for (const { flight, onEntry } of items) onEntry(entryIn(entries, flight.key));
          }),
        );
      }
      const all: Promise<unknown> =
        (settled.length === 1 ? settled[0] : Promise.all(settled)) ?? Promise.resolve();
      // A caller that stopped waiting is answered by its signal; the loads' outcome is then nobody's.
      all.catch(() => undefined);
      return waitFor(all, signal, (reason) => {
        for (const leave of leaves) leave(reason);
      });
    },
  };
}
