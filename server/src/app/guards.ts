import type { Config } from '../config.js';
import {
  BREAKER,
  createRetryAfterHold,
  createUpstreamGuard,
  type RetryAfterHold,
  type UpstreamGuard,
} from '../kit/upstream/resilience.js';
import type { UpstreamName } from '../upstreams/index.js';
import type { Telemetry } from './telemetry.js';

/**
 * A shadow path's policy: a comparison beyond its bulkhead is dropped, not queued (no queue),
 * and a failed shadow call is not sent again (no retries): shadow reads never add load for an
 * answer nobody waits for.
 */
const SHADOW_POLICY = { maxQueue: 0, retryBudgetRatio: 0 } as const;

/** Each upstream's Retry-After hold, circuit breaker, retry budget and bulkhead. */
export interface Guards {
  /** The guards of the answers' paths, by upstream (the shadow paths' are not listed). */
  readonly byUpstream: ReadonlyMap<UpstreamName, UpstreamGuard>;
  /** A new guard for a call path of `name`: the answers' path, or a shadow path. */
  guardOf(name: UpstreamName, path?: 'answers' | 'shadow'): UpstreamGuard;
}

/**
 * The guards of every call path, on the configured bounds; a breaker's opening is logged as a
 * warning, its closing as info. Every path to one upstream shares that upstream's Retry-After
 * hold: the quota is the BFF's key's.
 */
export function createGuards(config: Config, { log, metrics }: Telemetry): Guards {
  const holds = new Map<UpstreamName, RetryAfterHold>();
  const holdOf = (name: UpstreamName): RetryAfterHold => {
    const hold = holds.get(name) ?? createRetryAfterHold(name);
    holds.set(name, hold);
    return hold;
  };
  const byUpstream = new Map<UpstreamName, UpstreamGuard>();
  return {
    byUpstream,
    guardOf(name, path = 'answers') {
      const shadow = path === 'shadow';
      const guard = createUpstreamGuard(name, {
        breakerFailures: config.BREAKER_FAILURES,
        breakerCooldownMs: config.BREAKER_COOLDOWN_MS,
        ...(shadow
          ? { maxConcurrency: config.ERP_SHADOW_MAX_CONCURRENCY, ...SHADOW_POLICY }
          : {
              maxConcurrency: config.UPSTREAM_MAX_CONCURRENCY,
              maxQueue: config.UPSTREAM_MAX_QUEUE,
              retryBudgetRatio: config.RETRY_BUDGET_RATIO,
            }),
        hold: holdOf(name),
        onRetry: () => {
          metrics.upstreamRetries.inc({ upstream: name });
        },
      });
      const what = shadow ? 'shadow circuit breaker' : 'circuit breaker';
      guard.onBreakerChange((state) => {
        if (state === BREAKER.open)
          log.warn(`${what} opened`, { upstream: name, cooldownMs: config.BREAKER_COOLDOWN_MS });
        else if (state === BREAKER.closed) log.info(`${what} closed`, { upstream: name });
      });
      if (!shadow) byUpstream.set(name, guard);
      return guard;
    },
  };
}
