import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createMetrics, createUpstream, observeUpstream, type Upstream } from '@storefront/server';
import { instant } from './protection-cost.js';

/** What a span costs, measured in this process where µs are visible. */
export interface TracingCost {
  /** CPU µs one upstream call's span adds: made, ended, batched and exported as OTLP protobuf. */
  spanMicros: number;
  /** A product page: eight spans (the tRPC call and seven upstream calls). */
  pageMicros: number;
  /** Calls measured per round. */
  iterations: number;
}

/** CPU µs per call of `upstream`, the export of its spans included (flushed before the clock stops). */
async function cpuMicrosPerCall(
  upstream: Upstream,
  iterations: number,
  flush: () => Promise<void>,
): Promise<number> {
  const decode = (): number => 1;
  for (let i = 0; i < 5_000; i += 1) await upstream.call({ operation: 'warm', path: '/x' }, decode);
  await flush();
  const before = process.cpuUsage();
  for (let i = 0; i < iterations; i += 1)
    await upstream.call({ operation: 'getThing', path: '/x' }, decode);
  await flush();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / iterations;
}

/**
 * The observing step of an upstream call with the tracing API's no-op tracer (as `npm start` runs
 * without an exporter) and with an SDK tracer exporting to `otlpUrl` the way the BFF's does
 * (batched, OTLP protobuf over HTTP), alternated, median of three rounds. CPU time, not wall time:
 * the export runs beside the calls.
 */
export async function measureTracingCost(
  otlpUrl: string,
  iterations = 20_000,
): Promise<TracingCost> {
  const provider = new BasicTracerProvider({
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpUrl}/v1/traces` })),
    ],
  });
  const base = {
    name: 'pricing',
    baseUrl: 'http://127.0.0.1:9',
    timeoutMs: 2_000,
    transport: instant,
  };
  const metrics = createMetrics({ defaults: false });
  // No tracer provider is registered in this process: the API's tracer makes no-op spans.
  const plain = createUpstream({
    ...base,
    steps: [observeUpstream(metrics, trace.getTracer('bench'))],
  });
  const traced = createUpstream({
    ...base,
    steps: [observeUpstream(metrics, provider.getTracer('bench'))],
  });
  const flush = () => provider.forceFlush();
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[1] ?? Number.NaN;
  const plainRounds: number[] = [];
  const tracedRounds: number[] = [];
  try {
    for (let round = 0; round < 3; round += 1) {
      plainRounds.push(await cpuMicrosPerCall(plain, iterations, flush));
      tracedRounds.push(await cpuMicrosPerCall(traced, iterations, flush));
    }
  } finally {
    await provider.shutdown();
  }
  const spanMicros = median(tracedRounds) - median(plainRounds);
  return { spanMicros, pageMicros: 8 * spanMicros, iterations };
}
