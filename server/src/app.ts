import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGuards } from './app/guards.js';
import { createSignIn } from './app/sign-in.js';
import { createStores } from './app/stores.js';
import { createScrape, createTelemetry } from './app/telemetry.js';
import { createUpstreamLayer } from './app/upstreams.js';
import type { Config } from './config.js';
import { createAdmission } from './http/admission.js';
import { createClientAddress } from './http/client-address.js';
import { createCors } from './http/cors.js';
import { createHandler } from './http/handler.js';
import type { ResponseCache } from './http/response-cache.js';
import type { Cache } from './kit/cache/cache.js';
import type { Logger } from './kit/logger.js';
import { createRateLimiter } from './kit/rate-limit.js';
import type { Metrics } from './kit/telemetry/metrics.js';
import type { UpstreamGuard } from './kit/upstream/resilience.js';
import { createTransport } from './kit/upstream/transport.js';
import { appRouter } from './router.js';
import type { UpstreamName } from './upstreams/index.js';

export interface AppOptions {
  /** @default a JSON logger at config.LOG_LEVEL */
  log?: Logger;
  /** prom-client's process and event-loop metrics: one set per process (tests that build many apps turn them off). @default true */
  defaultMetrics?: boolean;
  /**
   * Whether the process is too busy for shadow reads (most are dropped then). Tests that count
   * comparisons say `() => false`: their worker's load is the machine's, not the BFF's.
   * @default this process's event-loop utilization (kit/migration/event-loop-load.ts)
   */
  eventLoopBusy?: () => boolean;
  /**
   * Whether a plain tRPC query over GET is answered without tRPC's Node adapter, as the adapter
   * would answer it (http/trpc-query.ts); off, every tRPC request goes through the adapter (tests
   * compare the two). @default true
   */
  singleQueries?: boolean;
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

/**
 * Builds the BFF for configured upstreams: no listening, no globals, so tests build their own.
 * Its parts, each wired in a file of app/: telemetry (log, metrics, tracer), the upstreams' guards,
 * the stores (Redis, cache, kept answers, order confirmations, locks), the upstream clients on
 * their call paths, sign-in; the HTTP host on top.
 */
export function createApp(config: Config, options: AppOptions = {}): App {
  const telemetry = createTelemetry(config, {
    log: options.log,
    defaultMetrics: options.defaultMetrics,
  });
  const { log, metrics, tracer } = telemetry;
  // Upstream HTTP on keep-alive connections, one pool per origin.
  const transport = createTransport();
  const guards = createGuards(config, telemetry);
  const stores = createStores(config, telemetry);
  const { redis, cache, responses } = stores;
  const layer = createUpstreamLayer(config, {
    transport,
    guards,
    telemetry,
    cache,
    eventLoopBusy: options.eventLoopBusy,
  });
  const settings = {
    ERP_TIMEOUT_MS: config.ERP_TIMEOUT_MS,
    PART_TIMEOUT_MS: config.PART_TIMEOUT_MS,
    UPSTREAM_TIMEOUT_MS: config.UPSTREAM_TIMEOUT_MS,
    MAX_BODY_BYTES: config.MAX_BODY_BYTES,
  };
  const admission = createAdmission({
    maxInFlight: config.MAX_IN_FLIGHT,
    limiter: createRateLimiter({
      points: config.RATE_LIMIT_POINTS,
      windowSeconds: config.RATE_LIMIT_WINDOW_S,
      redis,
    }),
    clientAddress: createClientAddress(config.TRUSTED_PROXIES),
  });
  const scrape = createScrape(metrics, {
    guards: guards.byUpstream,
    cache,
    responses,
    inFlight: () => admission.inFlight(),
  });
  let draining = false;
  let closing: Promise<void> | undefined;
  const handler = createHandler({
    router: appRouter,
    createContext: (scope, signIn, streaming) => ({
      scope,
      signIn,
      streaming,
      log,
      upstreams: layer.upstreams,
      invalidate: stores.invalidate,
      orderConfirmations: stores.orderConfirmations,
      locks: stores.locks,
      telemetry: { metrics, tracer },
      config: settings,
    }),
    verifyToken: createSignIn(config, transport),
    log,
    maxBatchSize: config.MAX_BATCH_SIZE,
    singleQueries: options.singleQueries ?? true,
    maxBodyBytes: config.MAX_BODY_BYTES,
    // Ready once Redis is connected (or known to be down: it is optional), until a shutdown starts.
    ready: () => !draining && (redis?.settled() ?? true),
    draining: () => draining,
    admission,
    cors: createCors(config.CORS_ORIGINS),
    responses,
    // While callers are split between the ERP's versions, each version's answers are kept apart.
    answerVariant: layer.erp.split ? (caller) => layer.erp.versionFor(caller) : undefined,
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
        layer.close();
        await stores.close();
        await transport.close();
      })();
      return closing;
    },
    cache,
    responses,
    guards: guards.byUpstream,
    metrics,
  };
}
