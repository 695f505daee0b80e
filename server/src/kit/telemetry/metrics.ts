import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds, from 1 ms to 10 s. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsOptions {
  /** prom-client's process and event-loop metrics (one set per process: off in tests that build many apps). @default true */
  defaults?: boolean;
  /** Log lines dropped so far (the process's stderr writer counts them). @default none */
  logLinesDropped?: () => number;
}

/** What a cache tier's outcome was for one look-up. */
export type CacheOutcome = 'hit' | 'miss' | 'stale';

/**
 * The BFF's metrics, on a registry of its own (so that several apps in one process, as in tests,
 * keep theirs apart). Labels are bounded: procedures and upstream operations the code names, codes
 * and outcomes from fixed sets; never a SKU, a user or a URL.
 */
export function createMetrics(options: MetricsOptions = {}) {
  const registry = new Registry();
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry });
  const metric = { registers: [registry] };
  const logLinesDropped = options.logLinesDropped ?? (() => 0);
  let reportedDropped = 0;
  // Cache look-ups come by the dozen per page: counted here in plain numbers, by tier and outcome,
  // and handed to their counter when it is scraped (prom-client hashes the labels on every inc).
  const lookups = new Map<string, Map<string, { count: number; reported: number }>>();
  const countCacheLookup = (tier: string, outcome: string): void => {
    let byOutcome = lookups.get(tier);
    if (!byOutcome)
      lookups.set(tier, (byOutcome = new Map<string, { count: number; reported: number }>()));
    const tally = byOutcome.get(outcome);
    if (tally) tally.count += 1;
    else byOutcome.set(outcome, { count: 1, reported: 0 });
  };
  return {
    registry,
    calls: new Counter({
      name: 'bff_calls_total',
      help: 'tRPC calls answered, by procedure and tRPC code (OK for a result).',
      labelNames: ['procedure', 'code'],
      ...metric,
    }),
    callDuration: new Histogram({
      name: 'bff_call_duration_seconds',
      help: 'Time to answer one tRPC call.',
      labelNames: ['procedure'],
      buckets: BUCKETS,
      ...metric,
    }),
    upstreamCalls: new Counter({
      name: 'bff_upstream_calls_total',
      help: 'Calls to upstreams, by outcome: ok (an answer, expected outcomes included), or the failure kind (timeout, network, http, invalid-response, fault, unavailable, aborted).',
      labelNames: ['upstream', 'operation', 'outcome'],
      ...metric,
    }),
    upstreamDuration: new Histogram({
      name: 'bff_upstream_duration_seconds',
      help: 'Time of one upstream call, retries included.',
      labelNames: ['upstream', 'operation'],
      buckets: BUCKETS,
      ...metric,
    }),
    upstreamRetries: new Counter({
      name: 'bff_upstream_retries_total',
      help: 'Attempts sent again after a refused or reset connection, a 502 or a 503.',
      labelNames: ['upstream'],
      ...metric,
    }),
    shadowComparisons: new Counter({
      name: 'bff_shadow_comparisons_total',
      help: "Shadow reads of an upstream with two versions, by operation and outcome: match, mismatch (a field differs), error (the shadow call failed), dropped (the shadow's bulkhead was full).",
      labelNames: ['upstream', 'operation', 'outcome'],
      ...metric,
    }),
    upstreamFallbacks: new Counter({
      name: 'bff_upstream_fallbacks_total',
      help: "Reads sent to an upstream's other version after a failure that may pass, from one version (v1, v2) to the other.",
      labelNames: ['upstream', 'from', 'to'],
      ...metric,
    }),
    breakerState: new Gauge({
      name: 'bff_breaker_state',
      help: 'Each upstream circuit breaker: 0 closed, 1 half-open, 2 open.',
      labelNames: ['upstream'],
      ...metric,
    }),
    cacheLookups: new Counter({
      name: 'bff_cache_lookups_total',
      help: 'Cache look-ups by tier (memory, redis, answers) and outcome (hit, miss, stale).',
      labelNames: ['tier', 'outcome'],
      ...metric,
      collect() {
        for (const [tier, byOutcome] of lookups)
          for (const [outcome, tally] of byOutcome) {
            if (tally.count > tally.reported)
              this.inc({ tier, outcome }, tally.count - tally.reported);
            tally.reported = tally.count;
          }
      },
    }),
    /** Counts one cache look-up of `tier` with `outcome` (in bff_cache_lookups_total when scraped). */
    countCacheLookup,
    cacheBytes: new Gauge({
      name: 'bff_cache_bytes',
      help: 'Bytes a cache tier holds (memory: serialized sizes; answers: encoded bodies).',
      labelNames: ['tier'],
      ...metric,
    }),
    cacheEvictions: new Counter({
      name: 'bff_cache_evictions_total',
      help: 'Entries a memory tier evicted to stay within its bound.',
      labelNames: ['tier'],
      ...metric,
    }),
    rateLimited: new Counter({
      name: 'bff_rate_limited_total',
      help: 'Requests refused TOO_MANY_REQUESTS.',
      ...metric,
    }),
    inFlight: new Gauge({ name: 'bff_in_flight', help: 'tRPC calls in flight.', ...metric }),
    lockFallbacks: new Counter({
      name: 'bff_lock_fallbacks_total',
      help: "Locks (a user's orders.place) taken in this instance only because Redis failed: another instance may hold the same lock meanwhile.",
      ...metric,
    }),
    logLinesDropped: new Counter({
      name: 'bff_log_lines_dropped_total',
      help: 'Log lines dropped because stderr did not take them as fast as they came (16 MiB waiting), or lost to a write that failed (its reader gone: EPIPE).',
      ...metric,
      collect() {
        // Read when scraped: the count lives in the writer, this counter follows it.
        const total = logLinesDropped();
        if (total <= reportedDropped) return;
        this.inc(total - reportedDropped);
        reportedDropped = total;
      },
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
