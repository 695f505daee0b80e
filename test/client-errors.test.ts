import { TRPCClientError, isStorefrontError } from '@storefront/client';
import { FIXTURE_SKUS as SKU } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { SHIP_TO } from './helpers/cache.js';
import { freshShopper, newReference, signedIn } from './helpers/shopper.js';
import { useExtraBffs } from './helpers/wire.js';

// The client's error helper on real errors of a real BFF (its types are checked from an outside
// project in client-consumer-types.test.ts).

/** What a call threw. */
async function thrownBy(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded');
}

describe('isStorefrontError', () => {
  const bffs = useExtraBffs();

  it('recognizes OUT_OF_STOCK with the SKU, and no other code', async () => {
    const bff = await bffs.start();
    const { client } = await freshShopper(bff);
    await client.cart.setItem.mutate({ sku: SKU.lowStock, quantity: 2 });
    const error = await thrownBy(
      client.orders.place.mutate({ shipTo: SHIP_TO, clientReference: newReference() }),
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(isStorefrontError(error, 'OUT_OF_STOCK')).toBe(true);
    if (!isStorefrontError(error, 'OUT_OF_STOCK')) return;
    expect(error.data.sku).toBe(SKU.lowStock);
    expect(error.data.code).toBe('CONFLICT');
    expect(isStorefrontError(error, 'PRODUCT_NOT_FOUND')).toBe(false);
    expect(isStorefrontError(error, 'EMPTY_CART')).toBe(false);
  });

  it('recognizes RATE_LIMITED with retryAfterSeconds', async () => {
    const bff = await bffs.start({ env: { RATE_LIMIT_POINTS: '1', RATE_LIMIT_WINDOW_S: '60' } });
    const client = signedIn(bff, 'ann');
    await client.fx.rates.query();
    const error = await thrownBy(client.fx.rates.query());
    expect(isStorefrontError(error, 'RATE_LIMITED')).toBe(true);
    if (!isStorefrontError(error, 'RATE_LIMITED')) return;
    expect(error.data.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.data.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('is false for errors without that app code and for anything that is not a client error', async () => {
    const bff = await bffs.start();
    const client = signedIn(bff, 'ann');
    const badInput = await thrownBy(client.product.page.query({ sku: 'not a sku!' }));
    expect(badInput).toBeInstanceOf(TRPCClientError);
    expect(isStorefrontError(badInput, 'PRODUCT_NOT_FOUND')).toBe(false);
    const notFound = await thrownBy(client.product.page.query({ sku: '999999' }));
    expect(isStorefrontError(notFound, 'PRODUCT_NOT_FOUND')).toBe(true);
    for (const other of [
      new Error('PRODUCT_NOT_FOUND'),
      { data: { appCode: 'PRODUCT_NOT_FOUND' } },
      null,
      'x',
    ])
      expect(isStorefrontError(other, 'PRODUCT_NOT_FOUND')).toBe(false);
  });
});
