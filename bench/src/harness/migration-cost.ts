import type { Sandbox } from '@storefront/sandbox';
import { median, type Measurement } from '../report/results.js';
import { measureAb, type AbResult } from './ab.js';
import { runLoad } from './load.js';
import { settle } from './measure.js';
import { sampleProcess } from './proc-stats.js';
import type { Target } from './processes.js';

/** What the ERP's two versions cost: the page through each, and the shadow's cost to the answers. */
export interface MigrationCost {
  /** CPU per uncached page, in an A/B of fresh processes loaded at once (see ab.ts). */
  cpu: {
    rounds: number;
    requests: number;
    connections: number;
    /** The ERP's SOAP version alone (ERP_URL): what the others are compared with. */
    v1: AbResult;
    /** The JSON version alone (ERP_V2_URL). */
    v2: AbResult;
    /** Both versions, every caller on v1, no shadow: the router (fallback ready) and nothing else. */
    both: AbResult;
    /** Both versions, ERP_SHADOW_PERCENT=100. */
    shadow: AbResult;
  };
  /**
   * Throughput at `connections` connections each: both versions without and with the shadow at
   * 100 %, a fresh pair per round loaded at the same time (so that the machine's drift falls on
   * both alike, and each takes what CPU it can).
   */
  throughput: {
    connections: number;
    seconds: number;
    rounds: number;
    plain: Measurement[];
    shadow: Measurement[];
    /** Shadow ÷ plain per round, the median over the rounds. */
    rpsRatio: number;
    cpuRatio: number;
    /** The shadow BFF's comparisons during its loads, by outcome. */
    comparisons: Record<string, number>;
  };
}

export interface MigrationCostOptions {
  sandbox: Sandbox;
  /** Starts a BFF (cache off, as production runs it) with these variables over the common ones. */
  startBff: (name: string, env: Record<string, string>) => Promise<Target>;
  nextPath: () => string;
  ab: { rounds: number; warmups: number; measured: number; requests: number; connections: number };
  throughput: {
    rounds: number;
    seconds: number;
    warmupSeconds: number;
    connections: number;
  };
  log: (line: string) => void;
}

/** The comparisons a BFF counted so far, by outcome (from its /metrics). */
async function comparisonsOf(target: Target): Promise<Record<string, number>> {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const [, outcome = '', value = '0'] of text.matchAll(
    /^bff_shadow_comparisons_total\{[^}]*outcome="([a-z]+)"[^}]*\} (\d+)/gm,
  ))
    counts[outcome] = (counts[outcome] ?? 0) + Number(value);
  return counts;
}

/**
 * The uncached product page through the SOAP ERP, through the JSON one, through both (callers on
 * v1) and with every read shadowed to the other version: CPU per page as an A/B of fresh
 * processes, then the throughput of both versions with and without the shadow, pairs of fresh
 * processes loaded at the same time.
 */
