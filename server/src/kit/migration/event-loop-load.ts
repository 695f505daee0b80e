import { performance } from 'node:perf_hooks';

export interface EventLoopLoadOptions {
  /** Busy above this event-loop utilization (0 to 1) over the last interval. @default 0.75 */
  busyAbove?: number;
  /** How often the utilization is read. @default 250 */
  intervalMs?: number;
}

export interface EventLoopLoad {
  /** Whether the event loop was busier than `busyAbove` over the last interval. */
  busy: () => boolean;
  close: () => void;
}

/**
 * How busy this process is, from Node's event-loop utilization (the share of time the loop was
 * running code rather than waiting for I/O), read every `intervalMs` on a timer that does not keep
 * the process alive. What work that may wait (a shadow read) asks before it takes CPU from answers.
 */
export function watchEventLoop(options: EventLoopLoadOptions = {}): EventLoopLoad {
  const busyAbove = options.busyAbove ?? 0.75;
  let last = performance.eventLoopUtilization();
  let busy = false;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    busy = performance.eventLoopUtilization(now, last).utilization > busyAbove;
    last = now;
  }, options.intervalMs ?? 250);
  timer.unref();
  return {
    busy: () => busy,
    close() {
      clearInterval(timer);
    },
  };
}
