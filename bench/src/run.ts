import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { FIRST_GENERATED_SKU, startSandbox, type Sandbox } from '@storefront/sandbox';
import { cacheMaxBytesOf, heapFlags } from '@storefront/server';
import { runLoad } from './harness/load.js';
import { measureAb } from './harness/ab.js';
import { measureCompressionCost } from './harness/compression-cost.js';
import { measureFirstPart, type FirstPartResult } from './harness/first-part.js';
import { cpuMedian, measureMigrationCost, type MigrationCost } from './harness/migration-cost.js';
import { measure } from './harness/measure.js';
import { measureProtectionCost, type ProtectionCost } from './harness/protection-cost.js';
import { measureTracingCost, type TracingCost } from './harness/tracing-cost.js';
import { runMemory } from './harness/memory-run.js';
import { startOtlpSink, type OtlpSink } from './harness/otlp-sink.js';
import { startTarget, type Target } from './harness/processes.js';
import { checkSameAnswers } from './harness/same-answers.js';
import { pathCycle, scenarios as allScenarios, type Scenario } from './harness/scenarios.js';
import { secondHalfGrowthMiB, signed, summaryTable } from './report/markdown.js';
import {
  ratiosOf,
  summarize,
  type BenchResults,
  type Measurement,
  type MemoryResult,
  type ObservabilityCost,
  type ScenarioResult,
  type TargetResult,
} from './report/results.js';
import { writeResults } from './report/write.js';

/**
 * `npm run bench`: the sandbox in this process, the BFF (cache off, and cache on) and the
 * hand-written baseline in child processes; same answers checked; then each scenario loaded
 * interleaved (BFF, baseline, BFF, baseline…) and the results written to bench/results/.
 */
