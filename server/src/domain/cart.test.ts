import { describe, expect, it } from 'vitest';
import { catalogProduct, eur, failed, ok } from '../testing/records.js';
import { cartView, type CartParts } from './cart.js';
import { converterFor } from './currency.js';

const cart = {
  items: [
    { sku: 'A1', quantity: 2 },
    { sku: 'B2', quantity: 3 },
  ],
  version: 7,
};

function parts(overrides: Partial<CartParts> = {}): CartParts {
  return {
    cart,
    currency: 'JPY',
    products: new Map([
      ['A1', catalogProduct('A1')],
      ['B2', catalogProduct('B2')],
    ]),
    stock: ok(
      new Map([
        [
          'A1',
          [
            { warehouse: 'BER', quantity: 1 },
            { warehouse: 'HAM', quantity: 1 },
          ],
        ],
        ['B2', [{ warehouse: 'BER', quantity: 2 }]],
      ]),
    ),
    prices: ok(
      new Map([
        ['A1', eur('10.005')],
        ['B2', eur('1.00')],
      ]),
    ),
    convert: converterFor('JPY', new Map([['JPY', '162.89']])),
    ...overrides,
  };
}

describe('cartView', () => {
  it('prices each line as the rounded unit price × the quantity and sums the line totals', () => {
    const view = cartView(parts());
    expect(
      view.items.map((item) => [item.sku, item.unitPrice?.amount, item.lineTotal?.amount]),
    ).toEqual([
      ['A1', '1630', '3260'],
      ['B2', '163', '489'],
    ]);
    expect(view.subtotal).toEqual({ amount: '3749', currencyCode: 'JPY' });
    expect(view).toMatchObject({ itemCount: 5, version: 7, degraded: [] });
  });

  it('marks a line available only when the product is active and its stock covers the quantity', () => {
    const view = cartView(
      parts({
        products: new Map([
          ['A1', catalogProduct('A1', { status: 'discontinued' })],
          ['B2', catalogProduct('B2')],
        ]),
      }),
    );
    expect(view.items.map((item) => item.available)).toEqual([false, false]);
    expect(cartView(parts()).items.map((item) => item.available)).toEqual([true, false]);
  });

  it('names a line the ERP does not know by its SKU, with no image', () => {
    const view = cartView(parts({ products: new Map() }));
    expect(view.items[0]).toMatchObject({ sku: 'A1', name: 'A1', image: null, available: false });
  });

  it('leaves prices and the subtotal null and degrades prices when pricing or FX failed', () => {
    for (const view of [
      cartView(parts({ prices: failed() })),
      cartView(parts({ convert: undefined })),
    ]) {
      expect(view.items.every((item) => item.unitPrice === null && item.lineTotal === null)).toBe(
        true,
      );
      expect(view.subtotal).toBeNull();
      expect(view.degraded).toEqual(['prices']);
    }
  });

  it('degrades availability when stock failed: nothing is available then', () => {
    const view = cartView(parts({ stock: failed() }));
    expect(view.items.map((item) => item.available)).toEqual([false, false]);
    expect(view.degraded).toEqual(['availability']);
  });
});
