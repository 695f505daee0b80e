import type { MigrationCost } from '../harness/migration-cost.js';
import type { ProtectionCost } from '../harness/protection-cost.js';
import type { CompressionCost } from '../harness/compression-cost.js';
import type { FirstPartResult } from '../harness/first-part.js';
import type { TracingCost } from '../harness/tracing-cost.js';
import {
  summarize,
  type BenchResults,
  type Measurement,
  type MemoryResult,
  type ObservabilityCost,
  type ScenarioResult,
} from './results.js';

const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';
/** With its sign: +0.120, −0.040. */
export const signed = (value: number, digits: number): string =>
  `${value < 0 ? '−' : '+'}${fixed(Math.abs(value), digits)}`;
const ratio = (value: number | null): string => (value === null ? '—' : `${value.toFixed(2)}×`);
const rps = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—';
const ms = (value: number): string => fixed(value, value < 10 ? 2 : 1);

type Row = [
  label: string,
  value: (m: Measurement) => string,
  ratio?: (s: ScenarioResult) => string,
];

const ROWS = (connections: number): Row[] => [
  [`req/s (${connections} connections)`, (m) => rps(m.rps), (s) => ratio(s.ratios.rps)],
  [
    `p50 / p99 ms (${connections} connections)`,
    (m) => `${ms(m.p50Ms)} / ${ms(m.p99Ms)}`,
    (s) => ratio(s.ratios.p50Ms),
  ],
  [
    'p50 / p99 ms (1 connection)',
    (m) => `${ms(m.latencyP50Ms)} / ${ms(m.latencyP99Ms)}`,
    (s) => ratio(s.ratios.latencyP50Ms),
  ],
  [
    `server CPU ms per request (${connections} connections)`,
    (m) => fixed(m.cpuMsPerRequest, 3),
    (s) => ratio(s.ratios.cpuMsPerRequest),
  ],
  [
    'server CPU ms per request (1 connection)',
    (m) => fixed(m.latencyCpuMsPerRequest, 3),
    (s) => ratio(s.ratios.latencyCpuMsPerRequest),
  ],
  ['server CPU busy (% of one core)', (m) => fixed(m.cpuBusyPercent, 0)],
  ['server RSS MiB (after load)', (m) => fixed(m.rssMiB, 0)],
  ['upstream calls per request', (m) => fixed(m.upstreamCallsPerRequest, 2)],
  ['bench process CPU ms per request (load + sandbox)', (m) => fixed(m.loadCpuMsPerRequest, 3)],
  ['bench process CPU busy (% of one core)', (m) => fixed(m.loadBusyPercent, 0)],
  [
    'responses measured (degraded, non-2xx, errors)',
    (m) => `${m.requests.toLocaleString('en-US')} (${m.degraded}, ${m.non2xx}, ${m.errors})`,
  ],
];

