import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { logLines, useBff } from './helpers/bff.js';
import { sample } from './helpers/metrics.js';
import { CACHE_ON } from './helpers/cache.js';
import { signedIn } from './helpers/shopper.js';
import { startProcess } from './helpers/processes.js';
import { batchPath, rawRequest, useExtraBffs } from './helpers/wire.js';

// What operators see: /metrics, Server-Timing, request ids and trace context sent upstream, and
// one log line per request.

const page = (sku: string) =>
  `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku } }))}`;

/** Every metric the PromQL queries name is in the Prometheus text, with every label they use. */
function expectSeriesOf(text: string, queries: readonly string[]): void {
  for (const query of queries)
    for (const [, name = '', labels] of query.matchAll(/\b(bff_[a-z_]+)(?:\{([^}]*)\})?/g)) {
      expect(text, `${name} in ${query}`).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
      for (const [, label = ''] of (labels ?? '').matchAll(/([a-z_]+)\s*[=!]~?/g))
        expect(text, `${name} label ${label}`).toMatch(
          new RegExp(`^${name}\\{[^}]*\\b${label}="`, 'm'),
        );
    }
}

describe('/metrics', () => {
  const bffs = useExtraBffs();

  it("answers Prometheus text with docs/api.md's metric names and no SKU, user or URL in any label", async () => {
    const bff = await bffs.start({ env: CACHE_ON });
    await rawRequest(bff, page('000123'));
    await signedIn(bff, 'ann').account.dashboard.query();
    const answer = await rawRequest(bff, '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    for (const name of [
      'bff_calls_total',
      'bff_call_duration_seconds_bucket',
      'bff_upstream_calls_total',
      'bff_upstream_duration_seconds_bucket',
      'bff_upstream_retries_total',
      'bff_breaker_state',
      'bff_cache_lookups_total',
      'bff_cache_bytes',
      'bff_cache_evictions_total',
      'bff_rate_limited_total',
      'bff_in_flight',
    ])
      expect(answer.text, name).toContain(`# TYPE ${name.replace(/_bucket$/, '')}`);
    expect(answer.text).toContain('le="0.001"');
    expect(answer.text).toContain('le="10"');
    const labels = [...answer.text.matchAll(/\{([^}]*)\}/g)]
      .map(([, inside]) => inside ?? '')
      .join(' ');
    for (const forbidden of ['000123', 'u-1001', 'http', '127.0.0.1'])
      expect(labels).not.toContain(forbidden);
  });

  it('has every metric and label that docs/operations.md and the Grafana dashboard query', async () => {
    const bff = await bffs.start({ env: CACHE_ON });
    await rawRequest(bff, page('000123'));
    const text = (await rawRequest(bff, '/metrics')).text;
    const docs = fileURLToPath(new URL('../docs/', import.meta.url));
    const queried = [
      ...(await readFile(join(docs, 'operations.md'), 'utf8')).matchAll(
        /```promql\n([\s\S]*?)```/g,
      ),
    ].map(([, block]) => block ?? '');
    const dashboard = JSON.parse(await readFile(join(docs, 'grafana-dashboard.json'), 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
    };
    for (const panel of dashboard.panels)
      for (const target of panel.targets) queried.push(target.expr);
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(6);
    expectSeriesOf(text, queried);
  });

  it('has every metric and label that docs/migrating-a-backend.md queries, on a BFF with both ERP versions', async () => {
    const bff = await bffs.start({
      erp: 'both',
      env: { ERP_V2_PERCENT: '100', ERP_SHADOW_PERCENT: '100' },
    });
    // A fallback (v2 fails once) and shadow comparisons.
    bff.sandbox.faults.inject(
      'erp-v2',
      { kind: 'status', status: 502 },
      { operation: 'getProduct', times: 1 },
    );
    await rawRequest(bff, page('000123'));
    await bff.client.product.page.query({ sku: '000124' });
    await expect
      .poll(async () => sample(bff, 'bff_shadow_comparisons_total', { operation: 'GetProducts' }))
      .toBeGreaterThan(0);
    const text = (await rawRequest(bff, '/metrics')).text;
    const guide = await readFile(
      fileURLToPath(new URL('../docs/migrating-a-backend.md', import.meta.url)),
      'utf8',
    );
    const queries = [...guide.matchAll(/```promql\n([\s\S]*?)```/g)].map(
      ([, block]) => block ?? '',
    );
    expect(queries.length).toBeGreaterThanOrEqual(4);
    expectSeriesOf(text, queries);
  });

  it('moves as calls flow: a miss, a hit, an error, a breaker opening, a rate-limited call', async () => {
    const bff = await bffs.start({
      env: {
        ...CACHE_ON,
        BREAKER_FAILURES: '2',
        BREAKER_COOLDOWN_MS: '600000',
        RATE_LIMIT_POINTS: '40',
      },
    });
    await rawRequest(bff, page('000124'));
    expect(await sample(bff, 'bff_calls_total', { procedure: 'product.page', code: 'OK' })).toBe(1);
    expect(
      await sample(bff, 'bff_cache_lookups_total', { tier: 'memory', outcome: 'miss' }),
    ).toBeGreaterThan(0);
    expect(
      await sample(bff, 'bff_upstream_calls_total', {
        upstream: 'erp',
        operation: 'GetProduct',
        outcome: 'ok',
      }),
    ).toBe(1);
    const hitsBefore = await sample(bff, 'bff_cache_lookups_total', {
      tier: 'memory',
      outcome: 'hit',
    });
    await bff.client.product.page.query({ sku: '000124' });
    expect(
      await sample(bff, 'bff_cache_lookups_total', { tier: 'memory', outcome: 'hit' }),
    ).toBeGreaterThan(hitsBefore);

    expect(await sample(bff, 'bff_breaker_state', { upstream: 'erp' })).toBe(0);
    bff.sandbox.faults.inject('erp', { kind: 'status', status: 500 });
    await rawRequest(bff, page('000125'));
    expect(
      await sample(bff, 'bff_calls_total', { procedure: 'product.page', code: 'BAD_GATEWAY' }),
    ).toBe(1);
    expect(
      await sample(bff, 'bff_upstream_calls_total', {
        upstream: 'erp',
        operation: 'GetProduct',
        outcome: 'http',
      }),
    ).toBe(1);
    // Every ERP call fails now: the breaker opens after two in a row.
    for (
      let i = 0;
      i < 3 && (await sample(bff, 'bff_breaker_state', { upstream: 'erp' })) !== 2;
      i += 1
    )
      await rawRequest(bff, page(`00020${String(i)}`));
    expect(await sample(bff, 'bff_breaker_state', { upstream: 'erp' })).toBe(2);
    bff.sandbox.faults.clear();
    await rawRequest(bff, page('000126'));
    expect(
      await sample(bff, 'bff_upstream_calls_total', {
        upstream: 'erp',
        operation: 'GetProduct',
        outcome: 'unavailable',
      }),
    ).toBeGreaterThan(0);

    for (let i = 0; i < 40; i += 1) await rawRequest(bff, '/trpc/fx.rates');
    expect(await sample(bff, 'bff_rate_limited_total')).toBeGreaterThan(0);
    expect(
      await sample(bff, 'bff_calls_total', { procedure: 'fx.rates', code: 'TOO_MANY_REQUESTS' }),
    ).toBeGreaterThan(0);
  });
});

