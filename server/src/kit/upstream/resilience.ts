import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
} from 'cockatiel';
import type { StopSignal } from '../stop-signal.js';
import type { UpstreamCall, UpstreamStep } from './upstream.js';
import { isUpstreamFailure, UpstreamError } from './upstream-error.js';

export interface ResilienceOptions {
  /** Consecutive failures that open the breaker. */
  breakerFailures: number;
  /** How long an open breaker waits before it lets one probe through. */
  breakerCooldownMs: number;
  /** Calls sent at once. */
  maxConcurrency: number;
  /** Calls waiting for a turn; beyond that a call fails at once. */
  maxQueue: number;
  /** Retries as a share of the calls of the last 10 s. */
  retryBudgetRatio: number;
  /** The wait before a retry, in ms, picked from [min, max). @default [10, 50] */
  retryJitterMs?: readonly [number, number];
  /** @default Math.random */
  random?: () => number;
  /** @default Date.now */
  now?: () => number;
  /** Hears each retry sent (metrics). */
  onRetry?: () => void;
  /** The upstream's `Retry-After` hold, when another guard shares it (a shadow path). @default one of its own */
  hold?: RetryAfterHold;
}

/**
 * The time until which an upstream asked not to be called (its last 429's `Retry-After`): shared
 * by every path to that upstream, since the quota is the BFF's key's.
 */
export interface RetryAfterHold {
  /** Refuses calls while held (`unavailable`, as an open breaker does); starts a hold on a 429 that names a time. */
  readonly step: UpstreamStep;
}

/** A call refused because the upstream's last 429 asked for a pause that has not ended. */
export class RetryAfterHeldError extends Error {
  override readonly name = 'RetryAfterHeldError';
}

export function createRetryAfterHold(
  upstream: string,
  now: () => number = Date.now,
): RetryAfterHold {
  let until = 0;
  return {
    step: async (_call, next) => {
      if (now() < until)
        throw new UpstreamError(upstream, 'unavailable', {
          cause: new RetryAfterHeldError(`${upstream} asked for a pause (Retry-After)`),
        });
      try {
        return await next();
      } catch (error) {
        if (
          error instanceof UpstreamError &&
          error.status === 429 &&
          error.retryAfterMs !== undefined
        )
          until = Math.max(until, now() + error.retryAfterMs);
        throw error;
      }
    },
  };
}

/**
 * A circuit breaker's states, by name. The values are those of the `bff_breaker_state` metric
 * (docs/operations.md): dashboards and alerts compare them (`bff_breaker_state == 2`), so they
 * never change.
 */
export const BREAKER = {
  /** Calls pass. */
  closed: 0,
  /** One probe is out; other calls fail at once. */
  halfOpen: 1,
  /** Calls fail at once until the cooldown ends. */
  open: 2,
} as const;

export type BreakerState = (typeof BREAKER)[keyof typeof BREAKER];

/** One upstream's protection: a Retry-After hold, a circuit breaker, a retry with a budget and a bulkhead, as steps. */
export interface UpstreamGuard {
  /** Hold, breaker, retry, bulkhead: outermost first. */
  readonly steps: readonly UpstreamStep[];
  breakerState(): BreakerState;
  /** Called with each new breaker state. */
  onBreakerChange(listener: (state: BreakerState) => void): void;
}

/** Whether a call was refused because the upstream's bulkhead was full (not because it failed). */
export const isBulkheadFull = (error: unknown): boolean =>
  error instanceof UpstreamError &&
  error.kind === 'unavailable' &&
  error.cause instanceof BulkheadRejectedError;

const RETRY_WINDOW_MS = 10_000;
const BUCKET_MS = 1_000;

/** Calls and retries over the last 10 s, in one-second buckets. */
function createRetryBudget(ratio: number, now: () => number) {
  const buckets = Array.from({ length: RETRY_WINDOW_MS / BUCKET_MS }, () => ({
    at: -1,
    calls: 0,
    retries: 0,
  }));
  const current = () => {
    const second = Math.floor(now() / BUCKET_MS);
    const bucket = buckets[second % buckets.length] ?? { at: -1, calls: 0, retries: 0 };
    if (bucket.at !== second) Object.assign(bucket, { at: second, calls: 0, retries: 0 });
    return bucket;
  };
  const totals = () => {
    const oldest = Math.floor(now() / BUCKET_MS) - buckets.length + 1;
    let calls = 0;
    let retries = 0;
    for (const bucket of buckets) {
      if (bucket.at < oldest) continue;
      calls += bucket.calls;
      retries += bucket.retries;
    }
    return { calls, retries };
  };
  return {
    call() {
      current().calls += 1;
    },
    /** Takes a retry when one more keeps the retries within `ratio` of the calls. */
    take(): boolean {
      const { calls, retries } = totals();
      if (retries + 1 > ratio * calls) return false;
      current().retries += 1;
      return true;
    },
  };
}

