import type { RouterOutputs } from '@storefront/client';
import type { Fault, ServiceName } from '@storefront/sandbox';
import { FIXTURE_SKUS as SKU } from '@storefront/sandbox';
import { SKU_PATTERN } from '@storefront/shared';
import { describe, expect, it } from 'vitest';
import { errorOf, useBff } from './helpers/bff.js';
import { convert, money, sum } from './helpers/exact-money.js';
import { eurPrice, signedIn } from './helpers/shopper.js';
import { useExtraBffs } from './helpers/wire.js';

const UNAVAILABLE: Fault = { kind: 'status', status: 503 };

describe('account.dashboard', () => {
  // A generous part budget: what these tests show must not depend on how busy the machine is.
  const bff = useBff({ env: { PART_TIMEOUT_MS: '5000' } });

  it("assembles ann's profile, loyalty, recent orders, cart, wishlist, notifications and recommendations", async () => {
    const dashboard = await signedIn(bff(), 'ann').account.dashboard.query();
    expect(dashboard.profile).toEqual({
      id: 'u-1001',
      email: 'ann@example.test',
      firstName: 'Ann',
      lastName: 'Lee',
      tier: 'gold',
    });
    expect(dashboard.loyalty).toEqual({
      points: 1234,
      tier: 'gold',
      nextTier: { name: 'platinum', pointsNeeded: 766 },
    });
    expect(dashboard.recentOrders).toEqual([
      {
        orderNo: 'SO-2026-000123',
        placedAt: new Date('2026-11-20T08:00:00Z'),
        status: 'SHIPPED',
        total: money('259.80', 'EUR'),
      },
      {
        orderNo: 'SO-2026-000101',
        placedAt: new Date('2026-10-02T14:12:00Z'),
        status: 'DELIVERED',
        total: money('39.95', 'EUR'),
      },
      {
        orderNo: 'SO-2026-000077',
        placedAt: new Date('2026-08-15T10:00:00Z'),
        status: 'CANCELLED',
        total: money('120.00', 'EUR'),
      },
    ]);
    for (const order of dashboard.recentOrders) expect(order.placedAt).toBeInstanceOf(Date);
    expect(dashboard.cart).toEqual({
      itemCount: 3,
      subtotal: money(sum(['259.80', eurPrice(bff(), SKU.numericReferences)], 'EUR'), 'EUR'),
    });
    expect(dashboard.notifications).toEqual({
      unread: 3,
      items: [
        {
          id: 'n-1',
          kind: 'order_shipped',
          text: 'Your order SO-2026-000123 is on its way.',
          createdAt: new Date('2026-11-21T07:00:00Z'),
        },
        {
          id: 'n-2',
          kind: 'price_drop',
          text: 'Summit Jacket is now 10 % off.',
          createdAt: new Date('2026-11-19T12:00:00Z'),
        },
        {
          id: 'n-3',
          kind: 'loyalty',
          text: 'You are 766 points away from platinum.',
          createdAt: new Date('2026-11-10T12:00:00Z'),
        },
      ],
    });
    for (const item of dashboard.notifications?.items ?? [])
      expect(item.createdAt).toBeInstanceOf(Date);
    expect(dashboard.degraded).toEqual([]);
  });

  it("shows ann's wishlist as product summaries, leaving out the unknown SKU and keeping the discontinued one", async () => {
    const { wishlist } = await signedIn(bff(), 'ann').account.dashboard.query();
    expect(wishlist.map((item) => item.sku)).toEqual(['000123', '000202', '000124', '000207']);
    expect(wishlist).toEqual([
      {
        sku: '000123',
        name: 'Trail Runner 2 & Co',
        brand: 'Northwind',
        image: 'https://img.example.test/000123/main.jpg',
        price: money('129.90', 'EUR'),
        status: 'active',
      },
      {
        sku: '000202',
        name: 'Summit Jacket',
        brand: 'Fjällmark',
        image: 'https://img.example.test/000202/main.jpg', // the main image, third of four
        price: money(convert(eurPrice(bff(), SKU.manyChildren), 'EUR'), 'EUR'),
        status: 'active',
      },
      {
        sku: '000124',
        name: 'Trail Runner 1',
        brand: 'Northwind',
        image: 'https://img.example.test/000124/main.jpg',
        price: money('79.00', 'EUR'),
        status: 'discontinued',
      },
      {
        sku: '000207',
        name: '日本の茶碗 Café',
        brand: '京都陶器',
        image: 'https://img.example.test/000207/main.jpg',
        price: money(convert(eurPrice(bff(), SKU.nonAscii), 'EUR'), 'EUR'),
        status: 'active',
      },
    ]);
  });

  it('recommends at most 8 products, all active and known to the ERP', async () => {
    const { sandbox } = bff();
    const { recommendations } = await signedIn(bff(), 'ann').account.dashboard.query();
    expect(recommendations.length).toBeGreaterThan(0);
    expect(recommendations.length).toBeLessThanOrEqual(8);
    for (const item of recommendations) {
      expect(sandbox.store.catalog.bySku.get(item.sku)?.status, item.sku).toBe('ACTIVE');
      expect(item.status).toBe('active');
    }
    expect(new Set(recommendations.map((item) => item.sku)).size).toBe(recommendations.length);
  });

  it('shows absent parts as empty, not degraded: zoe has no next tier, orders, wishlist or notifications', async () => {
    const dashboard = await signedIn(bff(), 'zoe').account.dashboard.query();
    expect(dashboard.profile).toEqual({
      id: 'u-1003',
      email: 'zoe@example.test',
      firstName: 'Zoë',
      lastName: 'Ōkubo',
      tier: 'platinum',
    });
    expect(dashboard.loyalty).toEqual({ points: 25000, tier: 'platinum', nextTier: null });
    expect(dashboard.recentOrders).toEqual([]);
    expect(dashboard.wishlist).toEqual([]);
    expect(dashboard.notifications).toEqual({ unread: 0, items: [] });
    // 0.50 EUR × 162.89 = 81.445 → 81 JPY; × 3 = 243
    expect(dashboard.cart).toEqual({ itemCount: 3, subtotal: money('243', 'JPY') });
    expect(dashboard.degraded).toEqual([]);
  });

  it("makes one GetProducts and one prices call for ann's cart, wishlist and recommendations together, and no per-SKU calls", async () => {
    const { sandbox } = bff();
    await signedIn(bff(), 'ann').account.dashboard.query();
    expect(sandbox.calls.count('erp', 'GetProducts')).toBe(1);
    expect(sandbox.calls.count('pricing', 'getPrices')).toBe(1);
    expect(sandbox.calls.count('erp', 'GetProduct')).toBe(0);
    expect(sandbox.calls.count('erp', 'GetStock')).toBeLessThanOrEqual(1);
    expect(sandbox.calls.count('accounts', 'getUser')).toBe(1);
    expect(sandbox.calls.count('accounts', 'getLoyalty')).toBe(1);
    expect(sandbox.calls.count('orders', 'getOrders')).toBe(1);
    expect(sandbox.calls.count('cart', 'getCart')).toBe(1);
    expect(sandbox.calls.count('wishlist', 'getWishlist')).toBe(1);
    expect(sandbox.calls.count('notifications', 'getNotifications')).toBe(1);
    expect(sandbox.calls.count('recommendations', 'getRecommendations')).toBe(1);
  });

  it("splits the look-ups of ben's 120-SKU wishlist only at the upstreams' maxima: 2 GetProducts (100 + rest), ceil(n/50) prices calls", async () => {
    const { sandbox } = bff();
    const dashboard = await signedIn(bff(), 'ben').account.dashboard.query();
    expect(dashboard.degraded).toEqual([]);

    const cartSkus = (sandbox.store.carts.get('u-1002')?.items ?? []).map((item) => item.sku);
    const wishlistSkus = [...(sandbox.store.wishlists.get('u-1002') ?? [])];
    expect(wishlistSkus).toHaveLength(120);
    const visible = new Set(
      [...cartSkus, ...wishlistSkus, ...dashboard.recommendations.map((item) => item.sku)].filter(
        (sku) => SKU_PATTERN.test(sku),
      ),
    );
    // The recommendations asked for hold at most 12 more SKUs than those shown.
    const upperBound = Math.ceil((cartSkus.length + wishlistSkus.length + 12) / 50);
    const prices = sandbox.calls.count('pricing', 'getPrices');
    expect(prices).toBeGreaterThanOrEqual(Math.ceil(visible.size / 50));
    expect(prices).toBeLessThanOrEqual(upperBound);
    expect(prices).toBe(3);
    expect(sandbox.calls.count('erp', 'GetProducts')).toBe(2);
    expect(sandbox.calls.count('erp', 'GetProduct')).toBe(0);

    // Every known wishlist SKU came back (999999 is unknown): no chunk was lost or refused.
    expect(dashboard.wishlist).toHaveLength(119);
    expect(dashboard.wishlist.map((item) => item.sku)).not.toContain('999999');
    expect(
      dashboard.wishlist.filter((item) => item.price === null).map((item) => item.sku),
    ).toEqual(
      wishlistSkus.filter(
        (sku) => sandbox.store.catalog.bySku.has(sku) && !sandbox.store.catalog.prices.has(sku),
      ),
    );
  });

  const parts: [
    part: string,
    service: ServiceName,
    operation: string | undefined,
    expectation: (d: RouterOutputs['account']['dashboard']) => void,
  ][] = [
    [
      'loyalty',
      'accounts',
      'getLoyalty',
      (d) => {
        expect(d.loyalty).toBeNull();
      },
    ],
    [
      'recentOrders',
      'orders',
      undefined,
      (d) => {
        expect(d.recentOrders).toEqual([]);
      },
    ],
    [
      'cart',
      'cart',
      undefined,
      (d) => {
        expect(d.cart).toBeNull();
      },
    ],
    [
      'wishlist',
      'wishlist',
      undefined,
      (d) => {
        expect(d.wishlist).toEqual([]);
      },
    ],
    [
      'notifications',
      'notifications',
      undefined,
      (d) => {
        expect(d.notifications).toBeNull();
      },
    ],
    [
      'recommendations',
      'recommendations',
      undefined,
      (d) => {
        expect(d.recommendations).toEqual([]);
      },
    ],
  ];
  const dashboardOf = () => signedIn(bff(), 'ann').account.dashboard.query();

  it.each(parts)(
    'degrades only %s when its upstream (%s) fails',
    async (part, service, operation, expectation) => {
      bff().sandbox.faults.inject(
        service,
        UNAVAILABLE,
        operation === undefined ? {} : { operation },
      );
      const dashboard = await dashboardOf();
      expectation(dashboard);
      expect(dashboard.degraded).toEqual([part]);
      expect(dashboard.profile.id).toBe('u-1001');
      // The other parts are whole.
      if (part !== 'loyalty') expect(dashboard.loyalty?.points).toBe(1234);
      if (part !== 'recentOrders') expect(dashboard.recentOrders).toHaveLength(3);
      if (part !== 'cart') expect(dashboard.cart?.itemCount).toBe(3);
      if (part !== 'wishlist') expect(dashboard.wishlist).toHaveLength(4);
      if (part !== 'notifications') expect(dashboard.notifications?.unread).toBe(3);
      if (part !== 'recommendations') expect(dashboard.recommendations.length).toBeGreaterThan(0);
    },
  );

  it('degrades prices everywhere when pricing fails: wishlist, recommendations and cart subtotal without prices', async () => {
    bff().sandbox.faults.inject('pricing', UNAVAILABLE);
    const dashboard = await dashboardOf();
    expect(dashboard.wishlist).toHaveLength(4);
    expect(dashboard.wishlist.map((item) => item.price)).toEqual([null, null, null, null]);
    expect(dashboard.recommendations.length).toBeGreaterThan(0);
    expect(dashboard.recommendations.every((item) => item.price === null)).toBe(true);
    expect(dashboard.cart).toEqual({ itemCount: 3, subtotal: null });
    expect(dashboard.degraded).toEqual(['prices']);
  });

  it("lists several degraded parts in docs/api.md's declared order, whatever order they fail in", async () => {
    const { sandbox } = bff();
    sandbox.faults.inject('pricing', { kind: 'malformed' });
    sandbox.faults.inject('recommendations', { kind: 'reset' });
    sandbox.faults.inject('notifications', UNAVAILABLE);
    sandbox.faults.inject('cart', { kind: 'status', status: 500 });
    sandbox.faults.inject('accounts', UNAVAILABLE, { operation: 'getLoyalty' });
    const dashboard = await dashboardOf();
    expect(dashboard.degraded).toEqual([
      'loyalty',
      'cart',
      'notifications',
      'recommendations',
      'prices',
    ]);
    expect(dashboard.recentOrders).toHaveLength(3);
  });

  it('names every failed part in the declared order when all fail but the cart', async () => {
    const { sandbox } = bff();
    for (const service of [
      'pricing',
      'recommendations',
      'notifications',
      'wishlist',
      'orders',
    ] as const)
      sandbox.faults.inject(service, UNAVAILABLE);
    sandbox.faults.inject('accounts', UNAVAILABLE, { operation: 'getLoyalty' });
    const dashboard = await dashboardOf();
    expect(dashboard.degraded).toEqual([
      'loyalty',
      'recentOrders',
      'wishlist',
      'notifications',
      'recommendations',
      'prices',
    ]);
    expect(dashboard.profile.firstName).toBe('Ann');
    expect(dashboard.cart).toEqual({ itemCount: 3, subtotal: null });
  });

  it('still answers the profile when every optional upstream fails, and asks pricing nothing when no part holds SKUs', async () => {
    const { sandbox } = bff();
    for (const service of [
      'pricing',
      'recommendations',
      'notifications',
      'wishlist',
      'cart',
      'orders',
    ] as const)
      sandbox.faults.inject(service, UNAVAILABLE);
    sandbox.faults.inject('accounts', UNAVAILABLE, { operation: 'getLoyalty' });
    const dashboard = await dashboardOf();
    expect(dashboard.degraded).toEqual([
      'loyalty',
      'recentOrders',
      'cart',
      'wishlist',
      'notifications',
      'recommendations',
    ]);
    expect(dashboard.profile).toMatchObject({ id: 'u-1001', firstName: 'Ann' });
    expect(sandbox.calls.count('pricing', 'getPrices')).toBe(0);
  });

  it('answers BAD_GATEWAY when the accounts service fails to give the profile', async () => {
    bff().sandbox.faults.inject('accounts', UNAVAILABLE, { operation: 'getUser' });
    const { data } = await errorOf(dashboardOf());
    expect(data).toMatchObject({
      code: 'BAD_GATEWAY',
      httpStatus: 502,
      appCode: 'UPSTREAM_UNAVAILABLE',
    });
  });

  it('answers NOT_FOUND / ACCOUNT_NOT_FOUND for a signed-in user the accounts service does not know (ghost)', async () => {
    const { data } = await errorOf(signedIn(bff(), 'ghost').account.dashboard.query());
    expect(data).toMatchObject({
      code: 'NOT_FOUND',
      httpStatus: 404,
      appCode: 'ACCOUNT_NOT_FOUND',
    });
  });

  it("answers in the profile's currency by default: GBP for ben", async () => {
    const ben = signedIn(bff(), 'ben');
    const dashboard = await ben.account.dashboard.query();
    // 79.00 × 0.83735 = 66.15065 → 66.15
    expect(dashboard.wishlist.find((item) => item.sku === SKU.discontinued)?.price).toEqual(
      money('66.15', 'GBP'),
    );
    const priced = [...dashboard.wishlist, ...dashboard.recommendations].flatMap((item) =>
      item.price ? [item.price.currencyCode] : [],
    );
    expect(priced.length).toBeGreaterThan(0);
    expect(new Set(priced)).toEqual(new Set(['GBP']));
    const stockless = convert(eurPrice(bff(), SKU.noStockRows), 'GBP');
    // ben's priced lines: 66.15 (000124), the stockless 000212, 3 × 20.93 (000216), 33.45 (123); 000211 has no price
    expect(dashboard.cart).toEqual({
      itemCount: 8,
      subtotal: money(sum(['66.15', stockless, '62.79', '33.45'], 'GBP'), 'GBP'),
    });
    expect(dashboard.cart?.subtotal).toEqual((await ben.cart.get.query()).subtotal);
  });

  it('answers in an asked currency over the profile one', async () => {
    const dashboard = await signedIn(bff(), 'ben').account.dashboard.query({ currency: 'JPY' });
    // 79.00 × 162.89 = 12868.31 → 12868
    expect(dashboard.wishlist.find((item) => item.sku === SKU.discontinued)?.price).toEqual(
      money('12868', 'JPY'),
    );
    expect(dashboard.cart?.subtotal?.currencyCode).toBe('JPY');
    const ann = await signedIn(bff(), 'ann').account.dashboard.query({ currency: 'USD' });
    // 129.90 × 1.0921 = 141.86379 → 141.86
    expect(ann.wishlist[0]?.price).toEqual(money('141.86', 'USD'));
    expect(ann.degraded).toEqual([]);
  });

  it('answers BAD_REQUEST for an unknown currency', async () => {
    for (const currency of ['XXX', 'BGN', 'gbp']) {
      const { data } = await errorOf(signedIn(bff(), 'ann').account.dashboard.query({ currency }));
      expect(data, currency).toMatchObject({ code: 'BAD_REQUEST', appCode: null });
    }
  });
});

