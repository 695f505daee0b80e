import { createStorefrontClient } from '@storefront/client';
import {
  DEMO_USERS,
  FIRST_GENERATED_SKU,
  UNKNOWN_SKUS,
  type Fault,
  type ServiceName,
} from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { errorOf, useBff } from './helpers/bff.js';
import { CACHE_ON, SHIP_TO, coldSku, priced } from './helpers/cache.js';
import { eurPrice, freshShopper, newReference, onHand, signedIn } from './helpers/shopper.js';
import { useExtraBffs } from './helpers/wire.js';

describe('single-flight and cache hits', () => {
  const bff = useBff({ env: CACHE_ON });

  it('asks the ERP, stock, reviews, recommendations and FX once when 100 shoppers open one cold product page at the same time', async () => {
    const { sandbox } = bff();
    const sku = coldSku(bff(), priced(bff()));
    // 100 shoppers: 100 HTTP requests (one client each, so nothing is batched together); in USD, so FX is needed too.
    const pages = await Promise.all(
      Array.from({ length: 100 }, () =>
        createStorefrontClient({ url: `${bff().url}/trpc` }).product.page.query({
          sku,
          currency: 'USD',
        }),
      ),
    );

    const [first] = pages;
    expect(first?.product.sku).toBe(sku);
    expect(first?.price?.current.currencyCode).toBe('USD');
    expect(first?.degraded).toEqual([]);
    for (const page of pages) expect(page).toEqual(first);
    expect(sandbox.calls.count('erp', 'GetProduct')).toBe(1);
    expect(sandbox.calls.count('erp', 'GetStock')).toBe(1);
    expect(sandbox.calls.count('reviews', 'getReviews')).toBe(1);
    expect(sandbox.calls.count('recommendations', 'getRecommendations')).toBe(1);
    expect(sandbox.calls.count('erp', 'GetProducts')).toBe(1); // the recommended SKUs, all in one
    expect(sandbox.calls.count('fx', 'getDailyRates')).toBe(1);
    // One for the page's SKU, one for the recommended SKUs: never one per shopper.
    expect(sandbox.calls.count('pricing', 'getPrices')).toBe(2);
  });

  it('serves a second view of a product page without asking the ERP, reviews or recommendations again', async () => {
    const { sandbox, client } = bff();
    const sku = coldSku(bff());
    const first = await client.product.page.query({ sku });
    sandbox.calls.reset();

    const second = await client.product.page.query({ sku });
    expect(second).toEqual(first);
    expect(sandbox.calls.count('erp', 'GetProduct')).toBe(0);
    expect(sandbox.calls.count('erp', 'GetProducts')).toBe(0);
    expect(sandbox.calls.count('reviews')).toBe(0);
    expect(sandbox.calls.count('recommendations')).toBe(0);
    expect(sandbox.calls.count('fx')).toBe(0);
  });
});

