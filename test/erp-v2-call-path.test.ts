import { holdFault, productJson } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { errorOf, type Bff } from './helpers/bff.js';
import { CACHE_ON } from './helpers/cache.js';
import { pagePath } from './helpers/erp-versions.js';
import { sample } from './helpers/metrics.js';
import { rawRequest, sendTogether, useExtraBffs } from './helpers/wire.js';

// The ERP's JSON version goes through the same call path as every upstream: time and size
// bounds, breaker, bulkhead, retry budget, metrics, spans, Server-Timing, request ids, merged
// look-ups and the cache. A BFF on v2 alone shows each.

const V2 = { erp: 'v2' as const };

const hostile = (bff: Bff, body: unknown) => {
  bff.sandbox.faults.inject(
    'erp-v2',
    { kind: 'answer', status: 200, contentType: 'application/json', body: JSON.stringify(body) },
    { operation: 'getProduct', times: 1 },
  );
};

describe('the JSON ERP on the common call path', () => {
  const bffs = useExtraBffs();

  it('names it erp-v2 in Server-Timing and metrics, and sends it the request id and trace', async () => {
    const bff = await bffs.start(V2);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const answer = await rawRequest(bff, pagePath('000123'), {
      headers: { 'x-request-id': 'migration-1', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(answer.headers.get('server-timing')).toMatch(/(^|, )erp-v2;dur=[\d.]+/);
    expect(answer.headers.get('server-timing')).not.toMatch(/(^|, )erp;/);
    const calls = bff.sandbox.calls.recent().filter((call) => call.service === 'erp-v2');
    expect(calls.map((call) => call.operation).sort()).toEqual([
      'getProduct',
      'getProducts',
      'getStock',
    ]);
    for (const call of calls) {
      expect(call.requestId).toBe('migration-1');
      expect(call.traceparent?.split('-')[1]).toBe(traceId);
    }
    for (const operation of ['GetProduct', 'GetProducts', 'GetStock'])
      expect(
        await sample(bff, 'bff_upstream_calls_total', {
          upstream: 'erp-v2',
          operation,
          outcome: 'ok',
        }),
      ).toBe(1);
  });

  it('opens its breaker after BREAKER_FAILURES and answers SERVICE_UNAVAILABLE without calling it', async () => {
    const bff = await bffs.start({
      ...V2,
      env: { BREAKER_FAILURES: '2', BREAKER_COOLDOWN_MS: '600000' },
    });
    bff.sandbox.faults.inject('erp-v2', { kind: 'status', status: 500 });
    for (let i = 0; i < 2; i += 1)
      expect((await errorOf(bff.client.product.page.query({ sku: '000123' }))).data.code).toBe(
        'BAD_GATEWAY',
      );
    const reached = bff.sandbox.calls.count('erp-v2');
    expect((await errorOf(bff.client.product.page.query({ sku: '000123' }))).data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      appCode: 'UPSTREAM_UNAVAILABLE',
    });
    expect(bff.sandbox.calls.count('erp-v2')).toBe(reached);
    expect(await sample(bff, 'bff_breaker_state', { upstream: 'erp-v2' })).toBe(2);
  });

  it('retries a 503 once within the retry budget', async () => {
    const bff = await bffs.start({ ...V2, env: { RETRY_BUDGET_RATIO: '1' } });
    bff.sandbox.faults.inject(
      'erp-v2',
      { kind: 'status', status: 503 },
      { operation: 'getProduct', times: 1 },
    );
    expect((await bff.client.product.page.query({ sku: '000123' })).product.sku).toBe('000123');
    expect(bff.sandbox.calls.count('erp-v2', 'getProduct')).toBe(2);
    expect(await sample(bff, 'bff_upstream_retries_total', { upstream: 'erp-v2' })).toBe(1);
  });

  it('has a bulkhead: beyond its calls at once and its queue a required call fails at once', async () => {
    const bff = await bffs.start({
      ...V2,
      env: { UPSTREAM_MAX_CONCURRENCY: '1', UPSTREAM_MAX_QUEUE: '0' },
    });
    const hold = holdFault();
    bff.sandbox.faults.inject('erp-v2', hold.fault, { operation: 'getProduct', times: 1 });
    const first = bff.client.product.page.query({ sku: '000123' });
    await expect.poll(() => bff.sandbox.calls.inFlight('erp-v2')).toBe(1);
    expect((await errorOf(bff.client.product.page.query({ sku: '000124' }))).data.code).toBe(
      'SERVICE_UNAVAILABLE',
    );
    hold.release();
    expect((await first).product.sku).toBe('000123');
  });

  it('merges the stock and catalog look-ups of concurrent pages, and caches what it answered', async () => {
    const bff = await bffs.start({ ...V2, env: CACHE_ON });
    const skus = ['000123', '000202', '000205', '000207', '000210', '1984'];
    const pages = await sendTogether(
      bff,
      skus.map((sku) => ({ path: pagePath(sku) })),
    );
    for (const page of pages) expect(page.status).toBe(200);
    expect(bff.sandbox.calls.count('erp-v2', 'getStock')).toBeLessThan(skus.length);
    expect(bff.sandbox.calls.count('erp-v2', 'getProduct')).toBe(skus.length);
    bff.sandbox.calls.reset();
    await bff.client.product.search.query({ query: 'trail' });
    await bff.client.product.search.query({ query: 'trail' });
    expect(bff.sandbox.calls.count('erp-v2', 'searchProducts')).toBe(1);
    // The cache's entries of v2 (a fresh page input, not a kept answer) answer a second caller.
    await bff.client.product.page.query({ sku: '000123', currency: 'USD' });
    expect(bff.sandbox.calls.count('erp-v2', 'getProduct')).toBe(0);
  });

  it('cuts off an oversized answer and refuses a malformed one as BAD_GATEWAY', async () => {
    const bff = await bffs.start({ ...V2, env: { UPSTREAM_MAX_BYTES: '4096' } });
    bff.sandbox.faults.inject(
      'erp-v2',
      { kind: 'flood', bytes: 1_000_000 },
      { operation: 'getProduct', times: 1 },
    );
    expect((await errorOf(bff.client.product.page.query({ sku: '000123' }))).data.code).toBe(
      'BAD_GATEWAY',
    );
    const product = bff.sandbox.store.catalog.bySku.get('000123');
    if (!product) throw new Error('no 000123');
    for (const broken of [
      { ...productJson(product), title: 1984 },
      { ...productJson(product), modifiedAt: '2026-10-01' },
      { ...productJson(product), lifecycle: 'ACTIVE' },
      { ...productJson(product), weightGrams: 0.35 },
    ]) {
      hostile(bff, broken);
      const { data } = await errorOf(bff.client.product.page.query({ sku: '000123' }));
      expect(data, JSON.stringify(broken).slice(0, 80)).toMatchObject({ code: 'BAD_GATEWAY' });
    }
  });

  it('keeps only http(s) image URLs and ignores unknown fields', async () => {
    const bff = await bffs.start(V2);
    const product = bff.sandbox.store.catalog.bySku.get('000123');
    if (!product) throw new Error('no 000123');
    hostile(bff, {
      ...productJson(product),
      media: [
        { kind: 'main', url: 'javascript:alert(1)' },
        { kind: 'gallery', url: 'https://img.example.test/ok.jpg' },
      ],
      somethingNew: { nested: true },
    });
    const page = await bff.client.product.page.query({ sku: '000123' });
    expect(page.product.images).toEqual([
      { role: 'gallery', url: 'https://img.example.test/ok.jpg' },
    ]);
  });
});
