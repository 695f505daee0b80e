import type { Fault } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { errorOf, getQuery, useBff, type Bff } from './helpers/bff.js';
import { expectNoLeak, rawRequest, useExtraBffs, wireError } from './helpers/wire.js';

const HTTP_STATUS = { BAD_GATEWAY: 502, GATEWAY_TIMEOUT: 504 } as const;

/**
 * A required upstream's failure as docs/api.md's errors table has it, both through the typed client and
 * on the wire: the code, UPSTREAM_UNAVAILABLE, no stack, and nothing of the upstream in the answer.
 */
async function expectUpstreamUnavailable(
  bff: Bff,
  code: keyof typeof HTTP_STATUS,
  typedCall: () => Promise<unknown>,
  wire: { path: string; input?: unknown },
): Promise<void> {
  const { data } = await errorOf(typedCall());
  expect(data).toMatchObject({
    code,
    appCode: 'UPSTREAM_UNAVAILABLE',
    httpStatus: HTTP_STATUS[code],
  });
  expect(data).not.toHaveProperty('stack');

  const raw = await getQuery(bff, wire.path, wire.input);
  expect(raw.status).toBe(HTTP_STATUS[code]);
  expect(wireError(raw.body)?.data).toMatchObject({ code, appCode: 'UPSTREAM_UNAVAILABLE' });
  expect(wireError(raw.body)?.data).not.toHaveProperty('stack');
  expectNoLeak(bff, raw.text);
}

const PAGE = { path: 'product.page', input: { sku: '000123' } };

describe('product.page when the ERP fails to give the product', () => {
  const bff = useBff();

  const badGateway: [string, Fault][] = [
    [
      'returns a soap:Server fault',
      { kind: 'soap-fault', message: 'ORA-01034: ORACLE not available at db01.erp.internal:1521' },
    ],
    ['answers HTTP 502', { kind: 'status', status: 502 }],
    ['answers HTTP 503', { kind: 'status', status: 503 }],
    ['answers a malformed body', { kind: 'malformed' }],
    ['resets the connection', { kind: 'reset' }],
  ];
  it.each(badGateway)('answers BAD_GATEWAY when the ERP %s', async (_, fault) => {
    bff().sandbox.faults.inject('erp', fault, { operation: 'GetProduct' });
    await expectUpstreamUnavailable(
      bff(),
      'BAD_GATEWAY',
      () => bff().client.product.page.query({ sku: '000123' }),
      PAGE,
    );
  });

  it('never passes on the soap:Server fault text', async () => {
    const secret = 'ORA-01034 at db01.erp.internal';
    bff().sandbox.faults.inject(
      'erp',
      { kind: 'soap-fault', message: secret },
      { operation: 'GetProduct' },
    );
    const raw = await getQuery(bff(), PAGE.path, PAGE.input);
    expect(raw.status).toBe(502);
    expect(raw.text).not.toContain('ORA-01034');
    expect(raw.text).not.toContain('db01');
  });

  it('answers BAD_GATEWAY when product.search meets a failing SearchProducts', async () => {
    bff().sandbox.faults.inject('erp', { kind: 'soap-fault' }, { operation: 'SearchProducts' });
    await expectUpstreamUnavailable(
      bff(),
      'BAD_GATEWAY',
      () => bff().client.product.search.query({ query: 'trail' }),
      {
        path: 'product.search',
        input: { query: 'trail' },
      },
    );
  });

  it('answers BAD_GATEWAY when product.search meets an ERP answering 503', async () => {
    bff().sandbox.faults.inject(
      'erp',
      { kind: 'status', status: 503 },
      { operation: 'SearchProducts' },
    );
    await expectUpstreamUnavailable(
      bff(),
      'BAD_GATEWAY',
      () => bff().client.product.search.query({}),
      { path: 'product.search', input: {} },
    );
  });

  it('still answers an ordinary page and /healthz after all these failures', async () => {
    const page = await bff().client.product.page.query({ sku: '000123' });
    expect(page.product.sku).toBe('000123');
    expect(page.degraded).toEqual([]);
    const health = await rawRequest(bff(), '/healthz');
    expect(health.status).toBe(200);
  });
});

