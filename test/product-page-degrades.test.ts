import type { Fault } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { useBff } from './helpers/bff.js';
import { useExtraBffs } from './helpers/wire.js';

/** docs/api.md: an optional part's budget is "about a second" (PART_TIMEOUT_MS, default 1000). */
const PAGE_BOUND_MS = 1_800;

const ORDINARY_AVAILABILITY = {
  inStock: true,
  quantity: 15,
  warehouses: [
    { code: 'BER', quantity: 12 },
    { code: 'HAM', quantity: 3 },
  ],
};

describe('product.page when an optional part fails', () => {
  const bff = useBff();

  it('answers the whole page with nothing degraded when every upstream works', async () => {
    const page = await bff().client.product.page.query({ sku: '000123' });
    expect(page.product.sku).toBe('000123');
    expect(page.price?.current).toEqual({ amount: '129.90', currencyCode: 'EUR' });
    expect(page.availability).toEqual(ORDINARY_AVAILABILITY);
    expect(page.rating?.count).toBe(128);
    expect(page.reviews).toHaveLength(3);
    expect(page.recommendations.length).toBeGreaterThan(0);
    expect(page.degraded).toEqual([]);
  });

  const pricingFaults: [string, Fault][] = [
    ['answers 503', { kind: 'status', status: 503 }],
    ['hangs', { kind: 'hang' }],
    ['answers a malformed body', { kind: 'malformed' }],
    ['resets the connection', { kind: 'reset' }],
  ];
  it.each(pricingFaults)(
    'answers price null and degraded [price] when pricing %s',
    async (_, fault) => {
      bff().sandbox.faults.inject('pricing', fault);
      const page = await bff().client.product.page.query({ sku: '000123' });
      expect(page.product.sku).toBe('000123');
      expect(page.price).toBeNull();
      expect(page.availability).toEqual(ORDINARY_AVAILABILITY);
      expect(page.rating?.count).toBe(128);
      // The recommendations' own upstream works: they are still shown (their prices are pricing's).
      expect(page.recommendations.length).toBeGreaterThan(0);
      expect(page.degraded).toEqual(['price']);
    },
  );

  it('answers availability null and degraded [availability] when the ERP faults on GetStock only', async () => {
    bff().sandbox.faults.inject('erp', { kind: 'soap-fault' }, { operation: 'GetStock' });
    const page = await bff().client.product.page.query({ sku: '000123' });
    expect(page.product.name).toBe('Trail Runner 2 & Co');
    expect(page.availability).toBeNull();
    expect(page.price?.current.amount).toBe('129.90');
    expect(page.degraded).toEqual(['availability']);
  });

  it('answers rating null and no reviews within about a second when the reviews service hangs', async () => {
    bff().sandbox.faults.inject('reviews', { kind: 'hang' });
    const started = performance.now();
    const page = await bff().client.product.page.query({ sku: '000123' });
    const elapsedMs = performance.now() - started;
    expect(page.rating).toBeNull();
    expect(page.reviews).toEqual([]);
    expect(page.price?.current.amount).toBe('129.90');
    expect(page.availability).toEqual(ORDINARY_AVAILABILITY);
    expect(page.degraded).toEqual(['reviews']);
    expect(elapsedMs).toBeLessThan(PAGE_BOUND_MS);
  });

  it('answers no recommendations and degraded [recommendations] when the recommendations service answers 503', async () => {
    bff().sandbox.faults.inject('recommendations', { kind: 'status', status: 503 });
    const page = await bff().client.product.page.query({ sku: '000123' });
    expect(page.recommendations).toEqual([]);
    expect(page.price?.current.amount).toBe('129.90');
    expect(page.degraded).toEqual(['recommendations']);
  });

  it('lists every failed part in the order the output type declares, whatever the order they failed in', async () => {
    const { faults } = bff().sandbox;
    faults.inject('recommendations', { kind: 'status', status: 503 });
    faults.inject('reviews', { kind: 'status', status: 500 });
    faults.inject('erp', { kind: 'soap-fault' }, { operation: 'GetStock' });
    faults.inject('pricing', { kind: 'reset' });
    const page = await bff().client.product.page.query({ sku: '000123' });
    expect(page.product.sku).toBe('000123');
    expect(page).toMatchObject({
      price: null,
      availability: null,
      rating: null,
      reviews: [],
      recommendations: [],
    });
    expect(page.degraded).toEqual(['price', 'availability', 'reviews', 'recommendations']);
  });

  it('lists two failed parts in declared order when the later-declared one fails first', async () => {
    const { faults } = bff().sandbox;
    // Recommendations fail at once; stock fails only after a delay.
    faults.inject('recommendations', { kind: 'status', status: 503 });
    faults.inject('erp', { kind: 'latency', ms: 100 }, { operation: 'GetStock' });
    faults.inject('erp', { kind: 'soap-fault' }, { operation: 'GetStock' });
    const page = await bff().client.product.page.query({ sku: '000123' });
    expect(page.degraded).toEqual(['availability', 'recommendations']);
  });

  it('does not degrade a product that simply has no price', async () => {
    const page = await bff().client.product.page.query({ sku: '000211' });
    expect(page.price).toBeNull();
    expect(page.degraded).toEqual([]);
  });

  it('does not degrade a product without stock rows: it is out of stock with no warehouses', async () => {
    const page = await bff().client.product.page.query({ sku: '000212' });
    expect(page.availability).toEqual({ inStock: false, quantity: 0, warehouses: [] });
    expect(page.degraded).toEqual([]);
  });

  it('does not degrade a product without reviews: rating 0 of 0 and no reviews', async () => {
    const page = await bff().client.product.page.query({ sku: '000213' });
    expect(page.rating).toEqual({ average: 0, count: 0 });
    expect(page.reviews).toEqual([]);
    expect(page.degraded).toEqual([]);
  });
});

