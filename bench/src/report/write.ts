import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { markdownReport } from './markdown.js';
import type { BenchResults, Measurement } from './results.js';
import { barChartSvg } from './svg.js';

/** The chart of a run: throughput, and p50 latency at one connection and under load, BFF beside baseline. */
export function resultsSvg(report: BenchResults): string {
  const pair = (pick: (m: Measurement) => number) =>
    report.scenarios.map((s) => {
      const bff = pick(s.bff.summary);
      const baseline = s.baseline ? pick(s.baseline.summary) : null;
      return {
        label: s.label,
        values: [bff, baseline],
        note: baseline ? `BFF ÷ baseline ${(bff / baseline).toFixed(2)}×` : 'no baseline',
      };
    });
  return barChartSvg({
    series: [
      { name: 'BFF', color: '#2563eb' },
      { name: 'baseline (hand-written)', color: '#9ca3af' },
    ],
    panels: [
      {
        title: `Throughput at ${report.settings.connections} connections (req/s, higher is better)`,
        unit: 'req/s',
        groups: pair((m) => m.rps),
      },
      {
        title: 'Latency p50 at 1 connection (ms, lower is better)',
        unit: 'ms',
        groups: pair((m) => m.latencyP50Ms),
      },
      {
        title: `Latency p50 at ${report.settings.connections} connections (ms, lower is better)`,
        unit: 'ms',
        groups: pair((m) => m.p50Ms),
      },
    ],
  });
}

/** Writes latest.json, latest.md and latest.svg into `dir`. */
export async function writeResults(report: BenchResults, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`),
    writeFile(join(dir, 'latest.md'), markdownReport(report)),
    writeFile(join(dir, 'latest.svg'), resultsSvg(report)),
  ]);
}