describe('Server-Timing and request ids', () => {
  const bff = useBff({ env: CACHE_ON });

  it('names exactly the upstreams a call used, and the cache', async () => {
    const answer = await rawRequest(bff(), page('000127'));
    const timing = answer.headers.get('server-timing') ?? '';
    const names = timing.split(',').map((entry) => entry.trim().split(';')[0]);
    expect(names.sort()).toEqual(['cache', 'erp', 'pricing', 'recommendations', 'reviews']);
    expect(timing).toMatch(/erp;dur=\d+\.\d/);
    expect(timing).toContain('cache;desc="miss"');
    // FX for JPY: one upstream more.
    const jpy = await rawRequest(
      bff(),
      `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku: '000128', currency: 'JPY' } }))}`,
    );
    expect(jpy.headers.get('server-timing')).toContain('fx;dur=');
  });

  it('sums a batch per upstream, says hit for a kept answer, and sends none on a streamed answer', async () => {
    const batch = await rawRequest(
      bff(),
      batchPath([
        { path: 'product.page', input: { sku: '000129' } },
        { path: 'product.page', input: { sku: '000130' } },
      ]),
    );
    const timing = batch.headers.get('server-timing') ?? '';
    expect(timing.match(/erp;dur=/g)).toHaveLength(1);
    const kept = await rawRequest(bff(), page('000127'));
    expect(kept.headers.get('server-timing')).toBe('cache;desc="hit"');
    const streamed = await rawRequest(
      bff(),
      batchPath([{ path: 'product.page', input: { sku: '000131' } }]),
      { headers: { 'trpc-accept': 'application/jsonl' } },
    );
    expect(streamed.headers.get('server-timing')).toBeNull();
  });

  it("keeps a caller's request id of up to 128 of [A-Za-z0-9._:-], makes one up otherwise, and sends it to every upstream call", async () => {
    const id = `trace:${'a'.repeat(122)}`;
    expect(id).toHaveLength(128);
    bff().sandbox.calls.reset();
    const answer = await rawRequest(bff(), page('000132'), { headers: { 'x-request-id': id } });
    expect(answer.headers.get('x-request-id')).toBe(id);
    const recent = bff().sandbox.calls.recent();
    expect(recent.length).toBeGreaterThanOrEqual(4);
    expect(recent.every((call) => call.requestId === id)).toBe(true);
    for (const bad of [`${id}x`, 'has space', 'é']) {
      const made = await rawRequest(bff(), '/healthz', { headers: { 'x-request-id': bad } });
      expect(made.headers.get('x-request-id')).not.toBe(bad);
    }
  });

  it("continues the caller's trace: every upstream call gets a traceparent with the caller's trace id (the SOAP ERP's too)", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    bff().sandbox.calls.reset();
    await rawRequest(bff(), page('000133'), {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const recent = bff().sandbox.calls.recent();
    expect(recent.some((call) => call.service === 'erp')).toBe(true);
    for (const call of recent)
      expect(call.traceparent, `${call.service} ${call.operation}`).toMatch(
        new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`),
      );
  });

  it('starts a trace when the caller sends none: all upstream calls of one request share its trace id', async () => {
    bff().sandbox.calls.reset();
    await rawRequest(bff(), page('000134'));
    const ids = new Set(
      bff()
        .sandbox.calls.recent()
        .map((call) => call.traceparent?.split('-')[1]),
    );
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('logs', () => {
  const bff = useBff();

  it('writes one line per request, 4xx included, with its request id, trace id, status, duration and upstream count', async () => {
    await rawRequest(bff(), page('000123'), { headers: { 'x-request-id': 'log-ok' } });
    await rawRequest(bff(), '/trpc/product.page?input=%7B%7D', {
      headers: { 'x-request-id': 'log-400' },
    });
    await rawRequest(bff(), '/nope', { headers: { 'x-request-id': 'log-404' } });
    const lines = logLines(bff(), 'info', 'request') as unknown as Record<string, unknown>[];
    const byId = (id: string) => lines.filter((line) => line.requestId === id);
    expect(byId('log-ok')).toHaveLength(1);
    expect(byId('log-ok')[0]).toMatchObject({
      status: 200,
      method: 'GET',
      path: '/trpc/product.page',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
    });
    expect(byId('log-ok')[0]?.upstreamCalls).toBeGreaterThanOrEqual(5);
    expect(typeof byId('log-ok')[0]?.durationMs).toBe('number');
    expect(byId('log-400')[0]).toMatchObject({ status: 400, upstreamCalls: 0 });
    expect(byId('log-404')[0]).toMatchObject({ status: 404 });
  });

  it('writes a line per degraded part: which part, which upstream, why; and a failing request once, with its cause', async () => {
    bff().sandbox.faults.inject('reviews', { kind: 'status', status: 503 }, { times: 1 });
    await rawRequest(bff(), page('000123'), { headers: { 'x-request-id': 'log-degraded' } });
    const degraded = (
      logLines(bff(), 'warn', 'part degraded') as unknown as Record<string, unknown>[]
    ).filter((line) => line.requestId === 'log-degraded');
    expect(degraded).toEqual([
      expect.objectContaining({ part: 'reviews', upstream: 'reviews', kind: 'http', status: 503 }),
    ]);
    bff().sandbox.faults.inject(
      'erp',
      { kind: 'status', status: 500 },
      { operation: 'GetProduct', times: 1 },
    );
    await rawRequest(bff(), page('000123'), { headers: { 'x-request-id': 'log-failed' } });
    const failed = (
      logLines(bff(), 'warn', 'request failed') as unknown as Record<string, unknown>[]
    ).filter((line) => line.requestId === 'log-failed');
    expect(failed).toEqual([
      expect.objectContaining({ code: 'BAD_GATEWAY', upstream: 'erp', kind: 'http', status: 500 }),
    ]);
  });
});

describe('logs of a BFF process', () => {
  it('reach stderr within a fraction of a second when traffic is low, though lines are buffered', async () => {
    const start = fileURLToPath(new URL('../dev/dist/start.js', import.meta.url));
    const running = await startProcess(process.execPath, [start], { PORT: '0' });
    try {
      const answer = await fetch(`${running.url}/trpc/fx.rates`, {
        headers: { 'x-request-id': 'low-traffic-1' },
      });
      expect(answer.status).toBe(200);
      const sent = performance.now();
      await expect
        .poll(() => running.output(), { timeout: 2_000, interval: 20 })
        .toMatch(/"requestId":"low-traffic-1"[^\n]*"msg":"request"/);
      expect(performance.now() - sent).toBeLessThan(1_000);
    } finally {
      running.child.kill('SIGKILL');
    }
  });
});

describe('.env', () => {
  it('reads a .env file where the BFF starts, the environment winning over it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'storefront-env-'));
    try {
      await writeFile(join(dir, '.env'), 'RATE_LIMIT_POINTS=3\nMAX_BATCH_SIZE=1\n');
      const start = fileURLToPath(new URL('../dev/dist/start.js', import.meta.url));
      const running = await startProcess(
        process.execPath,
        [start],
        { PORT: '0', MAX_BATCH_SIZE: '2' },
        dir,
      );
      try {
        const { url } = running;
        // MAX_BATCH_SIZE from the environment (2): a batch of two runs.
        const two = await fetch(`${url}${batchPath([{ path: 'fx.rates' }, { path: 'fx.rates' }])}`);
        expect(two.status).toBe(200);
        // RATE_LIMIT_POINTS from the file (3): the two calls above and this one, then no more.
        expect((await fetch(`${url}/trpc/fx.rates`)).status).toBe(200);
        expect((await fetch(`${url}/trpc/fx.rates`)).status).toBe(429);
      } finally {
        running.child.kill('SIGTERM');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