describe('product.page when FX is down', () => {
  // A BFF of its own per test, the fault injected before its first request, so no rates are ever cached.
  const extra = useExtraBffs();

  it('degrades the price of a USD page when the FX service answers 503', async () => {
    const bff = await extra.start();
    bff.sandbox.faults.inject('fx', { kind: 'status', status: 503 });
    const page = await bff.client.product.page.query({ sku: '000123', currency: 'USD' });
    expect(page.product.sku).toBe('000123');
    expect(page.price).toBeNull();
    expect(page.availability).toEqual(ORDINARY_AVAILABILITY);
    expect(page.recommendations.length).toBeGreaterThan(0);
    expect(page.degraded).toEqual(['price']);
    expect(bff.sandbox.calls.count('fx')).toBeGreaterThan(0);
  });

  it('degrades the price of a USD page when the FX service hangs, within about a second', async () => {
    const bff = await extra.start();
    bff.sandbox.faults.inject('fx', { kind: 'hang' });
    const started = performance.now();
    const page = await bff.client.product.page.query({ sku: '000123', currency: 'USD' });
    const elapsedMs = performance.now() - started;
    expect(page.price).toBeNull();
    expect(page.degraded).toEqual(['price']);
    expect(elapsedMs).toBeLessThan(PAGE_BOUND_MS);
  });

  it('leaves EUR pages whole while FX is down', async () => {
    const bff = await extra.start();
    bff.sandbox.faults.inject('fx', { kind: 'status', status: 503 });
    const page = await bff.client.product.page.query({ sku: '000123' });
    expect(page.price?.current).toEqual({ amount: '129.90', currencyCode: 'EUR' });
    expect(
      page.recommendations.every(
        (item) => item.price === null || item.price.currencyCode === 'EUR',
      ),
    ).toBe(true);
    expect(page.degraded).toEqual([]);
    const explicit = await bff.client.product.page.query({ sku: '000123', currency: 'EUR' });
    expect(explicit.price?.current.amount).toBe('129.90');
    expect(explicit.degraded).toEqual([]);
  });
});
