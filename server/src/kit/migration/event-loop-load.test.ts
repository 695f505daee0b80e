import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { watchEventLoop } from './event-loop-load.js';

/** Keeps the event loop running code for `ms`, as a saturated server does. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe('watchEventLoop', () => {
  it('says busy after an interval in which the loop ran code all along, and not after one in which it waited', async () => {
    const load = watchEventLoop({ busyAbove: 0.9, intervalMs: 50 });
    try {
      expect(load.busy()).toBe(false);
      // Spinning across a whole interval: the next reading sees a loop that never waited.
      await sleep(60);
      spin(200);
      await expect.poll(() => load.busy(), { interval: 1 }).toBe(true);
      // Waiting across whole intervals: the loop was idle.
      await expect.poll(() => load.busy(), { interval: 20 }).toBe(false);
    } finally {
      load.close();
    }
  });
});
