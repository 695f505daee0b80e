import { describe, expect, it } from 'vitest';
import { flush, tracked } from '../testing/promises.js';
import { startFlight, waitFor } from './single-flight.js';
import type { StopSignal } from './stop-signal.js';

/** A load that waits until the test settles it, or fails with its signal's reason when aborted. */
function heldLoad<T>(): {
  run: (signal: StopSignal) => Promise<T>;
  runs: () => number;
  signal: () => StopSignal | undefined;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
} {
  let runs = 0;
  let signal: StopSignal | undefined;
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  return {
    runs: () => runs,
    signal: () => signal,
    resolve: (value) => {
      resolve(value);
    },
    reject: (error) => {
      reject(error);
    },
    run: (s) => {
      runs += 1;
      signal = s;
      return new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
        s.addEventListener('abort', () => {
          const reason = s.reason as Error;
          rej(reason);
        });
      });
    },
  };
}

describe('startFlight', () => {
  it('runs the load once, at once, and gives every waiter its value', async () => {
    const load = heldLoad<{ id: number }>();
    const flight = startFlight(load.run);
    expect(load.runs()).toBe(1);
    const waiters = Array.from({ length: 5 }, () => flight.wait(new AbortController().signal));
    const value = { id: 1 };
    load.resolve(value);
    for (const waiter of waiters) expect(await waiter).toBe(value);
    expect(load.runs()).toBe(1);
  });

  it('answers a waiter that stops waiting at once with its reason, and keeps the load for the others', async () => {
    const load = heldLoad<string>();
    const flight = startFlight(load.run);
    const impatient = new AbortController();
    const gone = tracked(flight.wait(impatient.signal));
    const patient = tracked(flight.wait(new AbortController().signal));
    impatient.abort(new Error('budget ran out'));
    await expect(gone.promise).rejects.toThrow('budget ran out');
    expect(load.signal()?.aborted).toBe(false);
    expect(flight.abandoned).toBe(false);
    expect(patient.settled()).toBe(false);
    load.resolve('v1');
    expect(await patient.promise).toBe('v1');
  });

  it('aborts the load, with the reason of the last waiter to leave, only when every waiter has left', async () => {
    const load = heldLoad<string>();
    const flight = startFlight(load.run);
    const [first, second] = [new AbortController(), new AbortController()];
    const answers = [flight.wait(first.signal), flight.wait(second.signal)].map((p) =>
      p.catch((e: unknown) => e),
    );
    first.abort(new Error('first gone'));
    expect(load.signal()?.aborted).toBe(false);
    const last = new Error('second gone');
    second.abort(last);
    expect(load.signal()?.reason).toBe(last);
    expect(flight.abandoned).toBe(true);
    expect(await Promise.all(answers)).toEqual([new Error('first gone'), last]);
  });

  it('rejects a waiter whose signal has already aborted, and counts it out at once', async () => {
    const load = heldLoad<string>();
    const flight = startFlight(load.run);
    await expect(flight.wait(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(flight.abandoned).toBe(true);
    await expect(flight.promise).rejects.toThrow('gone');
  });

  it('keeps the load alive for a waiter that never leaves (a background refresh)', () => {
    const load = heldLoad<string>();
    const flight = startFlight(load.run);
    flight.join();
    const caller = new AbortController();
    void flight.wait(caller.signal).catch(() => undefined);
    caller.abort();
    expect(flight.abandoned).toBe(false);
    expect(load.signal()?.aborted).toBe(false);
  });

  it('counts a waiter out once, however often it leaves', () => {
    const load = heldLoad<string>();
    const flight = startFlight(load.run);
    const leaveA = flight.join();
    flight.join();
    leaveA('a');
    leaveA('a');
    expect(flight.abandoned).toBe(false);
  });

  it('turns the reason into the error a caller of its own would get, when told how', async () => {
    const flight = startFlight(heldLoad<string>().run);
    const signal = AbortSignal.abort(new Error('timeout'));
    await expect(
      flight.wait(signal, (s) => new Error(`pricing: ${(s.reason as Error).message}`)),
    ).rejects.toThrow('pricing: timeout');
  });

  it('gives a failed load to every waiter, and reports no unhandled rejection when nobody waits', async () => {
    const load = heldLoad<string>();
    const flight = startFlight(load.run);
    const waiters = [flight.wait(undefined), flight.wait(new AbortController().signal)];
    load.reject(new Error('upstream down'));
    for (const waiter of waiters) await expect(waiter).rejects.toThrow('upstream down');
    const unwatched = heldLoad<string>();
    startFlight(unwatched.run);
    unwatched.reject(new Error('nobody listens'));
    await flush();
  });
});

describe('waitFor', () => {
  it('stops listening to the signal once the promise has settled: a later abort leaves nothing', async () => {
    const left: unknown[] = [];
    const controller = new AbortController();
    expect(
      await waitFor(Promise.resolve('v'), controller.signal, (reason) => left.push(reason)),
    ).toBe('v');
    controller.abort();
    expect(left).toEqual([]);
  });

  it('hands the promise itself back when there is no signal', () => {
    const promise = Promise.resolve('v');
    expect(waitFor(promise, undefined, () => undefined)).toBe(promise);
  });
});
