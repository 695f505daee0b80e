import { createStorefrontClient } from '@storefront/client';
import { holdFault, UNKNOWN_SKUS } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { errorOf, useBff } from './helpers/bff.js';
import { rawRequest } from './helpers/wire.js';

describe('product.pageProgressive', () => {
  // Budgets far above what the test waits: a held upstream must not degrade by running out of time.
  const bff = useBff({ env: { PART_TIMEOUT_MS: '10000', ERP_TIMEOUT_MS: '10000' } });
  const streaming = () => createStorefrontClient({ url: `${bff().url}/trpc`, stream: true });

  it('puts the product on the client first while reviews are held, then streams `later` once they answer', async () => {
    const reviews = holdFault();
    bff().sandbox.faults.inject('reviews', reviews.fault);
    const page = await streaming().product.pageProgressive.query({ sku: '000123' });

    // The first part is here, its Date a Date; the reviews upstream has been asked and not answered.
    expect(page.product.sku).toBe('000123');
    expect(page.product.updatedAt).toBeInstanceOf(Date);
    expect(page.price?.current).toEqual({ amount: '129.90', currencyCode: 'EUR' });
    expect(page.availability?.inStock).toBe(true);
    expect(page.degraded).toEqual([]);
    expect(page.later).toBeInstanceOf(Promise);
    let later: unknown;
    void page.later.then((value) => (later = value));
    await new Promise((resolve) => setImmediate(resolve));
    expect(later).toBeUndefined();
    expect(bff().sandbox.calls.snapshot()['reviews getReviews']).toBe(1);

    reviews.release();
    const rest = await page.later;
    expect(rest.rating?.count).toBe(128);
    expect(rest.reviews).toHaveLength(3);
    expect(rest.reviews[0]?.createdAt).toBeInstanceOf(Date);
    expect(rest.recommendations.length).toBeGreaterThan(0);
    expect(rest.degraded).toEqual([]);
  });

  it('answers the same page as product.page, whole, over a non-streaming link', async () => {
    const input = { sku: '000123', currency: 'USD' };
    const page = await bff().client.product.pageProgressive.query(input);
    // Over a plain batch link the answer waited for `later`, which holds its value (await works).
    expect(page.later).not.toBeInstanceOf(Promise);
    const later = await page.later;
    const whole = await bff().client.product.page.query(input);
    expect({
      product: page.product,
      price: page.price,
      availability: page.availability,
      rating: later.rating,
      reviews: later.reviews,
      recommendations: later.recommendations,
    }).toEqual({
      product: whole.product,
      price: whole.price,
      availability: whole.availability,
      rating: whole.rating,
      reviews: whole.reviews,
      recommendations: whole.recommendations,
    });
  });

  it('names a failed part in the degraded list of the part it belongs to', async () => {
    bff().sandbox.faults.inject('reviews', { kind: 'status', status: 503 });
    const reviewsDown = await streaming().product.pageProgressive.query({ sku: '000123' });
    expect(reviewsDown.degraded).toEqual([]);
    const later = await reviewsDown.later;
    expect(later).toMatchObject({ rating: null, reviews: [], degraded: ['reviews'] });
    bff().sandbox.faults.clear();

    // Pricing down: the price degrades in the first part, the unpriced recommendations in `later`.
    bff().sandbox.faults.inject('pricing', { kind: 'status', status: 503 });
    const pricingDown = await streaming().product.pageProgressive.query({ sku: '000123' });
    expect(pricingDown).toMatchObject({ price: null, degraded: ['price'] });
    const unpriced = await pricingDown.later;
    expect(unpriced.recommendations.length).toBeGreaterThan(0);
    expect(unpriced.recommendations.every((item) => item.price === null)).toBe(true);
    expect(unpriced.degraded).toEqual(['recommendations']);
  });

  it('fails as product.page does for a SKU the ERP does not know', async () => {
    const { data } = await errorOf(
      streaming().product.pageProgressive.query({ sku: UNKNOWN_SKUS[0] }),
    );
    expect(data).toMatchObject({ code: 'NOT_FOUND', appCode: 'PRODUCT_NOT_FOUND' });
  });

  it('sends a streamed answer private, no-store and without Server-Timing; a plain one with them', async () => {
    const input = encodeURIComponent(JSON.stringify({ 0: { json: { sku: '000123' } } }));
    const path = `/trpc/product.pageProgressive?batch=1&input=${input}`;
    const streamed = await rawRequest(bff(), path, {
      headers: { 'trpc-accept': 'application/jsonl' },
    });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('cache-control')).toBe('private, no-store');
    expect(streamed.headers.get('server-timing')).toBeNull();
    // Several lines: the head, then the deferred part.
    expect(streamed.text.trim().split('\n').length).toBeGreaterThan(1);
    expect(streamed.text).toContain('"rating"');

    const plain = await rawRequest(bff(), path);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('server-timing')).toMatch(/reviews;dur=/);
    expect(plain.text).toContain('"rating"');
  });
});
