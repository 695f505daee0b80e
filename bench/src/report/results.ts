/** What one measured load of one target gives. */
export interface Measurement {
  /** Responses per second at `settings.connections` connections. */
  rps: number;
  /** Latency at `settings.connections` connections, ms. */
  p50Ms: number;
  p99Ms: number;
  /** Latency at one connection, ms. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** The target's CPU time per response at one connection, ms: nothing merges requests there. */
  latencyCpuMsPerRequest: number;
  /** The target process's CPU time (user + system) per request sent, ms. */
  cpuMsPerRequest: number;
  /** The target's CPU time ÷ wall time during the load, % of one core. */
  cpuBusyPercent: number;
  /** The target's resident set size after the load, MiB. */
  rssMiB: number;
  /** Calls the sandbox received per request sent. */
  upstreamCallsPerRequest: number;
  /** The bench process's own CPU (load generator and sandbox) per request sent, ms. */
  loadCpuMsPerRequest: number;
  /** The bench process's CPU time ÷ wall time during the load, % of one core: near 100, it is the bottleneck. */
  loadBusyPercent: number;
  requests: number;
  non2xx: number;
  /** 2xx answers with a non-empty `degraded` (cheaper than whole ones: a fair comparison has none). */
  degraded: number;
  errors: number;
}

export interface TargetResult {
  name: string;
  rounds: Measurement[];
  /** Medians over the rounds (RSS: the largest; counts: sums). */
  summary: Measurement;
  /** Upstream calls per response by `service operation`, over every round. */
  upstreamCalls: Record<string, number>;
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** A short label for the chart. */
  label: string;
  description: string;
  bff: TargetResult;
  baseline: TargetResult | null;
  /** Distinct inputs the scenario cycles through, and the requests it sent in all (warm-ups included): more requests than inputs means inputs were asked again. */
  inputs?: number | undefined;
  requestsSent?: number | undefined;
  /** BFF ÷ baseline; null without a baseline. */
  ratios: {
    rps: number | null;
    cpuMsPerRequest: number | null;
    p50Ms: number | null;
    latencyP50Ms: number | null;
    latencyCpuMsPerRequest: number | null;
  };
}

export interface MemorySample {
  atSeconds: number;
  /** Requests sent so far (each a SKU not asked for before). */
  requests: number;
  rssMiB: number;
  cacheEntries: number;
  /** The upstream-data cache's size by its own measure (serialized bytes). */
  cacheMiB: number;
  /** The kept encoded answers (an eighth of the bound). */
  responseCacheMiB: number;
}

/** The memory run: product.page once for each of many distinct SKUs on a BFF with its cache on. */
export interface MemoryResult {
  skus: number;
  connections: number;
  cacheMaxMiB: number;
  seconds: number;
  /** 2xx answers. */
  answered: number;
  non2xx: number;
  errors: number;
  degraded: number;
  samples: MemorySample[];
}

import type { AbResult } from '../harness/ab.js';
import type { ProtectionCost } from '../harness/protection-cost.js';
import type { CompressionCost } from '../harness/compression-cost.js';
import type { FirstPartResult } from '../harness/first-part.js';
import type { TracingCost } from '../harness/tracing-cost.js';
import type { MigrationCost } from '../harness/migration-cost.js';

/** What tracing and request logs cost: the uncached product page on the same BFF in three configurations. */
export interface ObservabilityCost {
  /** Rounds, each on three fresh processes. */
  rounds: number;
  /** Loads per round before the measured ones. */
  warmups: number;
  /** Measured loads per round. */
  measured: number;
  /** Requests per process and load. */
  requests: number;
  /** Connections per process. */
  connections: number;
  /** OTEL_SDK_DISABLED=true, LOG_LEVEL=warn: what the others are compared with. */
  plain: AbResult;
  /** As a production start runs it: a log line per request (LOG_LEVEL=info), the tracing API with no exporter. */
  asStarted: AbResult;
  /** And spans exported over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT, the SDK's defaults). */
  exported: AbResult;
  /** Spans the bench's OTLP receiver got from the exporting BFF (one per tRPC call and one per upstream call sent). */
  spans: number;
  /** Request log lines the exporting BFF wrote meanwhile. */
  requestLines: number;
}

