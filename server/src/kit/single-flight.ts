import { StopController, type StopSignal } from './stop-signal.js';

/**
 * Single-flight: one load shared by every caller that waits for it. The load runs on a signal of
 * its own, aborted only when every waiter has stopped waiting, so a caller that gives up (its
 * budget ran out, its client went away) is answered at once without cancelling the load for the
 * others. The cache's loads of a key and the merged look-ups of one turn are flights.
 */
export interface Flight<T> {
  /** The load's outcome; a rejection nobody waits for is not reported as unhandled. */
  readonly promise: Promise<T>;
  /** Every waiter left and the load was aborted: it is about to fail, a newcomer starts its own. */
  readonly abandoned: boolean;
  /**
   * Counts one more waiter; the function it answers counts that waiter out (once, however often
   * it is called), aborting the load with `reason` when it was the last. A waiter that is never
   * counted out keeps the load alive (a background refresh).
   */
  join(): (reason: unknown) => void;
  /** Joins, and waits for the load until `signal` aborts: then leaves and rejects with `stopped(signal)`. */
  wait(signal: StopSignal | undefined, stopped?: (signal: StopSignal) => Error): Promise<T>;
}

/** Starts `run` on the flight's own signal (synchronously: it is under way when this returns). */
export function startFlight<T>(run: (signal: StopSignal) => Promise<T>): Flight<T> {
  const controller = new StopController();
  let waiters = 0;
  const promise = run(controller.signal);
  promise.catch(() => undefined);
  const join = (): ((reason: unknown) => void) => {
    waiters += 1;
    let left = false;
    return (reason) => {
      if (left) return;
      left = true;
      waiters -= 1;
      if (waiters === 0) controller.abort(reason);
    };
  };
  return {
    promise,
    get abandoned() {
      return controller.signal.aborted;
    },
    join,
    wait(signal, stopped) {
      return waitFor(promise, signal, join(), stopped);
    },
  };
}

/** What a waiter is rejected with when its signal stops it waiting: the signal's reason. */
const reasonOf = (signal: StopSignal): Error => signal.reason as Error;

/**
 * `promise`, or a rejection with `stopped(signal)` as soon as `signal` aborts first (at once when it
 * already has); `onLeave` then hears the signal's reason, once. One listener, removed when
 * `promise` settles: wait for several flights with one listener by waiting for all their promises.
 */
export function waitFor<T>(
  promise: Promise<T>,
  signal: StopSignal | undefined,
  onLeave: (reason: unknown) => void,
  stopped: (signal: StopSignal) => Error = reasonOf,
): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    onLeave(signal.reason);
    return Promise.reject(stopped(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onLeave(signal.reason);
      reject(stopped(signal));
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