describe('account.dashboard with upstreams out of time or reach', () => {
  const extra = useExtraBffs();

  it.each([
    ['loyalty', 'accounts', 'getLoyalty'],
    ['recentOrders', 'orders', undefined],
    ['cart', 'cart', undefined],
    ['wishlist', 'wishlist', undefined],
    ['notifications', 'notifications', undefined],
    ['recommendations', 'recommendations', undefined],
    ['prices', 'pricing', undefined],
  ] as const)(
    'answers within about PART_TIMEOUT_MS with %s degraded when its upstream hangs',
    async (part, service, operation) => {
      const partTimeoutMs = 250;
      const bff = await extra.start({
        env: { PART_TIMEOUT_MS: String(partTimeoutMs), UPSTREAM_TIMEOUT_MS: '10000' },
      });
      bff.sandbox.faults.inject(
        service,
        { kind: 'hang' },
        operation === undefined ? {} : { operation },
      );
      const started = performance.now();
      const dashboard = await signedIn(bff, 'ann').account.dashboard.query();
      const elapsedMs = performance.now() - started;
      expect(dashboard.degraded).toEqual([part]);
      expect(dashboard.profile.id).toBe('u-1001');
      // Far below the 10 s the upstream calls themselves would wait: the part's budget ended it.
      expect(elapsedMs).toBeLessThan(partTimeoutMs + 2_000);
    },
  );

  it('answers GATEWAY_TIMEOUT when the profile does not come within its budget', async () => {
    const bff = await extra.start({ env: { UPSTREAM_TIMEOUT_MS: '300' } });
    bff.sandbox.faults.inject('accounts', { kind: 'hang' }, { operation: 'getUser' });
    const { data } = await errorOf(signedIn(bff, 'ann').account.dashboard.query());
    expect(data).toMatchObject({
      code: 'GATEWAY_TIMEOUT',
      httpStatus: 504,
      appCode: 'UPSTREAM_UNAVAILABLE',
    });
  });

  it('degrades prices in a non-EUR currency when FX is down, and still prices EUR', async () => {
    // A BFF that never fetched the day's rates, so it has none to fall back on.
    const bff = await extra.start();
    bff.sandbox.faults.inject('fx', UNAVAILABLE);
    const ben = await signedIn(bff, 'ben').account.dashboard.query();
    expect(ben.degraded).toEqual(['prices']);
    expect(ben.wishlist.length).toBeGreaterThan(0);
    expect(ben.wishlist.every((item) => item.price === null)).toBe(true);
    expect(ben.recommendations.every((item) => item.price === null)).toBe(true);
    expect(ben.cart).toEqual({ itemCount: 8, subtotal: null });

    const asked = await signedIn(bff, 'ann').account.dashboard.query({ currency: 'USD' });
    expect(asked.degraded).toEqual(['prices']);

    const ann = await signedIn(bff, 'ann').account.dashboard.query();
    expect(ann.degraded).toEqual([]);
    expect(ann.wishlist[0]?.price).toEqual(money('129.90', 'EUR'));
  });
});