/** A failure a read may be sent again for: a refused or reset connection (any transport error), a 502 or a 503. */
function isRetryable(call: UpstreamCall, error: unknown): boolean {
  const idempotent = call.request.idempotent ?? (call.request.method ?? 'GET') === 'GET';
  if (!idempotent || call.options.signal?.aborted || !(error instanceof UpstreamError))
    return false;
  return (
    error.kind === 'network' ||
    (error.kind === 'http' && (error.status === 502 || error.status === 503))
  );
}

function pause(ms: number, signal: StopSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: BREAKER.closed,
  [CircuitState.HalfOpen]: BREAKER.halfOpen,
  [CircuitState.Open]: BREAKER.open,
  [CircuitState.Isolated]: BREAKER.open,
};

/**
 * The protection of one upstream, on cockatiel's circuit breaker and bulkhead and a retry of our
 * own (cockatiel's retry has no budget):
 * - after a 429 whose `Retry-After` names a time (at most 5 minutes), calls fail at once as
 *   `unavailable` until then;
 * - the breaker opens after `breakerFailures` consecutive failures (UpstreamErrors other than a
 *   caller's own abort: an expected outcome such as "no such product" is an answer and resets the
 *   count); while open, and while its one probe is out, calls fail at once as `unavailable`;
 * - a read (or a write marked idempotent) that fails with a transport error, a 502 or a 503 is sent
 *   once more, after a short jitter, inside the caller's budget, and only while retries stay within
 *   `retryBudgetRatio` of the calls of the last 10 s;
 * - at most `maxConcurrency` attempts at once and `maxQueue` waiting: beyond that a call fails at
 *   once as `unavailable`, as if the breaker were open.
 */
export function createUpstreamGuard(upstream: string, options: ResilienceOptions): UpstreamGuard {
  const random = options.random ?? Math.random;
  const [jitterMin, jitterMax] = options.retryJitterMs ?? [10, 50];
  const breaker = circuitBreaker(handleWhen(isUpstreamFailure), {
    halfOpenAfter: options.breakerCooldownMs,
    breaker: new ConsecutiveBreaker(options.breakerFailures),
  });
  const turns = bulkhead(options.maxConcurrency, options.maxQueue);
  const budget = createRetryBudget(options.retryBudgetRatio, options.now ?? Date.now);
  const hold = options.hold ?? createRetryAfterHold(upstream, options.now);

  const breakerStep: UpstreamStep = async (_call, next) => {
    // cockatiel makes calls wait for the probe of a half-open breaker; they fail at once instead.
    if (breaker.state === CircuitState.HalfOpen)
      throw new UpstreamError(upstream, 'unavailable', { cause: new BrokenCircuitError() });
    try {
      return await breaker.execute(next);
    } catch (error) {
      if (error instanceof BrokenCircuitError)
        throw new UpstreamError(upstream, 'unavailable', { cause: error });
      throw error;
    }
  };

  const retryStep: UpstreamStep = async (call, next) => {
    budget.call();
    try {
      return await next();
    } catch (error) {
      if (!isRetryable(call, error) || !budget.take()) throw error;
      await pause(jitterMin + random() * (jitterMax - jitterMin), call.options.signal);
      options.onRetry?.();
      return next();
    }
  };

  const bulkheadStep: UpstreamStep = async (_call, next) => {
    try {
      return await turns.execute(next);
    } catch (error) {
      if (error instanceof BulkheadRejectedError)
        throw new UpstreamError(upstream, 'unavailable', { cause: error });
      throw error;
    }
  };

  return {
    steps: [hold.step, breakerStep, retryStep, bulkheadStep],
    breakerState: () => STATES[breaker.state],
    onBreakerChange(listener) {
      breaker.onStateChange((state) => {
        listener(STATES[state]);
      });
    },
  };
}
