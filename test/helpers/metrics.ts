import type { Bff } from './bff.js';
import { rawRequest } from './wire.js';

/** The values of every series of `name` in the BFF's Prometheus text (its /metrics) that has `labels`. */
async function valuesOf(bff: Bff, name: string, labels: Record<string, string>): Promise<number[]> {
  const text = (await rawRequest(bff, '/metrics')).text;
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return text
    .split('\n')
    .filter(
      (line) =>
        (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) &&
        wanted.every((label) => line.includes(label)),
    )
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
}

/** One sample of the BFF's Prometheus text (its /metrics): its value, 0 when the series does not exist yet. */
export async function sample(
  bff: Bff,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  return (await valuesOf(bff, name, labels))[0] ?? 0;
}

/** The sum of every series of `name` with `labels` (whatever their other labels), 0 when there is none. */
export async function total(
  bff: Bff,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  return (await valuesOf(bff, name, labels)).reduce((sum, value) => sum + value, 0);
}
