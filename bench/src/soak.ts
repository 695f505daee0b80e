import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import {
  FIRST_GENERATED_SKU,
  startSandbox,
  type Fault,
  type ServiceName,
} from '@storefront/sandbox';
import { heapFlags } from '@storefront/server';
import { sampleProcess } from './harness/proc-stats.js';
import { startTarget } from './harness/processes.js';
import { trpcPath } from './harness/scenarios.js';

/**
 * `npm run bench:soak` (not in CI): the BFF started as in production, with everything on, under
 * 64 connections for 60 s while 5 % of all upstream calls fail, in every way the protection is
 * built for. It counts the answers by status and app code, the breakers that opened, 5xx answers
 * that no mapping explains (there must be none), socket errors (none), and RSS after the warm-up
 * and at the end (the end within 1.25× of it).
 */
const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const warmupSeconds = Number(process.env.SOAK_WARMUP_SECONDS ?? 30);
const connections = Number(process.env.SOAK_CONNECTIONS ?? 64);
const failureRate = Number(process.env.SOAK_FAILURE_RATE ?? 0.05);
/** Small enough to be full after the warm-up: then RSS growth means a leak, not a cache filling up. */
const CACHE_MAX_BYTES = 16 * 1024 * 1024;
const outDir = process.env.BENCH_OUT ?? fileURLToPath(new URL('../results/', import.meta.url));
const serverMain = fileURLToPath(new URL('main.js', import.meta.resolve('@storefront/server')));
const started = performance.now();
const log = (line: string): void => {
  process.stdout.write(
    `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s  ${line}\n`,
  );
};

/** Every way an upstream fails that the BFF is protected against. */
const FAILURES: readonly { name: string; fault: Fault; only?: ServiceName }[] = [
  { name: '500', fault: { kind: 'status', status: 500 } },
  { name: '502', fault: { kind: 'status', status: 502 } },
  { name: '503', fault: { kind: 'status', status: 503 } },
  { name: 'hang', fault: { kind: 'hang' } },
  { name: 'slow (3 s)', fault: { kind: 'latency', ms: 3_000 } },
  { name: 'reset', fault: { kind: 'reset' } },
  { name: 'cut short', fault: { kind: 'malformed' } },
  { name: 'soap:Server', fault: { kind: 'soap-fault' }, only: 'erp' },
  { name: 'flood (64 MiB)', fault: { kind: 'flood', bytes: 64 * 1024 * 1024 } },
  { name: 'drip', fault: { kind: 'drip', intervalMs: 50 } },
  { name: 'redirect', fault: { kind: 'redirect', location: 'http://127.0.0.1:9/elsewhere' } },
];
const injected = new Map<string, number>();

const sandbox = await startSandbox({
  latency: 'realistic',
  products: 20_000,
  chaos: (service) => {
    if (service === 'idp' || Math.random() >= failureRate) return undefined;
    const choices = FAILURES.filter(
      (failure) => failure.only === undefined || failure.only === service,
    );
    const failure = choices[Math.floor(Math.random() * choices.length)];
    if (!failure) return undefined;
    injected.set(failure.name, (injected.get(failure.name) ?? 0) + 1);
    return failure.fault;
  },
});
const breakerLines: string[] = [];
const target = await startTarget(
  'BFF',
  serverMain,
  // A production start with everything on (the cache at 16 MiB); one address is the whole load, so the limit is above it.
  {
    ...sandbox.env(),
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    RATE_LIMIT_POINTS: '1000000000',
    CACHE_MAX_BYTES: String(CACHE_MAX_BYTES),
  },
  // The Node flags `npm start` gives for this cache size.
  heapFlags(CACHE_MAX_BYTES),
  (line) => {
    if (line.includes('circuit breaker opened')) breakerLines.push(line);
  },
);
const authorization = `Bearer ${await sandbox.idp.tokenFor('ann')}`;

let next = 0;
/** 70 % product pages over 10,000 SKUs (most of them misses), 15 % searches, 15 % dashboards. */
function nextRequest(): { path: string; headers?: Record<string, string> } {
  next += 1;
  const pick = next % 20;
  if (pick < 14)
    return {
      path: trpcPath('product.page', {
        sku: String(FIRST_GENERATED_SKU + ((next * 7919) % 10_000)),
      }),
    };
  if (pick < 17)
    return {
      path: trpcPath('product.search', {
        query: ['trail', 'tent', 'pro', 'tea'][next % 4],
        page: 1 + (next % 3),
      }),
    };
  return { path: trpcPath('account.dashboard', {}), headers: { authorization } };
}