/** The summary table: one line per scenario. */
export function summaryTable(results: BenchResults): string {
  const lines = [
    `| scenario | BFF req/s | baseline req/s | BFF ÷ baseline | BFF p50 ms (1 conn) | baseline p50 ms (1 conn) | CPU/req BFF ÷ baseline | CPU/req at 1 conn BFF ÷ baseline | upstream calls/req BFF, baseline |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of results.scenarios) {
    const b = s.baseline?.summary;
    lines.push(
      `| ${s.title} | ${rps(s.bff.summary.rps)} | ${b ? rps(b.rps) : '—'} | ${ratio(s.ratios.rps)} | ${ms(s.bff.summary.latencyP50Ms)} | ${b ? ms(b.latencyP50Ms) : '—'} | ${ratio(s.ratios.cpuMsPerRequest)} | ${ratio(s.ratios.latencyCpuMsPerRequest)} | ${fixed(s.bff.summary.upstreamCallsPerRequest, 2)}, ${b ? fixed(b.upstreamCallsPerRequest, 2) : '—'} |`,
    );
  }
  return lines.join('\n');
}

export function markdownReport(results: BenchResults): string {
  const { settings, environment } = results;
  const parts = [
    '# Benchmark: the BFF beside a hand-written baseline',
    '',
    `${results.generatedAt}; Node ${environment.node} on ${environment.platform}, ${environment.cpus} × ${environment.cpuModel} (1-minute load average ${environment.loadAverageAtStart.toFixed(2)} at the start, ${environment.loadAverageAtEnd.toFixed(2)} at the end). ` +
      `${settings.rounds} interleaved rounds (BFF, baseline, BFF, baseline…) of ${settings.seconds} s at ${settings.connections} connections and ${settings.latencySeconds} s at 1 connection per target, ` +
      `each after a ${settings.warmupSeconds} s warm-up that is discarded; medians over the rounds. Sandbox upstreams in the bench process with no added latency, ${settings.products.toLocaleString('en-US')} products; ` +
      `the BFF (NODE_ENV=production) and the baseline each in a child process of their own. Whole run: ${Math.round(results.elapsedSeconds)} s.`,
    '',
    'Ratios are BFF ÷ baseline: above 1 is better for req/s, worse for latency and CPU. Speed is never asserted in tests; these numbers are for reading.',
    '',
    summaryTable(results),
    '',
  ];
  for (const s of results.scenarios) {
    parts.push(
      `## ${s.title}`,
      '',
      s.description,
      '',
      '| | BFF | baseline | BFF ÷ baseline |',
      '|---|---:|---:|---:|',
    );
    for (const [label, value, ratioOf] of ROWS(settings.connections)) {
      parts.push(
        `| ${label} | ${value(s.bff.summary)} | ${s.baseline ? value(s.baseline.summary) : '—'} | ${ratioOf ? ratioOf(s) : ''} |`,
      );
    }
    const busy = Math.max(s.bff.summary.loadBusyPercent, s.baseline?.summary.loadBusyPercent ?? 0);
    if (busy >= 75) {
      parts.push(
        '',
        `The bench process (load generator and sandbox) was up to ${busy.toFixed(0)} % of a core busy here: throughput is bounded by it as much as by the target, so compare the CPU per request.`,
      );
    }
    const calls = (upstream: Record<string, number>): string =>
      Object.entries(upstream)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, perRequest]) => `${name} ${perRequest.toFixed(2)}`)
        .join(', ') || 'none';
    parts.push(
      '',
      `Upstream calls per request — BFF: ${calls(s.bff.upstreamCalls)}${s.baseline ? `; baseline: ${calls(s.baseline.upstreamCalls)}` : ''}.`,
      '',
    );
  }
  if (results.firstPart) parts.push(firstPartSection(results.firstPart), '');
  if (results.observability)
    parts.push(observabilitySection(results.observability, results.tracing), '');
  if (results.migration) parts.push(migrationSection(results.migration), '');
  if (results.protection) parts.push(protectionSection(results.protection), '');
  if (results.compression) parts.push(compressionSection(results.compression), '');
  if (results.memory) parts.push(memorySection(results.memory), '');
  return parts.join('\n');
}

/** RSS growth over the second half of the memory run (MiB): near 0 when memory is flat once the cache is full. */
export function secondHalfGrowthMiB(memory: MemoryResult): number {
  const half = memory.samples.filter((s) => s.requests >= memory.skus / 2);
  const first = half[0];
  const last = half.at(-1);
  return first && last ? last.rssMiB - first.rssMiB : Number.NaN;
}

/** The memory run: a verdict line, then about ten samples spread over the run. */
export function memorySection(memory: MemoryResult): string {
  const { samples } = memory;
  const peakCache = Math.max(...samples.map((s) => s.cacheMiB));
  const peakResponses = Math.max(...samples.map((s) => s.responseCacheMiB));
  const rss = samples.map((s) => s.rssMiB);
  const growth = secondHalfGrowthMiB(memory);
  const step = Math.max(1, Math.floor(samples.length / 10));
  const shown = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  return [
    `## Memory: ${memory.skus.toLocaleString('en-US')} distinct SKUs`,
    '',
    `product.page once for each of ${memory.skus.toLocaleString('en-US')} distinct SKUs, in order, at ${memory.connections} connections, on a BFF with CACHE_MAX_BYTES = ${fixed(memory.cacheMaxMiB, 0)} MiB (and a sandbox of its own with enough products): every request misses and adds its product, stock, prices, reviews and recommendations to the cache (and its encoded answer to the kept answers, bounded by an eighth of that). ` +
      `${memory.answered.toLocaleString('en-US')} answered (${memory.degraded} degraded, ${memory.non2xx} non-2xx, ${memory.errors} errors) in ${Math.round(memory.seconds)} s.`,
    '',
    `Cache at most ${fixed(peakCache, 1)} MiB of its ${fixed(memory.cacheMaxMiB, 0)} MiB bound (kept answers at most ${fixed(peakResponses, 1)} MiB); RSS from ${fixed(rss[0] ?? Number.NaN, 0)} to a peak of ${fixed(Math.max(...rss), 0)} MiB, ${growth >= 0 ? '+' : ''}${fixed(growth, 1)} MiB over the second half of the run.`,
    '',
    '| s | SKUs asked | RSS MiB | cache MiB | cache entries | kept answers MiB |',
    '|---:|---:|---:|---:|---:|---:|',
    ...shown.map(
      (s) =>
        `| ${fixed(s.atSeconds, 0)} | ${s.requests.toLocaleString('en-US')} | ${fixed(s.rssMiB, 0)} | ${fixed(s.cacheMiB, 1)} | ${s.cacheEntries.toLocaleString('en-US')} | ${fixed(s.responseCacheMiB, 1)} |`,
    ),
  ].join('\n');
}

