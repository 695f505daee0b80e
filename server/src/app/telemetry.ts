import { propagation, trace, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Config } from '../config.js';
import type { Cache } from '../kit/cache/cache.js';
import { createLogger, droppedLogLines, type Logger } from '../kit/logger.js';
import { createMetrics, type Metrics } from '../kit/telemetry/metrics.js';
import type { UpstreamGuard } from '../kit/upstream/resilience.js';
import type { ResponseCache } from '../http/response-cache.js';

/** The name of the tracer every span of the BFF is made by. */
const TRACER = 'storefront-bff';

/** What every other part reports to: the log, the metrics, the tracer of the spans. */
export interface Telemetry {
  log: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

export interface TelemetryOptions {
  /** @default a JSON logger at config.LOG_LEVEL */
  log?: Logger | undefined;
  /** prom-client's process and event-loop metrics (one set per process). @default true */
  defaultMetrics?: boolean | undefined;
}

/** The log, the metrics on a registry of their own, the tracer, and W3C trace context in and out. */
export function createTelemetry(config: Config, options: TelemetryOptions = {}): Telemetry {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const metrics = createMetrics({
    defaults: options.defaultMetrics ?? true,
    logLinesDropped: droppedLogLines,
  });
  // W3C traceparent in and out, with or without an SDK (the first registration in a process wins).
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return { log, metrics, tracer: trace.getTracer(TRACER) };
}

/** What the gauges show, read when /metrics is scraped rather than kept up to date. */
export interface Gauged {
  guards: ReadonlyMap<string, UpstreamGuard>;
  cache: Cache | undefined;
  responses: ResponseCache | undefined;
  inFlight: () => number;
}

/** The metrics as Prometheus text, the gauges read from what they measure at that moment. */
export function createScrape(
  metrics: Metrics,
  gauged: Gauged,
): () => Promise<{ contentType: string; text: string }> {
  return async () => {
    for (const [name, guard] of gauged.guards)
      metrics.breakerState.set({ upstream: name }, guard.breakerState());
    metrics.cacheBytes.set({ tier: 'memory' }, gauged.cache?.memory.bytes ?? 0);
    metrics.cacheBytes.set({ tier: 'answers' }, gauged.responses?.memory.bytes ?? 0);
    metrics.inFlight.set(gauged.inFlight());
    return { contentType: metrics.registry.contentType, text: await metrics.registry.metrics() };
  };
}
