import type { IncomingMessage, ServerResponse } from 'node:http';
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Config } from './config.js';
import { createAdmission } from './http/admission.js';
import { createClientAddress } from './http/client-address.js';
import { createCors } from './http/cors.js';
import { createHandler } from './http/handler.js';
import { createResponseCache, type ResponseCache } from './http/response-cache.js';
import { createTokenVerifier, jwksSchema } from './kit/auth.js';
import { decodeJson } from './kit/upstream/json.js';
import { createCache, type Cache } from './kit/cache/cache.js';
import { createRedisTier } from './kit/cache/redis-tier.js';
import { createKeptValues } from './kit/kept-values.js';
import { createLocks } from './kit/locks.js';
import { createRateLimiter } from './kit/rate-limit.js';
import { watchEventLoop } from './kit/migration/event-loop-load.js';
import { createMetrics, type Metrics } from './kit/telemetry/metrics.js';
import { observeUpstream } from './kit/telemetry/upstream-step.js';
import { connectRedis } from './kit/redis.js';
import { createLogger, droppedLogLines, type Logger } from './kit/logger.js';
import {
  createRetryAfterHold,
  createUpstreamGuard,
  type RetryAfterHold,
  type UpstreamGuard,
} from './kit/upstream/resilience.js';
import { createTransport } from './kit/upstream/transport.js';
import { createUpstream } from './kit/upstream/upstream.js';
import { appRouter } from './router.js';
import { cachePolicies, erpCachePolicies } from './upstreams/cache-policies.js';
import { withCache, withCachedErp } from './upstreams/cached.js';
import { ERP_OPERATION, type OrderConfirmation } from './upstreams/erp/records.js';
import { createErpMigration } from './upstreams/erp-migration/index.js';
import {
  createErpUpstreams,
  createServiceUpstreams,
  ERP_UPSTREAM,
  type UpstreamName,
  type Upstreams,
} from './upstreams/index.js';
import { withMergedErpLookups, withMergedLookups } from './upstreams/merged.js';

/** How long a user's order confirmation is kept for a repeat of its reference: a day and an hour. */
const ORDER_LOG_TTL_MS = 25 * 3_600_000;

export interface AppOptions {
  /** @default a JSON logger at config.LOG_LEVEL */
  log?: Logger;
  /** prom-client's process and event-loop metrics: one set per process (tests that build many apps turn them off). @default true */
  defaultMetrics?: boolean;
}

export interface App {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** A shutdown starts: /readyz answers 503 from now on, and every answer closes its connection. */
  drain(): void;
  /** Drains (see drain), then closes Redis and the upstream connections. */
  close(): Promise<void>;
  /** The cache, when on (for its size in tests and metrics). */
  cache: Cache | undefined;
  /** The kept encoded answers, when the cache is on. */
  responses: ResponseCache | undefined;
  /** Each upstream's breaker, retry budget and bulkhead. */
  guards: ReadonlyMap<UpstreamName, UpstreamGuard>;
  /** The metrics `/metrics` answers. */
  metrics: Metrics;
}