/** What rate limits, breakers, retry budgets and bulkheads cost per request. */
export function protectionSection(cost: ProtectionCost): string {
  const steps = cost.callMicros.guarded - cost.callMicros.bare;
  return [
    '## What the protection costs',
    '',
    `Measured in the bench process (${cost.iterations.toLocaleString('en-US')} calls a round, median of 3), on a transport that answers at once so that nothing else hides the cost: an upstream call takes ${fixed(cost.callMicros.bare, 2)} µs without steps and ${fixed(cost.callMicros.guarded, 2)} µs through the circuit breaker, retry budget and bulkhead (+${fixed(steps, 2)} µs); a rate-limit admission (in memory) takes ${fixed(cost.admitMicros, 2)} µs. A product page (seven upstream calls, one admission): about ${fixed(cost.pageMicros, 1)} µs. Every BFF of this run has all of it on (its rate limit set above the bench's load).`,
    '',
    `Metrics: the observing step (a counter, a histogram, the request's Server-Timing record; no tracer registered in the bench process, so its span is a no-op) takes an upstream call from ${fixed(cost.callMicros.guarded, 2)} to ${fixed(cost.callMicros.observed, 2)} µs: +${fixed(cost.metricsMicros, 2)} µs per upstream call, about ${fixed(cost.metricsMicros * 7, 1)} µs per product page.`,
  ].join('\n');
}

/** What compressing an answer costs. */
export function compressionSection(cost: CompressionCost): string {
  const row = (encoding: 'br' | 'gzip'): string =>
    `| ${encoding} | ${cost.encodings[encoding].bytes.toLocaleString('en-US')} | ${fixed((100 * cost.encodings[encoding].bytes) / cost.bytes, 0)} % | ${fixed(cost.encodings[encoding].micros, 1)} |`;
  return [
    '## What compression costs',
    '',
    `Answers of ${cost.minBytes.toLocaleString('en-US')} bytes and more are compressed when the client accepts it (the bench's load sends no \`Accept-Encoding\`, so its scenarios measure answers sent as they are). Measured in the bench process on a product page as the BFF sends it (${cost.bytes.toLocaleString('en-US')} bytes), compressed in one call as the BFF does; a kept public answer pays this once per encoding, not per hit.`,
    '',
    '| encoding | bytes | of the answer | CPU µs per answer |',
    '|---|---:|---:|---:|',
    row('br'),
    row('gzip'),
  ].join('\n');
}

/** How soon product.pageProgressive's first part is on the client. */
export function firstPartSection(result: FirstPartResult): string {
  return [
    '## Time to the first part',
    '',
    `The BFF with its cache off, the reviews service ${String(result.reviewsDelayMs)} ms slower than the rest, ${String(result.requests)} requests one at a time through the real client: \`product.pageProgressive\` over the streaming link, then \`product.page\` whole for another SKU over the plain link. Medians, ms.`,
    '',
    '| first part (product, price, stock) | `later` (reviews, recommendations) | `product.page` whole |',
    '|---:|---:|---:|',
    `| ${fixed(result.firstPartMs, 2)} | ${fixed(result.laterMs, 2)} | ${fixed(result.wholePageMs, 2)} |`,
  ].join('\n');
}

/** The A/B of tracing and request logs on the uncached product page. */
export function observabilitySection(cost: ObservabilityCost, tracing?: TracingCost): string {
  const mean = (values: readonly number[]): number =>
    values.reduce((total, value) => total + value, 0) / Math.max(1, values.length);
  const row = (label: string, side: ObservabilityCost['plain'], compared: boolean): string =>
    `| ${label} | ${fixed(mean(side.windowsMs), 3)} | ${compared ? `${signed(side.addedMs, 3)} ± ${fixed(side.spreadMs, 3)}` : '—'} |`;
  return [
    '## What tracing and request logs cost',
    '',
    `The uncached product page on the same BFF in three configurations, in ${String(cost.rounds)} rounds, each on three fresh processes (a process has a speed of its own, a few per cent either way) loaded at the same time (so that the machine's drift falls on all alike), ${String(cost.connections)} connections each: ${String(cost.warmups)} loads of ${cost.requests.toLocaleString('en-US')} pages to warm up, then ${String(cost.measured)} measured; CPU per page from /proc. ` +
      'The added cost is the median over the rounds of the difference to the plain BFF (± half the distance between its quartiles). ' +
      `The exporting BFF sent ${cost.spans.toLocaleString('en-US')} spans for ${cost.requestLines.toLocaleString('en-US')} requests (${fixed(cost.spans / Math.max(1, cost.requestLines), 2)} a request: the tRPC call and each upstream call sent; the SDK drops spans when its queue is full).`,
    '',
    '| BFF, cache off | server CPU ms per page (mean of the rounds) | added |',
    '|---|---:|---:|',
    row('OTEL_SDK_DISABLED=true, LOG_LEVEL=warn', cost.plain, false),
    row(
      'as started: a log line per request, tracing API without an exporter',
      cost.asStarted,
      true,
    ),
    row('and spans exported over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT)', cost.exported, true),
    '',
    'Read the differences with their spread: the processes of one round still differ by their own speed, which only the median over fresh rounds evens out. ' +
      (tracing
        ? `Measured where µs are visible, in the bench process: a span made, ended, batched and exported as OTLP protobuf adds ${fixed(tracing.spanMicros, 2)} µs of CPU to an upstream call, about ${fixed(tracing.pageMicros, 0)} µs for the eight spans of a product page.`
        : ''),
  ].join('\n');
}

