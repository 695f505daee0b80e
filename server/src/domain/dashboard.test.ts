import { describe, expect, it } from 'vitest';
import type { Hydrated } from '../upstreams/records.js';
import { catalogProduct, eur, failed, ok } from '../testing/records.js';
import { UnknownCurrencyError } from './currency.js';
import { dashboardView, type DashboardParts } from './dashboard.js';

const profile = {
  id: 'u-1',
  email: 'ann@example.test',
  name: { first: 'Ann', last: 'Lee' },
  currency: 'USD',
  tier: 'gold',
};
const rates = { date: '2026-11-25', rates: new Map([['USD', '2']]) };

function hydrated<T>(value: T, skus: string[], priced = true): Hydrated<T> {
  return {
    value,
    skus,
    products: new Map(skus.map((sku) => [sku, catalogProduct(sku)])),
    prices: priced ? ok(new Map(skus.map((sku) => [sku, eur('1.50')]))) : failed(),
  };
}

function parts(overrides: Partial<DashboardParts> = {}): DashboardParts {
  return {
    profile,
    askedCurrency: undefined,
    rates: ok(rates),
    loyalty: ok({ points: 10, tier: 'gold', nextTier: null }),
    recentOrders: ok([
      {
        orderNo: 'SO-1',
        placedAt: new Date('2026-11-20T08:00:00Z'),
        status: 'SHIPPED',
        total: { amount: '259.80', currency: 'EUR' },
        lineCount: 2,
      },
    ]),
    notifications: ok({ unread: 1, items: [] }),
    cart: ok(hydrated({ items: [{ sku: 'C1', quantity: 2 }], version: 3 }, ['C1'])),
    wishlist: ok(hydrated(null, ['W1', 'W2'])),
    recommendations: ok(hydrated(null, ['R1'])),
    ...overrides,
  };
}

describe('dashboardView', () => {
  it("answers every part in the profile's currency with nothing degraded", () => {
    const view = dashboardView(parts());
    expect(view.profile).toEqual({
      id: 'u-1',
      email: 'ann@example.test',
      firstName: 'Ann',
      lastName: 'Lee',
      tier: 'gold',
    });
    expect(view.cart).toEqual({ itemCount: 2, subtotal: { amount: '6.00', currencyCode: 'USD' } });
    expect(view.wishlist.map((item) => item.price)).toEqual([
      { amount: '3.00', currencyCode: 'USD' },
      { amount: '3.00', currencyCode: 'USD' },
    ]);
    // Order totals stay in the currency they were placed in.
    expect(view.recentOrders[0]?.total).toEqual({ amount: '259.80', currencyCode: 'EUR' });
    expect(view.degraded).toEqual([]);
  });

  it('prices in the currency asked for, and refuses one the day’s rates do not list', () => {
    expect(dashboardView(parts({ askedCurrency: 'EUR' })).cart?.subtotal).toEqual({
      amount: '3.00',
      currencyCode: 'EUR',
    });
    expect(() => dashboardView(parts({ askedCurrency: 'XYZ' }))).toThrow(UnknownCurrencyError);
  });

  it('degrades prices, not the parts, when FX fails for a currency other than EUR', () => {
    const view = dashboardView(parts({ rates: failed() }));
    expect(view.cart).toEqual({ itemCount: 2, subtotal: null });
    expect(view.wishlist.every((item) => item.price === null)).toBe(true);
    expect(view.degraded).toEqual(['prices']);
  });

  it('names each failed part in degraded, in the declared order, null or empty', () => {
    const view = dashboardView(
      parts({
        loyalty: failed(),
        recentOrders: failed(),
        cart: failed(),
        wishlist: failed(),
        notifications: failed(),
        recommendations: failed(),
      }),
    );
    expect(view).toMatchObject({
      loyalty: null,
      recentOrders: [],
      cart: null,
      wishlist: [],
      notifications: null,
      recommendations: [],
    });
    expect(view.degraded).toEqual([
      'loyalty',
      'recentOrders',
      'cart',
      'wishlist',
      'notifications',
      'recommendations',
    ]);
  });

  it('shows a user without loyalty standing as loyalty null, not degraded', () => {
    const view = dashboardView(parts({ loyalty: ok(undefined) }));
    expect(view.loyalty).toBeNull();
    expect(view.degraded).toEqual([]);
  });

  it('leaves discontinued recommendations out but keeps discontinued wishlist items', () => {
    const withDiscontinued = (skus: string[]): Hydrated<null> => ({
      ...hydrated(null, skus),
      products: new Map(skus.map((sku) => [sku, catalogProduct(sku, { status: 'discontinued' })])),
    });
    const view = dashboardView(
      parts({
        wishlist: ok(withDiscontinued(['W1'])),
        recommendations: ok(withDiscontinued(['R1'])),
      }),
    );
    expect(view.wishlist.map((item) => item.sku)).toEqual(['W1']);
    expect(view.recommendations).toEqual([]);
  });
});
