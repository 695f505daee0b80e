import { StopController, type StopSignal } from './stop-signal.js';

/**
 * A signal of one's own bound to a caller's: it aborts with the caller's reason when the caller's
 * signal aborts, with a timeout reason once `timeoutMs` have passed, or when `abort` is called,
 * whichever comes first. Made by hand, one light controller (stop-signal.ts), one timer and one
 * listener, rather than with `AbortSignal.any` (costly on Node 20, and this runs for every upstream
 * attempt); without a caller's signal nothing listens at all.
 */
export interface Deadline {
  readonly signal: StopSignal;
  /** Aborts the signal now (its work is abandoned), and stops as `stop` does. */
  readonly abort: (reason?: unknown) => void;
  /** The work is over: clears the timer and stops listening to the caller's signal. */
  readonly stop: () => void;
}

export interface DeadlineOptions {
  /** Aborts the signal after this long. @default no time bound */
  timeoutMs?: number | undefined;
  /**
   * The reason the signal aborts with when the time is up (made then).
   * @default a DOMException named `TimeoutError`, as `AbortSignal.timeout` gives
   */
  timeoutReason?: () => unknown;
}

const timedOut = (): unknown =>
  new DOMException('The operation was aborted due to timeout', 'TimeoutError');

export function createDeadline(
  caller: StopSignal | undefined,
  options: DeadlineOptions = {},
): Deadline {
  const controller = new StopController();
  const { timeoutMs } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = (): void => {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onCallerAbort);
  };
  const abort = (reason?: unknown): void => {
    stop();
    controller.abort(reason);
  };
  const onCallerAbort = (): void => {
    abort(caller?.reason);
  };
  if (caller?.aborted) abort(caller.reason);
  else {
    caller?.addEventListener('abort', onCallerAbort, { once: true });
    if (timeoutMs !== undefined && Number.isFinite(timeoutMs))
      timer = setTimeout(() => {
        abort((options.timeoutReason ?? timedOut)());
      }, timeoutMs);
  }
  return { signal: controller.signal, abort, stop };
}