describe("one shopper's cached data is never another's", () => {
  const bff = useBff({ env: CACHE_ON });
  const userIdOf = (username: string): string =>
    DEMO_USERS.find((user) => user.username === username)?.userId ?? '';

  it("answers ann's and ben's dashboards and carts to each of them only, however often and in whatever order they ask", async () => {
    const ann = signedIn(bff(), 'ann');
    const ben = signedIn(bff(), 'ben');
    const annCart = bff()
      .sandbox.store.carts.get(userIdOf('ann'))
      ?.items.map((item) => item.sku);
    const benCart = bff()
      .sandbox.store.carts.get(userIdOf('ben'))
      ?.items.map((item) => item.sku);
    expect(annCart?.length).toBeGreaterThan(0);
    expect(benCart?.length).toBeGreaterThan(0);
    const annOrders = (bff().sandbox.store.orders.get(userIdOf('ann')) ?? []).map(
      (order) => order.orderNo,
    );
    const benOrders = (bff().sandbox.store.orders.get(userIdOf('ben')) ?? []).map(
      (order) => order.orderNo,
    );

    const check = {
      annDashboard: (dashboard: Awaited<ReturnType<typeof ann.account.dashboard.query>>) => {
        expect(dashboard.profile).toMatchObject({
          id: userIdOf('ann'),
          email: 'ann@example.test',
          firstName: 'Ann',
        });
        expect(dashboard.recentOrders.map((order) => order.orderNo)).toEqual(
          annOrders.slice(0, dashboard.recentOrders.length),
        );
        expect(dashboard.cart?.itemCount).toBe(3);
      },
      benDashboard: (dashboard: Awaited<ReturnType<typeof ben.account.dashboard.query>>) => {
        expect(dashboard.profile).toMatchObject({
          id: userIdOf('ben'),
          email: 'ben@example.test',
          firstName: 'Ben',
        });
        expect(dashboard.recentOrders.map((order) => order.orderNo)).toEqual(
          benOrders.slice(0, dashboard.recentOrders.length),
        );
        expect(dashboard.cart?.itemCount).toBe(8);
      },
      annCart: (cart: Awaited<ReturnType<typeof ann.cart.get.query>>) => {
        expect(cart.items.map((item) => item.sku)).toEqual(annCart);
      },
      benCart: (cart: Awaited<ReturnType<typeof ben.cart.get.query>>) => {
        expect(cart.items.map((item) => item.sku)).toEqual(benCart);
      },
    };

    // Ben's cart cached first: ann's is still loaded for ann, not answered from ben's.
    check.benCart(await ben.cart.get.query());
    expect(bff().sandbox.calls.count('cart', 'getCart')).toBe(1);
    check.annCart(await ann.cart.get.query());
    expect(bff().sandbox.calls.count('cart', 'getCart')).toBe(2);
    // Dashboards cold and at the same time: one load per user, never one shared between users.
    const [annDashboard, benDashboard] = await Promise.all([
      ann.account.dashboard.query(),
      ben.account.dashboard.query(),
    ]);
    check.annDashboard(annDashboard);
    check.benDashboard(benDashboard);
    // Then warm, in turns.
    for (let round = 0; round < 3; round++) {
      check.benCart(await ben.cart.get.query());
      check.annCart(await ann.cart.get.query());
      check.annDashboard(await ann.account.dashboard.query());
      check.benDashboard(await ben.account.dashboard.query());
    }
    // Both were served from the cache after the first round: one cart read per user.
    expect(bff().sandbox.calls.count('cart', 'getCart')).toBe(2);
    expect(bff().sandbox.calls.count('accounts', 'getUser')).toBe(2);
  });

  it("loads a shopper's cart from the cart service although another shopper's cart is cached", async () => {
    const { sandbox } = bff();
    const [first, second] = [await freshShopper(bff()), await freshShopper(bff())];
    const [skuOfFirst, skuOfSecond] = [coldSku(bff()), coldSku(bff())];
    await first.client.cart.setItem.mutate({ sku: skuOfFirst, quantity: 1 });
    await second.client.cart.setItem.mutate({ sku: skuOfSecond, quantity: 2 });
    expect(
      (await first.client.cart.get.query()).items.map((item) => [item.sku, item.quantity]),
    ).toEqual([[skuOfFirst, 1]]);
    expect(
      (await first.client.cart.get.query()).items.map((item) => [item.sku, item.quantity]),
    ).toEqual([[skuOfFirst, 1]]);
    sandbox.calls.reset();

    const cart = await second.client.cart.get.query();
    expect(cart.items.map((item) => [item.sku, item.quantity])).toEqual([[skuOfSecond, 2]]);
    expect(sandbox.calls.count('cart', 'getCart')).toBe(1);
  });
});