interface Counts {
  byStatus: Record<string, number>;
  byAppCode: Record<string, number>;
  unmapped5xx: number;
  socketErrors: number;
  responses: number;
}

function load(durationSeconds: number): Promise<Counts> {
  const counts: Counts = {
    byStatus: {},
    byAppCode: {},
    unmapped5xx: 0,
    socketErrors: 0,
    responses: 0,
  };
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: target.url,
        connections,
        duration: durationSeconds,
        timeout: 10,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => {
              const { path, headers } = nextRequest();
              return { ...request, path, headers: { ...request.headers, ...headers } };
            },
            onResponse: (status, body) => {
              counts.responses += 1;
              counts.byStatus[String(status)] = (counts.byStatus[String(status)] ?? 0) + 1;
              const appCode = /"appCode":"(\w+)"/.exec(body)?.[1];
              if (appCode) counts.byAppCode[appCode] = (counts.byAppCode[appCode] ?? 0) + 1;
              if (status >= 500 && !appCode) counts.unmapped5xx += 1;
            },
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        counts.socketErrors = result.errors + result.timeouts;
        resolve(counts);
      },
    );
  });
}

try {
  log(
    `soak: ${connections} connections, ${warmupSeconds} s warm-up then ${seconds} s, ${String(failureRate * 100)} % of upstream calls failing`,
  );
  await load(warmupSeconds);
  const rssAfterWarmup = sampleProcess(target.pid).rssBytes;
  breakerLines.length = 0;
  injected.clear();
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(sampleProcess(target.pid).rssBytes), 5_000);
  const counts = await load(seconds);
  clearInterval(sampler);
  const rssAtEnd = sampleProcess(target.pid).rssBytes;
  const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
  const growth = rssAtEnd / rssAfterWarmup;
  const verdict =
    counts.unmapped5xx === 0 && counts.socketErrors === 0 && growth <= 1.25 ? 'passed' : 'FAILED';
  const table = (record: Record<string, number>): string =>
    Object.entries(record)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key} ${value.toLocaleString('en-US')}`)
      .join(', ');
  const openingsByUpstream: Record<string, number> = {};
  for (const line of breakerLines) {
    const upstream = /"upstream":"(\w+)"/.exec(line)?.[1] ?? '?';
    openingsByUpstream[upstream] = (openingsByUpstream[upstream] ?? 0) + 1;
  }
  const report = [
    '# Soak: the BFF while its upstreams fail',
    '',
    `${new Date().toISOString()}; Node ${process.version}. ${String(connections)} connections for ${String(seconds)} s after a ${String(warmupSeconds)} s warm-up; 70 % product pages (10,000 SKUs), 15 % searches, 15 % signed-in dashboards; the cache at 16 MiB; sandbox with realistic latency; ${String(failureRate * 100)} % of upstream calls failing.`,
    '',
    `| | |`,
    `|---|---|`,
    `| verdict | ${verdict} |`,
    `| answers | ${counts.responses.toLocaleString('en-US')} (${(counts.responses / seconds).toFixed(0)}/s) |`,
    `| by status | ${table(counts.byStatus)} |`,
    `| by appCode | ${table(counts.byAppCode) || 'none'} |`,
    `| unmapped 5xx (must be 0) | ${String(counts.unmapped5xx)} |`,
    `| socket errors and time-outs (must be 0) | ${String(counts.socketErrors)} |`,
    `| breaker openings | ${String(breakerLines.length)} (${table(openingsByUpstream) || 'none'}) |`,
    `| upstream failures injected | ${table(Object.fromEntries(injected))} |`,
    `| RSS every 5 s (MiB) | ${samples.map(mib).join(', ')} |`,
    `| RSS after warm-up → at the end | ${mib(rssAfterWarmup)} → ${mib(rssAtEnd)} MiB (${growth.toFixed(2)}×, at most 1.25×) |`,
    '',
  ].join('\n');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'soak.md'), report);
  process.stdout.write(`\n${report}\n`);
  log(`results in ${join(outDir, 'soak.md')}`);
  if (verdict !== 'passed') process.exitCode = 1;
} finally {
  await target.stop();
  await sandbox.close();
}