const number = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number`);
  return value;
};
const settings: BenchResults['settings'] = {
  seconds: number('BENCH_SECONDS', 5),
  latencySeconds: number('BENCH_LATENCY_SECONDS', 3),
  // Long enough for the JIT to settle on both targets: a server's steady state is what is compared.
  warmupSeconds: number('BENCH_WARMUP_SECONDS', 3),
  // Five, so that a median is not one noisy round on a shared machine.
  rounds: Math.max(1, Math.round(number('BENCH_ROUNDS', 5))),
  connections: Math.max(1, Math.round(number('BENCH_CONNECTIONS', 32))),
  products: 0,
  skus: Math.max(1, Math.round(number('BENCH_SKUS', 10_000))),
  // Enough for five rounds of both targets without asking any SKU twice (about 40,000 pages).
  freshProducts: Math.round(number('BENCH_FRESH_PRODUCTS', 100_000)),
  memorySkus: Math.round(number('BENCH_MEMORY_SKUS', 50_000)),
  memoryCacheBytes: Math.round(number('BENCH_MEMORY_CACHE_BYTES', 16 * 1024 * 1024)),
};
// The scenarios' sandbox; the memory run starts one of its own with enough products for its SKUs
// (a search scans every product: a larger catalog would make the search scenario measure the sandbox).
settings.products = Math.round(number('BENCH_PRODUCTS', 20_000));
const only = (process.env.BENCH_SCENARIOS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const outDir = process.env.BENCH_OUT ?? fileURLToPath(new URL('../results/', import.meta.url));
const profileDir = process.env.BENCH_PROFILE
  ? fileURLToPath(new URL('../results/tmp/profiles/', import.meta.url))
  : undefined;
const serverMain = fileURLToPath(new URL('main.js', import.meta.resolve('@storefront/server')));
const baselineMain = fileURLToPath(new URL('baseline/main.js', import.meta.url));
const probeMain = fileURLToPath(new URL('harness/cache-probe-main.js', import.meta.url));

const started = performance.now();
/** Other work on the machine skews wall-clock numbers (CPU per request much less): the report says how busy it was. */
const loadAverageAtStart = loadavg()[0] ?? 0;
const log = (line: string): void => {
  process.stdout.write(
    `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s  ${line}\n`,
  );
};

if (!existsSync(serverMain))
  throw new Error(`${serverMain} is missing: build first (npm run bench at the root does)`);
if (settings.products < settings.skus + 100)
  throw new Error('BENCH_PRODUCTS must exceed BENCH_SKUS by the fixtures (100 is plenty)');
const freshProducts = settings.freshProducts ?? 0;
if (freshProducts < 1_000) throw new Error('BENCH_FRESH_PRODUCTS must be at least 1000');
const scenarioOptions = {
  firstSku: FIRST_GENERATED_SKU,
  skus: settings.skus,
  // The fixtures are among the products (fewer than 100).
  freshSkus: freshProducts - 100,
};
const scenarios = allScenarios(scenarioOptions).filter(
  (s) => only.length === 0 || only.includes(s.id),
);
const runMemoryToo = settings.memorySkus > 0 && (only.length === 0 || only.includes('memory'));
/** The ERP's versions (v1, v2, both, the shadow at 100 %) on the uncached page: `migration`. */
const runMigration = only.length === 0 || only.includes('migration');
if (scenarios.length === 0 && !runMemoryToo && !runMigration)
  throw new Error(
    `BENCH_SCENARIOS names none of ${allScenarios({ firstSku: 0, skus: 1, freshSkus: 1 })
      .map((s) => s.id)
      .join(', ')}, migration, memory`,
  );

const contendersOf = (s: Scenario): number => (s.baseline ? 2 : 1);
/** The scenario whose page the A/B of tracing and request logs loads (when it is selected). */
const AB_SCENARIO = 'product-page-uncached';
const ab = {
  rounds: Math.max(1, Math.round(number('BENCH_AB_ROUNDS', 8))),
  warmups: 4,
  measured: 2,
  requests: Math.max(1, Math.round(number('BENCH_AB_REQUESTS', 600))),
  connections: 4,
};
const runAb = scenarios.some((s) => s.id === AB_SCENARIO);
const migration = {
  ab: {
    rounds: Math.max(1, Math.round(number('BENCH_MIGRATION_ROUNDS', 5))),
    warmups: 4,
    measured: 2,
    requests: Math.max(1, Math.round(number('BENCH_MIGRATION_REQUESTS', 400))),
    connections: 4,
  },
  throughput: {
    rounds: settings.rounds,
    seconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
    connections: settings.connections,
  },
};
const steps = scenarios.reduce((total, s) => total + settings.rounds * contendersOf(s), 0);
// The memory run misses on every request: at roughly 200 pages a second.
const memoryEstimate = runMemoryToo ? settings.memorySkus / 200 + 5 : 0;
const estimate =
  steps * (settings.warmupSeconds * 2 + settings.seconds + settings.latencySeconds + 0.3) +
  scenarios.reduce((t, s) => t + contendersOf(s), 0) * settings.warmupSeconds * 2 +
  // The A/B: per round three fresh targets at once, six loads each, ~150 pages a second in all.
  (runAb ? (ab.rounds * 3 * (ab.warmups + ab.measured) * ab.requests) / 150 + 10 : 0) +
  // The ERP versions: an A/B of four targets, then two targets loaded in turn.
  (runMigration
    ? (migration.ab.rounds *
        4 *
        (migration.ab.warmups + migration.ab.measured) *
        migration.ab.requests) /
        150 +
      migration.throughput.rounds *
        (migration.throughput.warmupSeconds * 2 + migration.throughput.seconds + 3)
    : 0) +
  10 +
  memoryEstimate;
log(
  `bench: ${scenarios.length} scenarios, ${steps} measured loads (${settings.rounds} rounds of ${settings.seconds} s at ${settings.connections} connections + ${settings.latencySeconds} s at 1, after ${settings.warmupSeconds} s warm-ups)` +
    `${runMemoryToo ? `, then the memory run over ${settings.memorySkus.toLocaleString('en-US')} SKUs` : ''}; about ${Math.ceil(estimate / 60)} min`,
);

const targets: Target[] = [];
let sandbox: Sandbox | undefined;
let memorySandbox: Sandbox | undefined;
let freshSandbox: Sandbox | undefined;
let otlp: OtlpSink | undefined;
const cleanUp = async (): Promise<void> => {
  await Promise.allSettled(targets.map((t) => t.stop()));
  await otlp?.close();
  await sandbox?.close();
  await memorySandbox?.close();
  await freshSandbox?.close();
};
process.once('SIGINT', () => {
  void cleanUp().finally(() => process.exit(130));
});

try {
  sandbox = await startSandbox({ latency: 'none', products: settings.products });
  log(`sandbox: ${settings.products.toLocaleString('en-US')} products, no added latency`);
  otlp = await startOtlpSink();
  // Everything on as a production start runs it: protection (one address is the whole load, so the
  // rate limit sits above it), metrics, a log line per request, the tracing API (no exporter).
  const common = {
    ...sandbox.env(),
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    RATE_LIMIT_POINTS: '1000000000',
  };
  const uncached = { ...common, CACHE_MAX_BYTES: '0' };
  // The A/B's other sides: tracing and request logs off; spans exported over OTLP (to a receiver
  // in this process that only counts them).
  const plainEnv = { ...uncached, OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'warn' };
  const exportingEnv = { ...uncached, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url };
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (profileDir)
    log(
      `BENCH_PROFILE: the targets write .cpuprofile files to ${profileDir} when they stop (profiling slows them: compare the profiles, not these numbers)`,
    );
  // Each BFF starts with the Node flags `npm start` gives it (heap sizing chosen from its
  // CACHE_MAX_BYTES), and BENCH_BFF_NODE_ARGS to try others; the baseline keeps Node's defaults.
  const extraArgs = (process.env.BENCH_BFF_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const bffArgs = (cacheMaxBytes: number): string[] => [
    ...nodeArgs,
    ...heapFlags(cacheMaxBytes),
    ...extraArgs,
  ];
  const [bffUncached, bffCached, baseline] = await Promise.all([
    startTarget('BFF (cache off)', serverMain, uncached, bffArgs(0)),
    startTarget('BFF (cache on)', serverMain, common, bffArgs(cacheMaxBytesOf({}) ?? 0)),
    startTarget('baseline', baselineMain, common, nodeArgs),
  ]);
  targets.push(bffUncached, bffCached, baseline);
  // The A/B's configurations: fresh processes of their own in every round.
  const abConfigurations = [
    ['no tracing or request logs', plainEnv],
    ['as started', uncached],
    ['spans exported', exportingEnv],
  ] as const;
  const startAbTargets = async (): Promise<Target[]> => {
    const started = await Promise.all(
      abConfigurations.map(([name, env]) =>
        startTarget(`BFF (cache off, ${name})`, serverMain, env, bffArgs(0)),
      ),
    );
    targets.push(...started);
    return started;
  };
  for (const t of targets) log(`started ${t.name} at ${t.url} (pid ${t.pid})`);
  const authorization = `Bearer ${await sandbox.idp.tokenFor('ann')}`;

  const checked = await checkSameAnswers(baseline, [bffUncached, bffCached]);
  log(
    `same answers: the baseline and both BFFs agree on ${checked} requests (pages with every ERP quirk, an unknown SKU, searches)`,
  );

  let step = 0;
  // Before any load, while the machine is quiet: a few seconds of calls in this process.
  const protection: ProtectionCost = await measureProtectionCost();
  const tracing: TracingCost = await measureTracingCost(otlp.url);
  // A product page as the BFF sends it (its fixture with the most text), compressed as the BFF does.
  const pageAnswer = await fetch(
    `${bffUncached.url}/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku: '000123' } }))}`,
  );
  const compression = measureCompressionCost(Buffer.from(await pageAnswer.arrayBuffer()));
  log(
    `compression: a ${compression.bytes.toLocaleString('en-US')}-byte product page → br ${compression.encodings.br.bytes.toLocaleString('en-US')} bytes in ${compression.encodings.br.micros.toFixed(0)} µs, gzip ${compression.encodings.gzip.bytes.toLocaleString('en-US')} bytes in ${compression.encodings.gzip.micros.toFixed(0)} µs of CPU`,
  );
  log(
    `tracing: +${tracing.spanMicros.toFixed(2)} CPU µs per upstream call's span (made, batched, exported as OTLP protobuf): about ${tracing.pageMicros.toFixed(0)} µs per product page`,
  );
  log(
    `protection: +${(protection.callMicros.guarded - protection.callMicros.bare).toFixed(2)} µs per upstream call (breaker, retry budget, bulkhead), ${protection.admitMicros.toFixed(2)} µs per admission: about ${protection.pageMicros.toFixed(1)} µs per product page; metrics +${protection.metricsMicros.toFixed(2)} µs per upstream call`,
  );
  const results: ScenarioResult[] = [];
  /**
   * The fresh-SKU scenario's own sandbox and targets, started for it and stopped after it: a catalog
   * that large would make the search scenario measure the sandbox's scan.
   */
  const startFresh = async (): Promise<{ sandbox: Sandbox; bff: Target; baseline: Target }> => {
    freshSandbox = await startSandbox({ latency: 'none', products: freshProducts });
    const env = { ...common, ...freshSandbox.env() };
    const [bff, freshBaseline] = await Promise.all([
      startTarget('BFF (defaults, fresh SKUs)', serverMain, env, bffArgs(cacheMaxBytesOf({}) ?? 0)),
      startTarget('baseline (fresh SKUs)', baselineMain, env, nodeArgs),
    ]);
    targets.push(bff, freshBaseline);
    log(
      `fresh SKUs: a sandbox of ${freshProducts.toLocaleString('en-US')} products; ${bff.name} pid ${bff.pid}, ${freshBaseline.name} pid ${freshBaseline.pid}`,
    );
    return { sandbox: freshSandbox, bff, baseline: freshBaseline };
  };
  for (const scenario of scenarios) {
    const fresh = scenario.catalog === 'fresh' ? await startFresh() : undefined;
    const scenarioSandbox = fresh?.sandbox ?? sandbox;
    const scenarioBaseline = fresh?.baseline ?? baseline;
    const bff = fresh?.bff ?? (scenario.bff === 'cached' ? bffCached : bffUncached);
    const contenders = scenario.baseline ? [bff, scenarioBaseline] : [bff];
    const collected = new Map<
      Target,
      { rounds: Measurement[]; calls: Record<string, number>; sent: number }
    >(contenders.map((t) => [t, { rounds: [], calls: {}, sent: 0 }]));
    const nextPath = pathCycle(scenario);
    const headers = scenario.signedIn ? { authorization } : undefined;
    log(`${scenario.title}: warming up ${contenders.map((t) => t.name).join(' and ')}`);
    // The first load of each target in a scenario warms up longer (JIT, connection pools).
    for (const target of contenders) {
      if (settings.warmupSeconds > 0)
        await runLoad({
          url: target.url,
          connections: settings.connections,
          durationSeconds: settings.warmupSeconds * 2,
          nextPath,
          ...(headers ? { headers } : {}),
        });
    }
    for (let round = 1; round <= settings.rounds; round += 1) {
      for (const target of contenders) {
        step += 1;
        const label = `[${String(step).padStart(2)}/${steps}] ${scenario.title} · ${target === scenarioBaseline ? 'baseline' : 'BFF'} · round ${round}/${settings.rounds}`;
        log(`${label} …`);
        const measured = await measure({
          sandbox: scenarioSandbox,
          target,
          nextPath,
          headers,
          ...settings,
        });
        const entry = collected.get(target);
        if (!entry) throw new Error('unreachable');
        entry.rounds.push(measured.measurement);
        entry.sent += measured.sent;
        for (const [name, count] of Object.entries(measured.calls))
          entry.calls[name] = (entry.calls[name] ?? 0) + count;
        const m = measured.measurement;
        const trouble =
          m.non2xx + m.errors + m.degraded > 0
            ? `  ⚠ ${m.degraded} degraded, ${m.non2xx} non-2xx, ${m.errors} errors`
            : '';
        log(
          `${label}: ${Math.round(m.rps)} req/s, p50 ${m.p50Ms.toFixed(1)} / p99 ${m.p99Ms.toFixed(1)} ms; 1 conn p50 ${m.latencyP50Ms.toFixed(2)} ms, ${m.latencyCpuMsPerRequest.toFixed(2)} CPU ms/req; ` +
            `${m.cpuMsPerRequest.toFixed(2)} CPU ms/req (${m.cpuBusyPercent.toFixed(0)} % busy; bench process ${m.loadBusyPercent.toFixed(0)} %); ${m.rssMiB.toFixed(0)} MiB; ${m.upstreamCallsPerRequest.toFixed(2)} upstream calls/req${trouble}`,
        );
      }
    }
    const resultOf = (target: Target): TargetResult => {
      const entry = collected.get(target);
      if (!entry) throw new Error('unreachable');
      const perRequest = Object.fromEntries(
        Object.entries(entry.calls).map(([name, count]) => [name, count / Math.max(1, entry.sent)]),
      );
      return {
        name: target.name,
        rounds: entry.rounds,
        summary: summarize(entry.rounds),
        upstreamCalls: perRequest,
      };
    };
    const bffResult = resultOf(bff);
    const baselineResult = scenario.baseline ? resultOf(scenarioBaseline) : null;
    results.push({
      id: scenario.id,
      title: scenario.title,
      label: scenario.label,
      description: scenario.description,
      bff: bffResult,
      baseline: baselineResult,
      inputs: scenario.inputs.length,
      requestsSent: nextPath.served(),
      ratios: ratiosOf(bffResult.summary, baselineResult?.summary),
    });
    if (fresh) {
      if (nextPath.served() > scenario.inputs.length)
        log(
          `⚠ ${scenario.title}: ${nextPath.served().toLocaleString('en-US')} requests over ${scenario.inputs.length.toLocaleString('en-US')} SKUs, so some SKUs were asked again: raise BENCH_FRESH_PRODUCTS`,
        );
      await fresh.bff.stop();
      await fresh.baseline.stop();
      await fresh.sandbox.close();
      freshSandbox = undefined;
    }
  }

  // How soon a progressive page's first part is on the client (with the uncached page scenario).
  let firstPart: FirstPartResult | null = null;
  if (scenarios.some((s) => s.id === AB_SCENARIO)) {
    log('product.pageProgressive: time to the first part, reviews 80 ms slower than the rest …');
    firstPart = await measureFirstPart({
      sandbox,
      url: bffUncached.url,
      skuOf: (i) => String(FIRST_GENERATED_SKU + 5_000 + (i % 5_000)),
      requests: 200,
      reviewsDelayMs: 80,
    });
    log(
      `product.pageProgressive: first part ${firstPart.firstPartMs.toFixed(2)} ms, later ${firstPart.laterMs.toFixed(2)} ms; product.page whole ${firstPart.wholePageMs.toFixed(2)} ms (medians, one request at a time)`,
    );
  }

  let observability: ObservabilityCost | null = null;
  const abScenario = scenarios.find((s) => s.id === AB_SCENARIO);
  if (abScenario) {
    log(
      `tracing and request logs: ${String(ab.rounds)} rounds, each on three fresh BFFs loaded at once (plain, as started, spans exported; ${String(ab.connections)} connections each), ${String(ab.warmups)} warm-up and ${String(ab.measured)} measured loads of ${String(ab.requests)} uncached pages …`,
    );
    const spansAtStart = otlp.spans();
    let requestLines = 0;
    const [plain, asStarted, exported] = await measureAb({
      sandbox,
      start: startAbTargets,
      afterRound: (round) => {
        requestLines += round[2]?.requestLines() ?? 0;
      },
      nextPath: pathCycle(abScenario),
      ...ab,
    });
    await quietSink(otlp);
    if (plain && asStarted && exported) {
      observability = {
        ...ab,
        plain,
        asStarted,
        exported,
        spans: otlp.spans() - spansAtStart,
        requestLines,
      };
      log(
        `tracing and request logs: ${signed(asStarted.addedMs, 3)} CPU ms per page as started (±${asStarted.spreadMs.toFixed(3)}), ${signed(exported.addedMs, 3)} with spans exported (±${exported.spreadMs.toFixed(3)}); ${observability.spans.toLocaleString('en-US')} spans for ${observability.requestLines.toLocaleString('en-US')} requests`,
      );
    }
  }

  let migrationCost: MigrationCost | null = null;
  if (runMigration) {
    const uncachedPage = allScenarios(scenarioOptions).find((s) => s.id === AB_SCENARIO);
    if (!uncachedPage) throw new Error(`no scenario ${AB_SCENARIO}`);
    const erpFree = Object.fromEntries(
      Object.entries(uncached).filter(([name]) => !name.startsWith('ERP_')),
    );
    migrationCost = await measureMigrationCost({
      sandbox,
      startBff: async (name, env) => {
        const target = await startTarget(name, serverMain, { ...erpFree, ...env }, bffArgs(0));
        targets.push(target);
        return target;
      },
      nextPath: pathCycle(uncachedPage),
      log,
      ...migration,
    });
    const { cpu, throughput } = migrationCost;
    log(
      `ERP versions, CPU per uncached page: v1 alone ${cpuMedian(cpu.v1).toFixed(3)} ms; v2 alone ${signed(cpu.v2.addedMs, 3)} (±${cpu.v2.spreadMs.toFixed(3)}); both ${signed(cpu.both.addedMs, 3)} (±${cpu.both.spreadMs.toFixed(3)}); shadow 100 % ${signed(cpu.shadow.addedMs, 3)} (±${cpu.shadow.spreadMs.toFixed(3)})`,
    );
    log(
      `ERP shadow at 100 %: ${(throughput.rpsRatio * 100).toFixed(1)} % of the throughput without it, ${throughput.cpuRatio.toFixed(2)}× its CPU per page; comparisons ${JSON.stringify(throughput.comparisons)}`,
    );
  }

  let memory: MemoryResult | null = null;
  if (runMemoryToo) {
    for (const t of targets) await t.stop();
    memorySandbox = await startSandbox({ latency: 'none', products: settings.memorySkus + 1_000 });
    const memoryEnv = {
      ...memorySandbox.env(),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_POINTS: '1000000000',
      CACHE_MAX_BYTES: String(settings.memoryCacheBytes),
    };
    const probeTarget = await startTarget(
      'BFF (cache probe)',
      probeMain,
      memoryEnv,
      bffArgs(settings.memoryCacheBytes),
    );
    targets.push(probeTarget);
    log(
      `memory: product.page for ${settings.memorySkus.toLocaleString('en-US')} distinct SKUs on a BFF with CACHE_MAX_BYTES=${settings.memoryCacheBytes.toLocaleString('en-US')}`,
    );
    memory = await runMemory({
      target: probeTarget,
      firstSku: FIRST_GENERATED_SKU,
      skus: settings.memorySkus,
      connections: settings.connections,
      log,
    });
    log(
      `memory: done in ${Math.round(memory.seconds)} s; RSS ${secondHalfGrowthMiB(memory).toFixed(1)} MiB over the second half`,
    );
  }

  const report: BenchResults = {
    protection,
    tracing,
    observability,
    migration: migrationCost,
    firstPart,
    compression,
    generatedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      loadAverageAtStart,
      loadAverageAtEnd: loadavg()[0] ?? 0,
    },
    settings,
    scenarios: results,
    memory,
    elapsedSeconds: (performance.now() - started) / 1000,
  };
  await writeResults(report, outDir);
  process.stdout.write(`\n${summaryTable(report)}\n\n`);
  const suppressed = targets.reduce((total, t) => total + t.suppressedLines(), 0);
  if (suppressed > 0)
    log(
      `left out ${suppressed} log lines of the targets: "client went away" (autocannon drops its connections at the end of each load) and repeats`,
    );
  log(`results in ${outDir}: latest.md, latest.json, latest.svg`);
} finally {
  await cleanUp();
}

/** Waits until no span has arrived for 6 s: longer than the exporter's batch delay (5 s by default). */
async function quietSink(sink: OtlpSink): Promise<void> {
  let last = sink.spans();
  let quietSince = Date.now();
  while (Date.now() - quietSince < 6_000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (sink.spans() !== last) {
      last = sink.spans();
      quietSince = Date.now();
    }
  }
}
