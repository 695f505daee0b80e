import type { Logger } from '../logger.js';
import { startFlight, waitFor, type Flight } from '../single-flight.js';
import type { Entry } from './entry.js';

/** The pending entry of one key; a batch load is one flight for all its keys. */
export interface KeyFlight {
  readonly entry: Promise<Entry>;
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
    run: (signal: AbortSignal) => Promise<Map<string, Entry>>,
    background: boolean,
  ): Map<string, KeyFlight>;
  /**
   * Waits for several flights with one abort listener (not one per key): when the caller's signal
   * aborts, it leaves each of them, and a load nobody waits for any more is aborted.
   */
  waitForAll(joined: readonly Joined[], signal: AbortSignal | undefined): Promise<unknown>;
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
        const entry = load.promise.then((entries) => {
          const found = entries.get(key);
          if (!found) throw new Error('a batch load answered no entry for one of its keys');
          return found;
        });
        const flight: KeyFlight = { entry, load };
        pending.set(key, flight);
        started.set(key, flight);
        entry.then(
          () => {
            if (pending.get(key) === flight) pending.delete(key);
          },
          (error: unknown) => {
            if (pending.get(key) === flight) pending.delete(key);
            if (background)
              log.debug('background refresh failed; the stale entry stays until it expires', {
                policy: key.split('|')[0],
                error: error instanceof Error ? error.message : 'unknown',
              });
          },
        );
      }
      return started;
    },

    waitForAll(joined, signal) {
      const leaves = joined.map(({ flight }) => flight.load.join());
      const all = Promise.all(joined.map(({ flight, onEntry }) => flight.entry.then(onEntry)));
      return waitFor(all, signal, (reason) => {
        for (const leave of leaves) leave(reason);
      });
    },
  };
}
