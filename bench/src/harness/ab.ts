import type { Sandbox } from '@storefront/sandbox';
import { median } from '../report/results.js';
import { runLoad } from './load.js';
import { settle } from './measure.js';
import { sampleProcess } from './proc-stats.js';
import type { Target } from './processes.js';

export interface AbOptions {
  sandbox: Sandbox;
  /**
   * The same server in several configurations, each run as several processes (a process has a
   * speed of its own, a few per cent either way, that would otherwise pass for the configuration's
   * cost); the first configuration is the one the others are compared with.
   */
  configurations: readonly (readonly Target[])[];
  nextPath: () => string;
  headers?: Record<string, string> | undefined;
  /** Rounds (all targets loaded at once in each). */
  rounds: number;
  /** Requests per process and round. */
  requests: number;
  /** Connections per process. */
  connections: number;
}

export interface AbResult {
  /** CPU ms per request of this configuration (the mean of its processes), round by round. */
  windowsMs: number[];
  /** Median over the rounds of (this target − the first target), in CPU ms per request. */
  addedMs: number;
  /** Half the distance between the 25th and 75th percentile of those differences: how far to trust it. */
  spreadMs: number;
}

/**
 * The CPU each configuration adds per request over the first, as precisely as a shared machine
 * allows. The machine's speed drifts by a fifth and more within seconds (other tenants, caches,
 * frequency), so the targets are loaded at the same time, each by its own connections with the same
 * number of requests: a drift falls on all of them alike. CPU comes from /proc, from before the
 * round's first request until the upstreams are quiet after its last; the result is the median
 * over the rounds of each target's difference to the first, after five rounds of warm-up.
 */
export async function measureAb(options: AbOptions): Promise<AbResult[]> {
  const targets = options.configurations.flat();
  const round = async (): Promise<number[]> => {
    await settle(options.sandbox);
    const before = targets.map((target) => sampleProcess(target.pid).cpuMs);
    await Promise.all(
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
    await settle(options.sandbox);
    const perTarget = new Map(
      targets.map((target, i) => [
        target,
        (sampleProcess(target.pid).cpuMs - (before[i] ?? 0)) / options.requests,
      ]),
    );
    return options.configurations.map((processes) => {
      const values = processes.map((target) => perTarget.get(target) ?? Number.NaN);
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    });
  };
  for (let i = 0; i < 5; i += 1) await round();

  const windows = options.configurations.map((): number[] => []);
  for (let r = 0; r < options.rounds; r += 1)
    (await round()).forEach((ms, i) => windows[i]?.push(ms));
  const first = windows[0] ?? [];
  return windows.map((own) => {
    const diffs = own.map((ms, r) => ms - (first[r] ?? Number.NaN)).sort((a, b) => a - b);
    const at = (q: number): number => diffs[Math.floor(q * (diffs.length - 1))] ?? Number.NaN;
    return { windowsMs: own, addedMs: median(diffs), spreadMs: (at(0.75) - at(0.25)) / 2 };
  });
}
