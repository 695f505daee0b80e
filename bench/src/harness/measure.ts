import { setTimeout as sleep } from 'node:timers/promises';
import type { Sandbox } from '@storefront/sandbox';
import type { Measurement } from '../report/results.js';
import { runLoad } from './load.js';
import { sampleProcess } from './proc-stats.js';
import type { Target } from './processes.js';

export interface MeasureOptions {
  sandbox: Sandbox;
  target: Target;
  nextPath: () => string;
  headers?: Record<string, string> | undefined;
  connections: number;
  seconds: number;
  latencySeconds: number;
  warmupSeconds: number;
}

export interface Measured {
  measurement: Measurement;
  /** Upstream calls during the load, by `service operation`. */
  calls: Record<string, number>;
  /** Requests sent during the load. */
  sent: number;
}

/** Waits until the upstreams stop receiving calls: requests in flight when a load ends still finish (or are cancelled) on the target. */
export async function settle(sandbox: Sandbox): Promise<void> {
  const total = (): number =>
    Object.values(sandbox.calls.snapshot()).reduce((sum, count) => sum + count, 0);
  let last = total();
  let quiet = 0;
  for (let i = 0; i < 60 && quiet < 2; i += 1) {
    await sleep(50);
    const now = total();
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}

/**
 * One measured load of one target: a discarded warm-up; `connections` connections for `seconds`
 * with the target's CPU time and RSS (from /proc), the bench process's own CPU and the upstream
 * calls counted around it; then latency at one connection.
 */
export async function measure(options: MeasureOptions): Promise<Measured> {
  const { sandbox, target } = options;
  const load = (connections: number, durationSeconds: number) =>
    runLoad({
      url: target.url,
      connections,
      durationSeconds,
      nextPath: options.nextPath,
      ...(options.headers ? { headers: options.headers } : {}),
    });

  if (options.warmupSeconds > 0) await load(options.connections, options.warmupSeconds);
  await settle(sandbox);
  const before = sampleProcess(target.pid);
  const callsBefore = sandbox.calls.snapshot();
  const ownBefore = process.cpuUsage();
  const throughput = await load(options.connections, options.seconds);
  await settle(sandbox);
  const own = process.cpuUsage(ownBefore);
  const callsAfter = sandbox.calls.snapshot();
  const after = sampleProcess(target.pid);
  if (options.warmupSeconds > 0) await load(1, Math.min(1, options.warmupSeconds));
  await settle(sandbox);
  const latencyBefore = sampleProcess(target.pid);
  const latency = await load(1, options.latencySeconds);
  await settle(sandbox);
  const latencyAfter = sampleProcess(target.pid);

  const calls: Record<string, number> = {};
  for (const [name, count] of Object.entries(callsAfter)) {
    const delta = count - (callsBefore[name] ?? 0);
    if (delta !== 0) calls[name] = delta;
  }
  const upstream = Object.values(calls).reduce((total, count) => total + count, 0);
  // Per request sent: requests still in flight when the load stopped did their work too.
  const sent = Math.max(1, throughput.sent, throughput.requests);
  const wallMs = throughput.seconds * 1000;
  const targetMs = after.cpuMs - before.cpuMs;
  const ownMs = (own.user + own.system) / 1000;
  return {
    calls,
    sent,
    measurement: {
      rps: throughput.rps,
      p50Ms: throughput.p50Ms,
      p99Ms: throughput.p99Ms,
      latencyP50Ms: latency.p50Ms,
      latencyP99Ms: latency.p99Ms,
      latencyCpuMsPerRequest:
        (latencyAfter.cpuMs - latencyBefore.cpuMs) / Math.max(1, latency.sent, latency.requests),
      cpuMsPerRequest: targetMs / sent,
      cpuBusyPercent: (targetMs / wallMs) * 100,
      rssMiB: after.rssBytes / 1_048_576,
      upstreamCallsPerRequest: upstream / sent,
      loadCpuMsPerRequest: ownMs / sent,
      loadBusyPercent: (ownMs / wallMs) * 100,
      requests: throughput.requests,
      non2xx: throughput.non2xx + latency.non2xx,
      degraded: throughput.degraded + latency.degraded,
      errors: throughput.errors + latency.errors,
    },
  };
}