describe('what is never cached', () => {
  const bff = useBff({ env: CACHE_ON });

  const partFailures: [part: string, service: ServiceName, fault: Fault, operation: string][] = [
    ['price', 'pricing', { kind: 'status', status: 503 }, 'getPrices'],
    ['availability', 'erp', { kind: 'soap-fault' }, 'GetStock'],
    ['reviews', 'reviews', { kind: 'status', status: 503 }, 'getReviews'],
    ['recommendations', 'recommendations', { kind: 'status', status: 503 }, 'getRecommendations'],
  ];
  it.each(partFailures)(
    'shows %s again on the next view after one failure of %s (the failure and the degraded part are not kept)',
    async (part, service, fault, operation) => {
      const { sandbox, client } = bff();
      const sku = coldSku(bff(), priced(bff()));
      sandbox.faults.inject(service, fault, { operation, times: 1 });
      const degraded = await client.product.page.query({ sku });
      expect(degraded.degraded).toContain(part);
      sandbox.calls.reset();

      const next = await client.product.page.query({ sku });
      expect(next.degraded).toEqual([]);
      expect(next.price?.current.amount).toBe(eurPrice(bff(), sku));
      expect(next.availability).not.toBeNull();
      expect(next.rating).not.toBeNull();
      expect(next.recommendations.length).toBeGreaterThan(0);
      expect(sandbox.calls.count(service, operation)).toBe(1);
      // What had worked the first time was kept.
      expect(sandbox.calls.count('erp', 'GetProduct')).toBe(0);
    },
  );

  it('asks the ERP again after it failed a product.page (BAD_GATEWAY is not kept)', async () => {
    const { sandbox, client } = bff();
    const sku = coldSku(bff());
    sandbox.faults.inject(
      'erp',
      { kind: 'status', status: 503 },
      { operation: 'GetProduct', times: 1 },
    );
    expect((await errorOf(client.product.page.query({ sku }))).data).toMatchObject({
      code: 'BAD_GATEWAY',
      appCode: 'UPSTREAM_UNAVAILABLE',
    });

    const page = await client.product.page.query({ sku });
    expect(page.product.sku).toBe(sku);
    expect(sandbox.calls.count('erp', 'GetProduct')).toBe(2);
  });

  it('sends every cart.setItem to the cart service, even one repeated with the same input', async () => {
    const { sandbox } = bff();
    const { client } = await freshShopper(bff());
    const sku = coldSku(bff());
    await client.cart.setItem.mutate({ sku, quantity: 1 });
    await client.cart.setItem.mutate({ sku, quantity: 1 });
    expect(sandbox.calls.count('cart', 'setCartItem')).toBe(2);
  });
});

describe('PRODUCT_NOT_FOUND is remembered briefly', () => {
  const bff = useBff({ env: CACHE_ON });
  const extra = useExtraBffs();

  it('answers a second look-up of an unknown SKU within NOT_FOUND_TTL_MS from memory, as NOT_FOUND again', async () => {
    const { sandbox, client } = bff();
    const [unknown] = UNKNOWN_SKUS;
    const first = await errorOf(client.product.page.query({ sku: unknown }));
    const second = await errorOf(client.product.page.query({ sku: unknown }));
    expect(first.data).toMatchObject({ code: 'NOT_FOUND', appCode: 'PRODUCT_NOT_FOUND' });
    expect(second.data).toMatchObject({ code: 'NOT_FOUND', appCode: 'PRODUCT_NOT_FOUND' });
    expect(sandbox.calls.count('erp', 'GetProduct')).toBe(1);
  });

  it('asks the ERP once when 100 look-ups of one unknown SKU arrive together', async () => {
    const { sandbox } = bff();
    const sku = UNKNOWN_SKUS[1];
    const errors = await Promise.all(
      Array.from({ length: 100 }, () =>
        errorOf(createStorefrontClient({ url: `${bff().url}/trpc` }).product.page.query({ sku })),
      ),
    );
    for (const error of errors)
      expect(error.data).toMatchObject({ code: 'NOT_FOUND', appCode: 'PRODUCT_NOT_FOUND' });
    expect(sandbox.calls.count('erp', 'GetProduct')).toBe(1);
  });

  it('asks the ERP again about an unknown SKU once NOT_FOUND_TTL_MS has passed', async () => {
    const short = await extra.start({ env: { ...CACHE_ON, NOT_FOUND_TTL_MS: '300' } });
    const sku = UNKNOWN_SKUS[2];
    expect((await errorOf(short.client.product.page.query({ sku }))).data).toMatchObject({
      appCode: 'PRODUCT_NOT_FOUND',
    });
    expect(short.sandbox.calls.count('erp', 'GetProduct')).toBe(1);

    await expect
      .poll(
        async () => {
          const { data } = await errorOf(short.client.product.page.query({ sku }));
          expect(data).toMatchObject({ code: 'NOT_FOUND', appCode: 'PRODUCT_NOT_FOUND' });
          return short.sandbox.calls.count('erp', 'GetProduct');
        },
        { timeout: 5_000, interval: 50 },
      )
      .toBe(2);
  });
});

