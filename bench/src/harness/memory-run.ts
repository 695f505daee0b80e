import type { MemoryResult, MemorySample } from '../report/results.js';
import { runLoad } from './load.js';
import { sampleProcess } from './proc-stats.js';
import type { Target } from './processes.js';
import { trpcPath } from './scenarios.js';

export interface MemoryRunOptions {
  /** A BFF started from harness/cache-probe-main.js (it answers GET /bench/cache). */
  target: Target;
  firstSku: number;
  skus: number;
  connections: number;
  /** @default 2 */
  sampleEverySeconds?: number;
  log: (line: string) => void;
}

interface CacheProbe {
  maxBytes: number;
  entries: number;
  bytes: number;
  responseEntries: number;
  responseBytes: number;
}

async function probe(target: Target): Promise<CacheProbe> {
  const response = await fetch(`${target.url}/bench/cache`);
  return (await response.json()) as CacheProbe;
}

const MiB = 1024 * 1024;

/**
 * product.page once for each of `skus` distinct SKUs, in order, on a BFF with its cache on: every
 * request misses and fills the cache, which must stay within CACHE_MAX_BYTES while RSS stays flat.
 * The target's RSS and cache size are sampled as it goes.
 */
export async function runMemory(options: MemoryRunOptions): Promise<MemoryResult> {
  const { target } = options;
  const every = options.sampleEverySeconds ?? 2;
  let sent = 0;
  const nextPath = (): string => {
    const sku = String(options.firstSku + (sent % options.skus));
    sent += 1;
    return trpcPath('product.page', { sku });
  };
  const samples: MemorySample[] = [];
  const started = performance.now();
  const sample = async (): Promise<CacheProbe> => {
    const cache = await probe(target);
    const { rssBytes } = sampleProcess(target.pid);
    samples.push({
      atSeconds: (performance.now() - started) / 1000,
      requests: Math.min(sent, options.skus),
      rssMiB: rssBytes / MiB,
      cacheEntries: cache.entries,
      cacheMiB: cache.bytes / MiB,
      responseCacheMiB: cache.responseBytes / MiB,
    });
    return cache;
  };
  const { maxBytes } = await sample();
  let lastLogged = 0;
  const timer = setInterval(() => {
    void sample().then(
      () => {
        const last = samples.at(-1);
        if (last && last.atSeconds - lastLogged >= 10) {
          lastLogged = last.atSeconds;
          options.log(
            `memory: ${last.requests.toLocaleString('en-US')} / ${options.skus.toLocaleString('en-US')} SKUs; RSS ${last.rssMiB.toFixed(0)} MiB; cache ${last.cacheMiB.toFixed(1)} of ${(maxBytes / MiB).toFixed(0)} MiB (${last.cacheEntries.toLocaleString('en-US')} entries)`,
          );
        }
      },
      () => undefined,
    );
  }, every * 1000);
  try {
    const load = await runLoad({
      url: target.url,
      connections: options.connections,
      durationSeconds: 3_600,
      amount: options.skus,
      nextPath,
    });
    await sample();
    return {
      skus: options.skus,
      connections: options.connections,
      cacheMaxMiB: maxBytes / MiB,
      seconds: (performance.now() - started) / 1000,
      answered: load.requests - load.non2xx,
      non2xx: load.non2xx,
      errors: load.errors,
      degraded: load.degraded,
      samples,
    };
  } finally {
    clearInterval(timer);
  }
}