export interface BenchResults {
  generatedAt: string;
  environment: {
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    loadAverageAtStart: number;
    loadAverageAtEnd: number;
  };
  settings: {
    seconds: number;
    latencySeconds: number;
    warmupSeconds: number;
    rounds: number;
    connections: number;
    products: number;
    skus: number;
    /** Products in the fresh-SKU scenario's own sandbox. */
    freshProducts?: number | undefined;
    /** Distinct SKUs of the memory run (0: no memory run). */
    memorySkus: number;
    /** CACHE_MAX_BYTES of the memory run's BFF. */
    memoryCacheBytes: number;
  };
  scenarios: ScenarioResult[];
  /** What a span costs, measured in the bench process. */
  tracing?: TracingCost | undefined;
  /** What compressing a product page costs, measured in the bench process. */
  compression?: CompressionCost | undefined;
  /** product.pageProgressive's first part against the whole page (null when the uncached page scenario was not run). */
  firstPart?: FirstPartResult | null | undefined;
  /** Tracing and request logs, A/B (null when the uncached page scenario was not run). */
  observability?: ObservabilityCost | null | undefined;
  /** The ERP's versions and the shadow (null when not run: BENCH_SCENARIOS without `migration`). */
  migration?: MigrationCost | null | undefined;
  /** The memory run, unless BENCH_MEMORY_SKUS=0. */
  memory: MemoryResult | null;
  /** Seconds the whole run took. */
  /** What the protection costs per request, measured in the bench process. */
  protection?: ProtectionCost | undefined;
  elapsedSeconds: number;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};

/** Medians of the rounds; RSS the largest; counts summed. */
export function summarize(rounds: readonly Measurement[]): Measurement {
  const of = (key: keyof Measurement): number[] => rounds.map((round) => round[key]);
  const sum = (key: keyof Measurement): number =>
    of(key).reduce((total, value) => total + value, 0);
  return {
    rps: median(of('rps')),
    p50Ms: median(of('p50Ms')),
    p99Ms: median(of('p99Ms')),
    latencyP50Ms: median(of('latencyP50Ms')),
    latencyP99Ms: median(of('latencyP99Ms')),
    latencyCpuMsPerRequest: median(of('latencyCpuMsPerRequest')),
    cpuMsPerRequest: median(of('cpuMsPerRequest')),
    cpuBusyPercent: median(of('cpuBusyPercent')),
    rssMiB: Math.max(...of('rssMiB')),
    upstreamCallsPerRequest: median(of('upstreamCallsPerRequest')),
    loadCpuMsPerRequest: median(of('loadCpuMsPerRequest')),
    loadBusyPercent: median(of('loadBusyPercent')),
    requests: sum('requests'),
    non2xx: sum('non2xx'),
    degraded: sum('degraded'),
    errors: sum('errors'),
  };
}

export function ratiosOf(
  bff: Measurement,
  baseline: Measurement | undefined,
): ScenarioResult['ratios'] {
  const ratio = (a: number, b: number | undefined): number | null =>
    b === undefined || b === 0 ? null : a / b;
  return {
    rps: ratio(bff.rps, baseline?.rps),
    cpuMsPerRequest: ratio(bff.cpuMsPerRequest, baseline?.cpuMsPerRequest),
    p50Ms: ratio(bff.p50Ms, baseline?.p50Ms),
    latencyP50Ms: ratio(bff.latencyP50Ms, baseline?.latencyP50Ms),
    latencyCpuMsPerRequest: ratio(bff.latencyCpuMsPerRequest, baseline?.latencyCpuMsPerRequest),
  };
}
