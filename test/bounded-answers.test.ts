import { describe, expect, it } from 'vitest';
import { errorOf, type Bff } from './helpers/bff.js';
import { useExtraBffs } from './helpers/wire.js';

// Hostile and broken upstream answers: cut off, refused, never expanded. What an upstream managed
// to send is counted at the sandbox.

const MiB = 1024 * 1024;
const pageOf = (bff: Bff, sku = '000123') => bff.client.product.page.query({ sku });

/** Collects garbage when the process runs with --expose-gc (vitest's workers do not: RSS then bounds it loosely). */
const collect = (): void => (globalThis as { gc?: () => void }).gc?.();

describe('upstream answers are bounded', () => {
  const bffs = useExtraBffs();

  it('cuts off an optional upstream streaming 256 MiB after at most UPSTREAM_MAX_BYTES and the buffers: the part degrades, RSS hardly grows', async () => {
    const bff = await bffs.start({ env: { PART_TIMEOUT_MS: '10000' } });
    let sent = -1;
    await pageOf(bff);
    collect();
    const before = process.memoryUsage().rss;
    bff.sandbox.faults.inject('reviews', {
      kind: 'flood',
      bytes: 256 * MiB,
      onSent: (bytes) => (sent = bytes),
    });
    const page = await pageOf(bff);
    expect(page.degraded).toEqual(['reviews']);
    await expect.poll(() => sent).toBeGreaterThanOrEqual(0);
    expect(sent).toBeGreaterThan(8 * MiB);
    expect(sent).toBeLessThan(8 * MiB + 24 * MiB);
    collect();
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * MiB);
  });

  it('answers BAD_GATEWAY when the required ERP floods, and reads no more than the bound', async () => {
    const bff = await bffs.start({
      env: { UPSTREAM_MAX_BYTES: String(MiB), ERP_TIMEOUT_MS: '10000' },
    });
    let sent = -1;
    bff.sandbox.faults.inject(
      'erp',
      { kind: 'flood', bytes: 256 * MiB, onSent: (bytes) => (sent = bytes) },
      { operation: 'GetProduct' },
    );
    expect((await errorOf(pageOf(bff))).data).toMatchObject({
      code: 'BAD_GATEWAY',
      appCode: 'UPSTREAM_UNAVAILABLE',
    });
    await expect.poll(() => sent).toBeGreaterThanOrEqual(0);
    expect(sent).toBeLessThan(MiB + 24 * MiB);
  });

  it('looks up only what the page shows when the recommendations service answers 10,000 SKUs', async () => {
    const bff = await bffs.start();
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      sku: String(100_000 + i),
      score: 0.5,
    }));
    bff.sandbox.faults.inject('recommendations', {
      kind: 'answer',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ items }),
    });
    const page = await pageOf(bff);
    expect(page.recommendations.length).toBeLessThanOrEqual(8);
    const calls = bff.sandbox.calls.snapshot();
    // One GetProducts (at most 100 SKUs a call) and one prices call for the recommendations: 12 SKUs asked at most.
    expect(calls['erp GetProducts']).toBe(1);
    expect(calls['pricing getPrices']).toBe(2);
  });

  it('refuses an answer that drips past its budget: the optional part degrades, a required one is GATEWAY_TIMEOUT', async () => {
    const bff = await bffs.start({ env: { PART_TIMEOUT_MS: '300', ERP_TIMEOUT_MS: '300' } });
    bff.sandbox.faults.inject('reviews', { kind: 'drip', intervalMs: 20 });
    expect((await pageOf(bff)).degraded).toEqual(['reviews']);
    bff.sandbox.faults.clear();
    bff.sandbox.faults.inject('erp', { kind: 'drip', intervalMs: 20 }, { operation: 'GetProduct' });
    expect((await errorOf(pageOf(bff))).data).toMatchObject({
      code: 'GATEWAY_TIMEOUT',
      appCode: 'UPSTREAM_UNAVAILABLE',
    });
  });

  it('never follows a redirect: the price part degrades and the target is never asked', async () => {
    const bff = await bffs.start();
    bff.sandbox.faults.inject('pricing', {
      kind: 'redirect',
      location: `${bff.sandbox.urls.erp}/soap/catalog`,
    });
    const page = await pageOf(bff);
    expect(page.degraded).toEqual(['price']);
    expect(bff.sandbox.calls.snapshot()['erp GetProduct']).toBe(1);
    expect(
      Object.keys(bff.sandbox.calls.snapshot())
        .filter((call) => call.startsWith('erp'))
        .sort(),
    ).toEqual(['erp GetProduct', 'erp GetProducts', 'erp GetStock']);
  });

  it('expands no entity beyond the predefined ones: a billion-laughs answer stays its literal text', async () => {
    const bff = await bffs.start();
    let entities = '<!ENTITY lol0 "lol">';
    for (let i = 1; i <= 9; i += 1)
      entities += `<!ENTITY lol${String(i)} "${`&lol${String(i - 1)};`.repeat(10)}">`;
    const body =
      `<?xml version="1.0"?><!DOCTYPE soap:Envelope [${entities}]>` +
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:example:erp:catalog:v1"><soap:Body><c:GetProductResponse>' +
      '<c:Product sku="000123" status="ACTIVE"><c:Name>&lol9; &amp; Co</c:Name><c:Brand>B</c:Brand><c:Category code="0100">Shoes</c:Category>' +
      '<c:UpdatedAt>2026-10-01T12:00:00Z</c:UpdatedAt></c:Product></c:GetProductResponse></soap:Body></soap:Envelope>';
    bff.sandbox.faults.inject(
      'erp',
      { kind: 'answer', status: 200, contentType: 'text/xml; charset=utf-8', body },
      { operation: 'GetProduct' },
    );
    const page = await pageOf(bff);
    expect(page.product.name).toBe('&lol9; & Co');
  });
});
