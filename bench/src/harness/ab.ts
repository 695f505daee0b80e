import type { Sandbox } from '@storefront/sandbox';
import { median } from '../report/results.js';
import { runLoad } from './load.js';
import { settle } from './measure.js';
import { sampleProcess } from './proc-stats.js';
import type { Target } from './processes.js';

export interface AbOptions {
  sandbox: Sandbox;
  /** The same server in several configurations; the first is the one the others are compared with. */
  targets: readonly Target[];
  nextPath: () => string;
  headers?: Record<string, string> | undefined;
  /** Rounds (each target loaded once per round). */
  rounds: number;
  /** Requests per window, and per target before the first round (warm-up). */
  requests: number;
  connections: number;
}

export interface AbResult {
  /** CPU ms per request of each window of this target, round by round. */
  windowsMs: number[];
  /** Median over the rounds of (this target − the first target), in CPU ms per request. */
  addedMs: number;
  /** Half the distance between the 25th and 75th percentile of those differences: how far to trust it. */
  spreadMs: number;
}

/**
 * The CPU each configuration adds per request over the first, as precisely as a shared machine
 * allows: every target gets the same fixed number of requests per window (the same work, not the
 * same time), at a moderate concurrency (less contention with the load generator and the sandbox),
 * in rounds whose order rotates (a drift in the machine's speed falls on every side alike), after a
 * warm-up of three windows each; the result is the median of the rounds' differences. CPU comes
 * from /proc, from before a window's first request until the upstreams are quiet after its last.
 */
export async function measureAb(options: AbOptions): Promise<AbResult[]> {
  const load = (target: Target) =>
    runLoad({
      url: target.url,
      connections: options.connections,
      durationSeconds: 600,
      amount: options.requests,
      nextPath: options.nextPath,
      ...(options.headers ? { headers: options.headers } : {}),
    });
  const window = async (target: Target): Promise<number> => {
    await settle(options.sandbox);
    const before = sampleProcess(target.pid).cpuMs;
    await load(target);
    await settle(options.sandbox);
    return (sampleProcess(target.pid).cpuMs - before) / options.requests;
  };
  for (let i = 0; i < 3; i += 1) for (const target of options.targets) await load(target);

  const windows = options.targets.map((): number[] => []);
  const count = options.targets.length;
  for (let round = 0; round < options.rounds; round += 1)
    for (let k = 0; k < count; k += 1) {
      const index = (round + k) % count;
      const target = options.targets[index];
      if (target) windows[index]?.push(await window(target));
    }
  const first = windows[0] ?? [];
  return windows.map((own) => {
    const diffs = own.map((ms, round) => ms - (first[round] ?? Number.NaN)).sort((a, b) => a - b);
    const at = (q: number): number => diffs[Math.floor(q * (diffs.length - 1))] ?? Number.NaN;
    return { windowsMs: own, addedMs: median(diffs), spreadMs: (at(0.75) - at(0.25)) / 2 };
  });
}
