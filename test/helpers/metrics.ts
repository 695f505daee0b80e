import type { Bff } from './bff.js';
import { rawRequest } from './wire.js';

/** One sample of the BFF's Prometheus text (its /metrics): its value, 0 when the series does not exist yet. */
export async function sample(
  bff: Bff,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = (await rawRequest(bff, '/metrics')).text;
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((label) => line.includes(label)))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