describe('a required upstream beyond its budget or out of reach', () => {
  const extra = useExtraBffs();

  it('answers GATEWAY_TIMEOUT when the ERP hangs past ERP_TIMEOUT_MS', async () => {
    const bff = await extra.start({ env: { ERP_TIMEOUT_MS: '400' } });
    bff.sandbox.faults.inject('erp', { kind: 'hang' }, { operation: 'GetProduct' });
    await expectUpstreamUnavailable(
      bff,
      'GATEWAY_TIMEOUT',
      () => bff.client.product.page.query({ sku: '000123' }),
      PAGE,
    );
  });

  it('answers BAD_GATEWAY when the ERP refuses the connection', async () => {
    const bff = await extra.start({ env: { ERP_URL: 'http://127.0.0.1:1' } });
    await expectUpstreamUnavailable(
      bff,
      'BAD_GATEWAY',
      () => bff.client.product.page.query({ sku: '000123' }),
      PAGE,
    );
  });

  it('answers BAD_GATEWAY, never UNAUTHORIZED, when the ERP rejects the BFF key', async () => {
    const wrongKey = 'sbx-erp-not-the-right-key';
    const bff = await extra.start({ env: { ERP_API_KEY: wrongKey } });
    await expectUpstreamUnavailable(
      bff,
      'BAD_GATEWAY',
      () => bff.client.product.page.query({ sku: '000123' }),
      PAGE,
    );
    const raw = await getQuery(bff, PAGE.path, PAGE.input);
    expect(raw.text).not.toContain(wrongKey);
    expect(raw.text).not.toContain('AUTH_FAILED');
    expect(raw.status).not.toBe(401);
  });

  it('degrades only the price when pricing rejects the BFF key', async () => {
    const bff = await extra.start({ env: { PRICING_API_KEY: 'sbx-pricing-not-the-right-key' } });
    const page = await bff.client.product.page.query({ sku: '000123' });
    expect(page.product.sku).toBe('000123');
    expect(page.price).toBeNull();
    expect(page.availability?.quantity).toBe(15);
    expect(page.recommendations.length).toBeGreaterThan(0);
    expect(page.degraded).toEqual(['price']);
  });

  it('answers GATEWAY_TIMEOUT for fx.rates when the FX service hangs past UPSTREAM_TIMEOUT_MS', async () => {
    const bff = await extra.start({ env: { UPSTREAM_TIMEOUT_MS: '400' } });
    bff.sandbox.faults.inject('fx', { kind: 'hang' });
    await expectUpstreamUnavailable(bff, 'GATEWAY_TIMEOUT', () => bff.client.fx.rates.query(), {
      path: 'fx.rates',
    });
  });
});

describe('fx.rates when the FX service fails', () => {
  // A BFF whose FX never answered, so there are no rates cached to fall back on.
  const bff = useBff();

  const faults: [string, Fault][] = [
    ['answers 503', { kind: 'status', status: 503 }],
    ['answers 500', { kind: 'status', status: 500 }],
    ['answers a malformed file', { kind: 'malformed' }],
    ['resets the connection', { kind: 'reset' }],
  ];
  it.each(faults)('answers BAD_GATEWAY when the FX service %s', async (_, fault) => {
    bff().sandbox.faults.inject('fx', fault);
    await expectUpstreamUnavailable(bff(), 'BAD_GATEWAY', () => bff().client.fx.rates.query(), {
      path: 'fx.rates',
    });
    expect(bff().sandbox.calls.count('fx')).toBeGreaterThan(0);
  });

  it('answers the day once FX is back', async () => {
    const rates = await bff().client.fx.rates.query();
    expect(rates).toMatchObject({ base: 'EUR', date: '2026-11-25' });
    expect(rates.rates.USD).toBe(1.0921);
  });
});
