import type { Sandbox } from '@storefront/sandbox';
import { median } from '../report/results.js';
import { runLoad } from './load.js';
import { settle } from './measure.js';
import { sampleProcess } from './proc-stats.js';
import type { Target } from './processes.js';

export interface AbOptions {
  sandbox: Sandbox;
  /**
   * Starts the same server in several configurations, one fresh process each, the first being the
   * one the others are compared with; called once per round (the caller stops nothing: each round
   * stops its processes).
   */
  start: () => Promise<Target[]>;
  nextPath: () => string;
  headers?: Record<string, string> | undefined;
  /** Rounds, each on fresh processes. */
  rounds: number;
  /** Loads per round before the measured ones (the JIT settles). */
  warmups: number;
  /** Measured loads per round. */
  measured: number;
  /** Requests per process and load. */
  requests: number;
  /** Connections per process. */
  connections: number;
  /** Called with a round's processes after its measured loads, before they stop. */
  afterRound?: (targets: readonly Target[]) => void;
}

export interface AbResult {
  /** CPU ms per request of this configuration, round by round (a fresh process each). */
  windowsMs: number[];
  /** Median over the rounds of (this target − the first target), in CPU ms per request. */
  addedMs: number;
  /** Half the distance between the 25th and 75th percentile of those differences: how far to trust it. */
  spreadMs: number;
}

/**
 * The CPU each configuration adds per request over the first, as precisely as a shared machine
 * allows. Two things move CPU per request more than what is measured: the machine's speed drifts
 * by a fifth and more within seconds (other tenants, caches, frequency), so the processes are
 * loaded at the same time, each by its own connections with the same number of requests, and a
 * drift falls on all alike; and each process has a speed of its own (address-space layout, what
 * the JIT decided), a few per cent either way, so every round starts fresh processes and the result
 * is the median over the rounds of each configuration's difference to the first. CPU comes from
 * /proc, from before the first measured request until the upstreams are quiet after the last.
 */
export async function measureAb(options: AbOptions): Promise<AbResult[]> {
  const loadAll = (targets: readonly Target[]) =>
    Promise.all(
      targets.map((target) =>
        runLoad({
          url: target.url,
          connections: options.connections,
          durationSeconds: 600,
          amount: options.requests,
          nextPath: options.nextPath,
          ...(options.headers ? { headers: options.headers } : {}),
        }),
      ),
    );
  const windows: number[][] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const targets = await options.start();
    try {
      for (let i = 0; i < options.warmups; i += 1) await loadAll(targets);
      await settle(options.sandbox);
      const before = targets.map((target) => sampleProcess(target.pid).cpuMs);
      for (let i = 0; i < options.measured; i += 1) await loadAll(targets);
      await settle(options.sandbox);
      options.afterRound?.(targets);
      targets.forEach((target, i) => {
        const ms =
          (sampleProcess(target.pid).cpuMs - (before[i] ?? 0)) /
          (options.requests * options.measured);
        (windows[i] ??= []).push(ms);
      });
    } finally {
      await Promise.all(targets.map((target) => target.stop()));
    }
  }
  const first = windows[0] ?? [];
  return windows.map((own) => {
    const diffs = own.map((ms, r) => ms - (first[r] ?? Number.NaN)).sort((a, b) => a - b);
    const at = (q: number): number => diffs[Math.floor(q * (diffs.length - 1))] ?? Number.NaN;
    return { windowsMs: own, addedMs: median(diffs), spreadMs: (at(0.75) - at(0.25)) / 2 };
  });
}
