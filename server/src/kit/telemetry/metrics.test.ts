import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('bff_log_lines_dropped_total', () => {
  it('follows the count of the stderr writer at each scrape, never going back', async () => {
    let dropped = 0;
    const metrics = createMetrics({ defaults: false, logLinesDropped: () => dropped });
    const scraped = async (): Promise<string | undefined> =>
      /^bff_log_lines_dropped_total (\d+)$/m.exec(await metrics.registry.metrics())?.[1];
    expect(await scraped()).toBe('0');
    dropped = 5;
    expect(await scraped()).toBe('5');
    expect(await scraped()).toBe('5');
    dropped = 12;
    expect(await scraped()).toBe('12');
    // A count that went back (it never should) neither lowers the counter nor counts twice later.
    dropped = 3;
    expect(await scraped()).toBe('12');
    dropped = 14;
    expect(await scraped()).toBe('14');
  });

  it('is 0 when nothing counts dropped lines', async () => {
    const metrics = createMetrics({ defaults: false });
    expect(await metrics.registry.metrics()).toMatch(/^bff_log_lines_dropped_total 0$/m);
  });
});

describe('bff_cache_lookups_total', () => {
  it('shows the look-ups counted by tier and outcome at each scrape, each counted once', async () => {
    const metrics = createMetrics({ defaults: false });
    const scraped = async (tier: string, outcome: string): Promise<string | undefined> =>
      new RegExp(
        `^bff_cache_lookups_total\\{tier="${tier}",outcome="${outcome}"\\} (\\d+)$`,
        'm',
      ).exec(await metrics.registry.metrics())?.[1];
    for (let i = 0; i < 3; i += 1) metrics.countCacheLookup('memory', 'miss');
    metrics.countCacheLookup('memory', 'hit');
    metrics.countCacheLookup('answers', 'hit');
    expect(await scraped('memory', 'miss')).toBe('3');
    expect(await scraped('memory', 'hit')).toBe('1');
    expect(await scraped('answers', 'hit')).toBe('1');
    expect(await scraped('redis', 'hit')).toBeUndefined();
    // A second scrape adds only what was counted since.
    expect(await scraped('memory', 'miss')).toBe('3');
    metrics.countCacheLookup('memory', 'miss');
    expect(await scraped('memory', 'miss')).toBe('4');
  });
});