export async function measureMigrationCost(options: MigrationCostOptions): Promise<MigrationCost> {
  const { sandbox, startBff, log } = options;
  const v1 = sandbox.env({ erp: 'v1' });
  const v2 = sandbox.env({ erp: 'v2' });
  const both = sandbox.env({ erp: 'both' });
  const shadowEnv = { ...both, ERP_SHADOW_PERCENT: '100' };
  const configurations: [string, Record<string, string>][] = [
    ['ERP v1 alone', v1],
    ['ERP v2 alone', v2],
    ['ERP v1 and v2, no shadow', both],
    ['ERP v1 and v2, shadow 100 %', shadowEnv],
  ];
  log(
    `ERP versions: ${String(options.ab.rounds)} rounds, each on four fresh BFFs loaded at once (${configurations.map(([name]) => name).join('; ')}) …`,
  );
  const [a, b, c, d] = await measureAb({
    sandbox,
    start: () => Promise.all(configurations.map(([name, env]) => startBff(`BFF (${name})`, env))),
    nextPath: options.nextPath,
    ...options.ab,
  });
  if (!a || !b || !c || !d) throw new Error('the A/B measured fewer configurations than it ran');

  const { rounds, seconds, connections, warmupSeconds } = options.throughput;
  log(
    `ERP shadow: both versions without and with the shadow at 100 %, ${String(rounds)} rounds, each on a fresh pair loaded at the same time (${String(seconds)} s at ${String(connections)} connections each) …`,
  );
  const plain: Measurement[] = [];
  const shadow: Measurement[] = [];
  const comparisons: Record<string, number> = {};
  for (let round = 0; round < rounds; round += 1) {
    const pair = await Promise.all([
      startBff('BFF (ERP v1 and v2, no shadow)', both),
      startBff('BFF (ERP v1 and v2, shadow 100 %)', shadowEnv),
    ]);
    try {
      const load = (durationSeconds: number) =>
        Promise.all(
          pair.map((target) =>
            runLoad({ url: target.url, connections, durationSeconds, nextPath: options.nextPath }),
          ),
        );
      if (warmupSeconds > 0) await load(warmupSeconds * 2);
      await settle(sandbox);
      const compared = await comparisonsOf(pair[1]);
      const before = pair.map((target) => sampleProcess(target.pid));
      const ownBefore = process.cpuUsage();
      const loads = await load(seconds);
      await settle(sandbox);
      const own = process.cpuUsage(ownBefore);
      const after = pair.map((target) => sampleProcess(target.pid));
      for (const [outcome, count] of Object.entries(await comparisonsOf(pair[1])))
        comparisons[outcome] = (comparisons[outcome] ?? 0) + count - (compared[outcome] ?? 0);
      loads.forEach((result, i) => {
        const cpuMs = (after[i]?.cpuMs ?? 0) - (before[i]?.cpuMs ?? 0);
        const wallMs = result.seconds * 1000;
        const sent = Math.max(1, result.sent, result.requests);
        const ownMs = (own.user + own.system) / 1000;
        const measurement: Measurement = {
          rps: result.rps,
          p50Ms: result.p50Ms,
          p99Ms: result.p99Ms,
          latencyP50Ms: Number.NaN,
          latencyP99Ms: Number.NaN,
          latencyCpuMsPerRequest: Number.NaN,
          cpuMsPerRequest: cpuMs / sent,
          cpuBusyPercent: (cpuMs / wallMs) * 100,
          rssMiB: (after[i]?.rssBytes ?? 0) / 1_048_576,
          upstreamCallsPerRequest: Number.NaN,
          loadCpuMsPerRequest: ownMs / sent,
          loadBusyPercent: (ownMs / wallMs) * 100,
          requests: result.requests,
          non2xx: result.non2xx,
          degraded: result.degraded,
          errors: result.errors,
        };
        (i === 0 ? plain : shadow).push(measurement);
      });
      log(
        `  round ${String(round + 1)}: no shadow ${Math.round(loads[0]?.rps ?? 0)} req/s, shadow ${Math.round(loads[1]?.rps ?? 0)} req/s (${(((loads[1]?.rps ?? 0) / (loads[0]?.rps ?? 1)) * 100).toFixed(1)} %)`,
      );
    } finally {
      await Promise.all(pair.map((target) => target.stop()));
    }
  }
  const ratios = plain.map((p, i) => (shadow[i]?.rps ?? Number.NaN) / p.rps);
  const cpuRatios = plain.map(
    (p, i) => (shadow[i]?.cpuMsPerRequest ?? Number.NaN) / p.cpuMsPerRequest,
  );
  return {
    cpu: { ...options.ab, v1: a, v2: b, both: c, shadow: d },
    throughput: {
      connections,
      seconds,
      rounds,
      plain,
      shadow,
      rpsRatio: median(ratios),
      cpuRatio: median(cpuRatios),
      comparisons,
    },
  };
}
/** The median of a configuration's CPU per page over its rounds. */
export const cpuMedian = (result: AbResult): number => median(result.windowsMs);