/** The ERP's two versions: the page through each, and what the shadow at 100 % costs. */
export function migrationSection(cost: MigrationCost): string {
  const { cpu, throughput } = cost;
  const mean = (values: readonly number[]): number =>
    values.reduce((total, value) => total + value, 0) / Math.max(1, values.length);
  const row = (label: string, side: MigrationCost['cpu']['v1'], compared: boolean): string =>
    `| ${label} | ${fixed(mean(side.windowsMs), 3)} | ${compared ? `${signed(side.addedMs, 3)} ± ${fixed(side.spreadMs, 3)}` : '—'} |`;
  const plain = summarize(throughput.plain);
  const shadow = summarize(throughput.shadow);
  const compared = Object.values(throughput.comparisons).reduce((total, n) => total + n, 0);
  const outcomes = Object.entries(throughput.comparisons)
    .map(([outcome, count]) => `${outcome} ${count.toLocaleString('en-US')}`)
    .join(', ');
  return [
    "## The ERP's two versions",
    '',
    `The uncached product page with the ERP's SOAP version alone, its JSON version alone, both (every caller on v1: the router with its fallback ready), and both with every read shadowed to the other version: ${String(cpu.rounds)} rounds, each on four fresh processes loaded at the same time, ${String(cpu.connections)} connections each, ${String(cpu.requests)} pages a load (4 to warm up, 2 measured); CPU per page from /proc, differences to v1 alone as medians over the rounds (± half the distance between their quartiles).`,
    '',
    '| BFF, cache off | server CPU ms per page (mean of the rounds) | against v1 alone |',
    '|---|---:|---:|',
    row('ERP v1 (SOAP) alone', cpu.v1, false),
    row('ERP v2 (JSON) alone', cpu.v2, true),
    row('both, callers on v1', cpu.both, true),
    row('both, ERP_SHADOW_PERCENT=100', cpu.shadow, true),
    '',
    `What the shadow costs the answers: both versions without and with the shadow at 100 %, ${String(throughput.rounds)} rounds, each on a fresh pair of processes loaded at the same time, ${String(throughput.seconds)} s at ${String(throughput.connections)} connections each (medians; the ratio is the median of the rounds' ratios):`,
    '',
    '| BFF, cache off, both versions | req/s | CPU ms/req | busy % | p50 ms | p99 ms |',
    '|---|---:|---:|---:|---:|---:|',
    `| no shadow | ${fixed(plain.rps, 0)} | ${fixed(plain.cpuMsPerRequest, 2)} | ${fixed(plain.cpuBusyPercent, 0)} | ${fixed(plain.p50Ms, 1)} | ${fixed(plain.p99Ms, 1)} |`,
    `| shadow 100 % | ${fixed(shadow.rps, 0)} | ${fixed(shadow.cpuMsPerRequest, 2)} | ${fixed(shadow.cpuBusyPercent, 0)} | ${fixed(shadow.p50Ms, 1)} | ${fixed(shadow.p99Ms, 1)} |`,
    '',
    `Round by round, shadow ÷ no shadow: ${throughput.plain.map((p, i) => fixed((throughput.shadow[i]?.rps ?? Number.NaN) / p.rps, 3)).join(', ')}. With the shadow at 100 % the BFF answered ${fixed(throughput.rpsRatio * 100, 1)} % of the pages per second it answered without it (${fixed(throughput.cpuRatio, 2)}× the CPU per page). Its shadow reads during the measured loads: ${compared.toLocaleString('en-US')} (${outcomes || 'none'}): saturated, it drops fifteen sampled reads in sixteen (\`dropped\`), so that answers keep their CPU; the A/B above, where each process had CPU to spare, shows what shadowing every read costs.`,
  ].join('\n');
}