describe('mutations drop what they make stale', () => {
  const bff = useBff({ env: CACHE_ON });

  it('shows a cart.setItem in the next cart.get at once, although that cart was cached', async () => {
    const { sandbox } = bff();
    const { client } = await freshShopper(bff());
    const sku = coldSku(bff());
    expect((await client.cart.get.query()).items).toEqual([]);
    expect((await client.cart.get.query()).items).toEqual([]);
    expect(sandbox.calls.count('cart', 'getCart')).toBe(1); // cached

    await client.cart.setItem.mutate({ sku, quantity: 2 });
    expect((await client.cart.get.query()).items.map((item) => [item.sku, item.quantity])).toEqual([
      [sku, 2],
    ]);
    await client.cart.setItem.mutate({ sku, quantity: 5 });
    const cart = await client.cart.get.query();
    expect(cart.items.map((item) => [item.sku, item.quantity])).toEqual([[sku, 5]]);
    expect(cart.itemCount).toBe(5);
  });

  it("drops the shopper's cart and orders and the ordered SKU's stock when an order is placed", async () => {
    const { sandbox } = bff();
    const { client } = await freshShopper(bff());
    const sku = coldSku(bff(), (s) => priced(bff())(s) && onHand(bff(), s) >= 3);
    await client.cart.setItem.mutate({ sku, quantity: 2 });
    const stockBefore = onHand(bff(), sku);
    // Everything cached just before the order: a second look asks no upstream.
    for (let look = 0; look < 2; look++) {
      expect((await bff().client.product.page.query({ sku })).availability?.quantity).toBe(
        stockBefore,
      );
      expect((await client.orders.list.query()).orders).toEqual([]);
      expect((await client.cart.get.query()).itemCount).toBe(2);
    }
    expect(sandbox.calls.count('erp', 'GetStock')).toBe(1);
    expect(sandbox.calls.count('orders', 'getOrders')).toBe(1);

    const { orderNo } = await client.orders.place.mutate({
      shipTo: SHIP_TO,
      clientReference: newReference(),
    });

    expect(onHand(bff(), sku)).toBe(stockBefore - 2);
    const page = await bff().client.product.page.query({ sku });
    expect(page.availability?.quantity).toBe(stockBefore - 2);
    expect((await client.orders.list.query()).orders.map((order) => order.orderNo)).toEqual([
      orderNo,
    ]);
    const cart = await client.cart.get.query();
    expect(cart.items).toEqual([]);
    expect(cart.itemCount).toBe(0);
  });
});

describe('the memory bound', () => {
  const BOUND = 300_000;
  const bff = useBff({
    sandbox: { products: 2_200 },
    env: { ...CACHE_ON, CACHE_MAX_BYTES: String(BOUND) },
  });

  it(
    'keeps the memory tier within CACHE_MAX_BYTES while the pages of 2,000 SKUs pass through it',
    { timeout: 120_000 },
    async () => {
      const { app, client } = bff();
      const { cache } = app;
      if (!cache) throw new Error('the cache is off');
      const skus = Array.from({ length: 2_000 }, (_, i) => String(FIRST_GENERATED_SKU + i));
      let largest = 0;
      for (let start = 0; start < skus.length; start += 25) {
        const pages = await Promise.all(
          skus.slice(start, start + 25).map((sku) => client.product.page.query({ sku })),
        );
        for (const page of pages) expect(page.degraded).toEqual([]);
        expect(cache.memory.bytes).toBeLessThanOrEqual(BOUND);
        largest = Math.max(largest, cache.memory.bytes);
      }
      // The bound was reached, so it was the bound (not the traffic) that kept the tier this small.
      expect(largest).toBeGreaterThan(BOUND / 2);
      expect(cache.memory.bytes).toBeLessThanOrEqual(BOUND);
    },
  );
});
