import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Stop after this many requests instead (the duration is then ignored). */
  amount?: number;
  /** The path of the next request (the load cycles through inputs). */
  nextPath: () => string;
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** Responses received (any status). */
  requests: number;
  /** Requests sent, those still in flight when the load stopped included. */
  sent: number;
  seconds: number;
  /** Responses per second. */
  rps: number;
  /** Latency percentiles of the responses, in ms (measured per response, not bucketed). */
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** 2xx answers whose `degraded` list is not empty (a part failed or ran out of time under load). */
  degraded: number;
  /** Connection errors and timeouts. */
  errors: number;
}

/** The value at quantile q (0..1) of sorted numbers, nearest rank. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** One autocannon run: `connections` connections for `durationSeconds`, each request's path from `nextPath`. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  let degraded = 0;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        ...(options.amount === undefined ? {} : { amount: options.amount }),
        timeout: 10,
        ...(options.headers ? { headers: options.headers } : {}),
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => ({ ...request, path: options.nextPath() }),
            onResponse: (status, body) => {
              if (status >= 200 && status <= 299 && !body.includes('"degraded":[]')) degraded += 1;
            },
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const seconds = (performance.now() - started) / 1000;
        latencies.sort((a, b) => a - b);
        resolve({
          requests: latencies.length,
          sent: result.requests.sent,
          seconds,
          rps: latencies.length / seconds,
          p50Ms: percentile(latencies, 0.5),
          p99Ms: percentile(latencies, 0.99),
          non2xx,
          degraded,
          errors: result.errors,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      latencies.push(responseTimeMs);
      if (statusCode < 200 || statusCode > 299) non2xx += 1;
    });
  });
}
