import { trace } from '@opentelemetry/api';
import {
  createMetrics,
  createRateLimiter,
  observeUpstream,
  createUpstream,
  createUpstreamGuard,
  type Transport,
  type Upstream,
} from '@storefront/server';

/** What the BFF's protection adds per request, measured in this process where a few µs are visible. */
export interface ProtectionCost {
  /** One upstream call on a transport that answers at once: without steps, and through breaker, retry budget and bulkhead. */
  callMicros: { bare: number; guarded: number; observed: number };
  /** One rate-limit admission (in memory). */
  admitMicros: number;
  /** What the metrics add to one upstream call (a counter, a histogram and the request's record; no tracer registered, so spans are no-ops). */
  metricsMicros: number;
  /** A product page: seven upstream calls' steps and one admission. */
  pageMicros: number;
  /** Calls measured per round. */
  iterations: number;
}

/** A transport that answers every request at once: the steps' cost is all that is left to see. */
export const instant: Transport = {
  send: () => Promise.resolve({ status: 200, contentType: 'application/json', text: '{}' }),
  close: () => Promise.resolve(),
};

async function microsPerCall(upstream: Upstream, iterations: number): Promise<number> {
  const decode = (): number => 1;
  for (let i = 0; i < 10_000; i += 1)
    await upstream.call({ operation: 'warm', path: '/x' }, decode);
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1)
    await upstream.call({ operation: 'getThing', path: '/x' }, decode);
  return ((performance.now() - started) * 1000) / iterations;
}

/** Measures the protection's cost, median of three rounds each, alternating the two call paths. */
export async function measureProtectionCost(iterations = 100_000): Promise<ProtectionCost> {
  const base = {
    name: 'pricing',
    baseUrl: 'http://127.0.0.1:9',
    timeoutMs: 2_000,
    transport: instant,
  };
  const guard = createUpstreamGuard('pricing', {
    breakerFailures: 5,
    breakerCooldownMs: 5_000,
    maxConcurrency: 64,
    maxQueue: 256,
    retryBudgetRatio: 0.1,
  });
  const bare = createUpstream(base);
  const guarded = createUpstream({ ...base, steps: guard.steps });
  // As the app builds it: the observing step outermost, on a registry of its own.
  const observe = observeUpstream(createMetrics({ defaults: false }), trace.getTracer('bench'));
  const observed = createUpstream({ ...base, steps: [observe, ...guard.steps] });
  const limiter = createRateLimiter({ points: 1_000_000_000, windowSeconds: 60 });
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[1] ?? Number.NaN;
  const bareRounds: number[] = [];
  const guardedRounds: number[] = [];
  const observedRounds: number[] = [];
  const admitRounds: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    bareRounds.push(await microsPerCall(bare, iterations));
    guardedRounds.push(await microsPerCall(guarded, iterations));
    observedRounds.push(await microsPerCall(observed, iterations));
    const started = performance.now();
    for (let i = 0; i < iterations; i += 1) await limiter.admit('address:127.0.0.1', 1);
    admitRounds.push(((performance.now() - started) * 1000) / iterations);
  }
  const callMicros = {
    bare: median(bareRounds),
    guarded: median(guardedRounds),
    observed: median(observedRounds),
  };
  const admitMicros = median(admitRounds);
  return {
    callMicros,
    admitMicros,
    metricsMicros: callMicros.observed - callMicros.guarded,
    pageMicros: 7 * (callMicros.guarded - callMicros.bare) + admitMicros,
    iterations,
  };
}
