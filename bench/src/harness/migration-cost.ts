import type { Sandbox } from '@storefront/sandbox';
import { median, summarize, type Measurement } from '../report/results.js';
import { measureAb, type AbResult } from './ab.js';
import { measure } from './measure.js';
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
  /** Throughput at `connections` connections: both versions without and with the shadow at 100 %, interleaved. */
  throughput: {
    connections: number;
    seconds: number;
    rounds: number;
    plain: Measurement[];
    shadow: Measurement[];
    /** Shadow ÷ plain, medians over the rounds. */
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
    latencySeconds: number;
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
 * processes, then the throughput of both versions with and without the shadow, loaded in turn.
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

  const { rounds, seconds, connections } = options.throughput;
  log(
    `ERP shadow: both versions with and without the shadow at 100 %, ${String(rounds)} rounds of ${String(seconds)} s at ${String(connections)} connections each, in turn …`,
  );
  const plainTarget = await startBff('BFF (ERP v1 and v2, no shadow)', both);
  const shadowTarget = await startBff('BFF (ERP v1 and v2, shadow 100 %)', shadowEnv);
  const plain: Measurement[] = [];
  const shadow: Measurement[] = [];
  let comparisons: Record<string, number>;
  try {
    const before = await comparisonsOf(shadowTarget);
    for (let round = 0; round < rounds; round += 1)
      for (const [target, into] of [
        [plainTarget, plain],
        [shadowTarget, shadow],
      ] as const) {
        const { measurement } = await measure({
          sandbox,
          target,
          nextPath: options.nextPath,
          ...options.throughput,
        });
        into.push(measurement);
        log(
          `  ${target.name} round ${String(round + 1)}: ${Math.round(measurement.rps)} req/s, ${measurement.cpuMsPerRequest.toFixed(2)} CPU ms/req (${measurement.cpuBusyPercent.toFixed(0)} % busy; bench process ${measurement.loadBusyPercent.toFixed(0)} %), 1 conn p50 ${measurement.latencyP50Ms.toFixed(2)} ms`,
        );
      }
    const after = await comparisonsOf(shadowTarget);
    comparisons = Object.fromEntries(
      Object.entries(after).map(([outcome, count]) => [outcome, count - (before[outcome] ?? 0)]),
    );
  } finally {
    await Promise.all([plainTarget.stop(), shadowTarget.stop()]);
  }
  const plainSummary = summarize(plain);
  const shadowSummary = summarize(shadow);
  return {
    cpu: { ...options.ab, v1: a, v2: b, both: c, shadow: d },
    throughput: {
      connections,
      seconds,
      rounds,
      plain,
      shadow,
      rpsRatio: shadowSummary.rps / plainSummary.rps,
      cpuRatio: shadowSummary.cpuMsPerRequest / plainSummary.cpuMsPerRequest,
      comparisons,
    },
  };
}

/** The median of a configuration's CPU per page over its rounds. */
export const cpuMedian = (result: AbResult): number => median(result.windowsMs);