/** Builds the BFF for configured upstreams: no listening, no globals, so tests build their own. */
export function createApp(config: Config, options: AppOptions = {}): App {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const metrics = createMetrics({
    defaults: options.defaultMetrics ?? true,
    logLinesDropped: droppedLogLines,
  });
  const tracer = trace.getTracer('storefront-bff');
  // W3C traceparent in and out, with or without an SDK (the first registration in a process wins).
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // Upstream HTTP on keep-alive connections, one pool per origin.
  const transport = createTransport();
  // Each upstream's Retry-After hold, breaker, retry budget and bulkhead, on its call path.
  const holds = new Map<UpstreamName, RetryAfterHold>();
  const holdOf = (name: UpstreamName): RetryAfterHold => {
    const hold = holds.get(name) ?? createRetryAfterHold(name);
    holds.set(name, hold);
    return hold;
  };
  const guards = new Map<UpstreamName, UpstreamGuard>();
  const guardOf = (name: UpstreamName, shadow = false): UpstreamGuard => {
    const guard = createUpstreamGuard(name, {
      breakerFailures: config.BREAKER_FAILURES,
      breakerCooldownMs: config.BREAKER_COOLDOWN_MS,
      // A shadow path: its own bulkhead, beyond which a comparison is dropped (no queue), and
      // no retries; the upstream's Retry-After hold is shared (the quota is the key's).
      ...(shadow
        ? { maxConcurrency: config.ERP_SHADOW_MAX_CONCURRENCY, maxQueue: 0, retryBudgetRatio: 0 }
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
      if (state === 2)
        log.warn(`${what} opened`, { upstream: name, cooldownMs: config.BREAKER_COOLDOWN_MS });
      else if (state === 0) log.info(`${what} closed`, { upstream: name });
    });
    if (!shadow) guards.set(name, guard);
    return guard;
  };
  // Observed first (outermost): a call's span, metrics and Server-Timing cover its retries and waits.
  const observe = observeUpstream(metrics, tracer);
  const stepsFor = (name: UpstreamName) => [observe, ...guardOf(name).steps];
  // Public look-ups by SKU asked by concurrent requests go out together.
  const services = withMergedLookups(createServiceUpstreams(config, { transport, stepsFor }));
  const erpPaths = createErpUpstreams(config, {
    transport,
    stepsFor,
    shadowStepsFor: (name) => [observe, ...guardOf(name, true).steps],
  });
  // One Redis, when configured, for the cache's shared tier and the rate limits.
  const redis = config.REDIS_URL ? connectRedis({ url: config.REDIS_URL, log }) : undefined;
  let cache: Cache | undefined;
  if (config.CACHE_MAX_BYTES > 0) {
    cache = createCache({
      observe: {
        lookup: (tier, outcome) => {
          metrics.cacheLookups.inc({ tier, outcome });
        },
        evicted: () => {
          metrics.cacheEvictions.inc({ tier: 'memory' });
        },
      },
      maxBytes: config.CACHE_MAX_BYTES,
      log,
      ...(redis ? { shared: createRedisTier({ redis }) } : {}),
    });
  }
  // Shadow reads yield to answers when the process is saturated: the event loop's load tells.
  const loop =
    config.ERP_SHADOW_PERCENT > 0 && erpPaths.v1 && erpPaths.v2 ? watchEventLoop() : undefined;
  // The ERP's versions: each with its own merged look-ups and cache entries, a router on top.
  const erp = createErpMigration({
    versions: erpPaths,
    v2Percent: config.ERP_V2_PERCENT,
    shadowPercent: config.ERP_SHADOW_PERCENT,
    ...(loop ? { busy: loop.busy } : {}),
    layer: (client, version) => {
      const merged = withMergedErpLookups(client, ERP_UPSTREAM[version]);
      return cache
        ? withCachedErp(
            merged,
            cache,
            erpCachePolicies(version, { notFoundTtlMs: config.NOT_FOUND_TTL_MS }),
          )
        : merged;
    },
    onComparison: (read, served, outcome, comparison) => {
      const operation = ERP_OPERATION[read];
      metrics.shadowComparisons.inc({ upstream: 'erp', operation, outcome });
      if (comparison)
        log.warn('shadow mismatch', {
          upstream: 'erp',
          operation,
          served,
          shadow: served === 'v1' ? 'v2' : 'v1',
          skus: comparison.skus,
          differences: comparison.described,
        });
    },
    onFallback: (_read, from, to) => {
      metrics.upstreamFallbacks.inc({ upstream: 'erp', from, to });
    },
  });
  const upstreams: Upstreams = {
    ...(cache
      ? withCache(services, cache, cachePolicies({ fxTtlMs: config.FX_TTL_MS }))
      : services),
    erp: erp.client,
  };
  const invalidate = (tags: readonly string[]): Promise<void> =>
    cache?.invalidate(tags) ?? Promise.resolve();
  // Encoded public answers, an eighth of the cache's bound, dropped with the data they show.
  const responses = cache
    ? createResponseCache({
        maxBytes: Math.floor(config.CACHE_MAX_BYTES / 8),
        observe: {
          lookup: (outcome) => {
            metrics.cacheLookups.inc({ tier: 'answers', outcome });
          },
          evicted: () => {
            metrics.cacheEvictions.inc({ tier: 'answers' });
          },
        },
      })
    : undefined;
  if (responses) {
    cache?.onInvalidate((tags) => {
      responses.dropTags(tags);
    });
  }
  const settings = {
    ERP_TIMEOUT_MS: config.ERP_TIMEOUT_MS,
    PART_TIMEOUT_MS: config.PART_TIMEOUT_MS,
    UPSTREAM_TIMEOUT_MS: config.UPSTREAM_TIMEOUT_MS,
    MAX_BODY_BYTES: config.MAX_BODY_BYTES,
  };
  // The identity provider's keys, on a call path of their own: bounded in time and size.
  const idp = createUpstream({
    name: 'idp',
    baseUrl: config.upstreams.auth.jwksUrl,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    maxBytes: 1_048_576,
    transport,
  });
  const verifyToken = createTokenVerifier({
    issuer: config.upstreams.auth.issuer,
    audience: config.upstreams.auth.audience,
    fetchJwks: () =>
      idp.call({ operation: 'getJwks', path: '' }, (answer) => decodeJson(answer, jwksSchema)),
    clockToleranceSeconds: config.AUTH_CLOCK_TOLERANCE_SECONDS,
    jwksCooldownMs: config.AUTH_JWKS_COOLDOWN_MS,
    jwksStaleMs: config.AUTH_JWKS_STALE_MS,
  });

  // Confirmations a user may ask for again by the same reference, and one order of a user at a time.
  const orderLog = createKeptValues<OrderConfirmation>({
    name: 'order',
    ttlMs: ORDER_LOG_TTL_MS,
    maxEntries: 100_000,
    redis,
  });
  const locks = createLocks({ ttlMs: 30_000, redis });
  const admission = createAdmission({
    maxInFlight: config.MAX_IN_FLIGHT,
    limiter: createRateLimiter({
      points: config.RATE_LIMIT_POINTS,
      windowSeconds: config.RATE_LIMIT_WINDOW_S,
      redis,
    }),
    clientAddress: createClientAddress(config.TRUSTED_PROXIES),
  });
  /** The metrics as Prometheus text, the gauges read from what they measure at that moment. */
  const scrape = async (): Promise<{ contentType: string; text: string }> => {
    for (const [name, guard] of guards)
      metrics.breakerState.set({ upstream: name }, guard.breakerState());
    metrics.cacheBytes.set({ tier: 'memory' }, cache?.memory.bytes ?? 0);
    metrics.cacheBytes.set({ tier: 'answers' }, responses?.memory.bytes ?? 0);
    metrics.inFlight.set(admission.inFlight());
    return { contentType: metrics.registry.contentType, text: await metrics.registry.metrics() };
  };
  let draining = false;
  let closing: Promise<void> | undefined;
  const handler = createHandler({
    router: appRouter,
    createContext: (scope, signIn, streaming) => ({
      scope,
      signIn,
      streaming,
      log,
      upstreams,
      invalidate,
      orderLog,
      locks,
      telemetry: { metrics, tracer },
      config: settings,
    }),
    verifyToken,
    log,
    maxBatchSize: config.MAX_BATCH_SIZE,
    maxBodyBytes: config.MAX_BODY_BYTES,
    // Ready once Redis is connected (or known to be down: it is optional), until a shutdown starts.
    ready: () => !draining && (redis?.settled() ?? true),
    draining: () => draining,
    admission,
    cors: createCors(config.CORS_ORIGINS),
    responses,
    // While callers are split between the ERP's versions, each version's answers are kept apart.
    answerVariant: erp.split ? (caller) => erp.versionFor(caller) : undefined,
    telemetry: { metrics, tracer, scrape },
  });
  return {
    handler,
    drain() {
      draining = true;
    },
    close() {
      draining = true;
      // Once, however often it is called.
      closing ??= (async () => {
        loop?.close();
        await cache?.close();
        await redis?.close();
        await transport.close();
      })();
      return closing;
    },
    cache,
    responses,
    guards,
    metrics,
  };
}
