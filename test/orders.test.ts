import type { StorefrontClient } from '@storefront/client';
import { FIXTURE_SKUS as SKU } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { errorOf, useBff, type Bff } from './helpers/bff.js';
import { money } from './helpers/exact-money.js';
import {
  freshShopper,
  newReference,
  onHand,
  signedIn,
  storedCart,
  type FreshShopper,
} from './helpers/shopper.js';
import { useExtraBffs } from './helpers/wire.js';

const SHIP_TO = {
  name: 'Ann Lee',
  street: 'Hauptstraße 1',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};

/** A fresh shopper whose cart holds these lines, set through cart.setItem. */
async function shopperWith(
  bff: Bff,
  lines: readonly [sku: string, quantity: number][],
): Promise<FreshShopper> {
  const shopper = await freshShopper(bff);
  for (const [sku, quantity] of lines) await shopper.client.cart.setItem.mutate({ sku, quantity });
  return shopper;
}

const place = (
  client: StorefrontClient,
  shipTo: typeof SHIP_TO = SHIP_TO,
  clientReference = newReference(),
) => client.orders.place.mutate({ shipTo, clientReference });

describe('orders.list', () => {
  const bff = useBff();

  it("lists ann's orders newest first, with Date placedAt and totals in the currency placed", async () => {
    const { orders } = await signedIn(bff(), 'ann').orders.list.query();
    expect(orders).toEqual([
      {
        orderNo: 'SO-2026-000123',
        placedAt: new Date('2026-11-20T08:00:00Z'),
        status: 'SHIPPED',
        total: money('259.80', 'EUR'),
        lineCount: 2,
      },
      {
        orderNo: 'SO-2026-000101',
        placedAt: new Date('2026-10-02T14:12:00Z'),
        status: 'DELIVERED',
        total: money('39.95', 'EUR'),
        lineCount: 1,
      },
      {
        orderNo: 'SO-2026-000077',
        placedAt: new Date('2026-08-15T10:00:00Z'),
        status: 'CANCELLED',
        total: money('120.00', 'EUR'),
        lineCount: 3,
      },
    ]);
    for (const order of orders) expect(order.placedAt).toBeInstanceOf(Date);
  });

  it("keeps ben's EUR order totals in EUR although his profile's currency is GBP", async () => {
    const { orders } = await signedIn(bff(), 'ben').orders.list.query();
    expect(orders).toHaveLength(7);
    expect(orders.every((order) => order.total.currencyCode === 'EUR')).toBe(true);
    expect(orders[0]).toMatchObject({
      orderNo: 'SO-2026-000050',
      status: 'PICKING',
      total: money('20.50', 'EUR'),
    });
    const times = orders.map((order) => order.placedAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('lists no orders for a shopper who has placed none', async () => {
    const { client } = await freshShopper(bff());
    expect(await client.orders.list.query()).toEqual({ orders: [] });
  });
});

describe('orders.place', () => {
  // A generous part budget: the cart.get comparisons must not depend on how busy the machine is.
  const bff = useBff({ env: { PART_TIMEOUT_MS: '5000' } });

  it("places the cart's lines at the ERP's total, empties the cart, lists the order first and decrements stock", async () => {
    const { sandbox } = bff();
    const { userId, client } = await shopperWith(bff(), [
      [SKU.example, 1],
      [SKU.tenEuro, 2],
    ]);
    const stockBefore = {
      example: onHand(bff(), SKU.example),
      tenEuro: onHand(bff(), SKU.tenEuro),
    };
    const reference = newReference();

    const confirmation = await place(client, SHIP_TO, reference);
    expect(confirmation).toEqual({
      orderNo: expect.stringMatching(/^SO-\d{4}-\d{6}$/) as unknown,
      status: 'ACCEPTED',
      total: money('149.90', 'EUR'), // 129.90 + 2 × 10.00, priced by the ERP
      estimatedDelivery: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown,
    });
    expect(sandbox.calls.count('erp', 'PlaceOrder')).toBe(1);
    const placed = sandbox.store.placedOrders.at(-1);
    // The ERP gets a reference of the user's own, never the client's as it is (its idempotency is global).
    expect(placed?.clientReference).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(placed?.clientReference).not.toBe(reference);
    expect(placed).toMatchObject({
      customerId: userId,
      currency: 'EUR',
      lines: [
        { sku: '000123', quantity: 1 },
        { sku: '000219', quantity: 2 },
      ],
      shipTo: SHIP_TO,
    });

    expect(storedCart(bff(), userId)).toEqual([]);
    const cart = await client.cart.get.query();
    expect(cart.items).toEqual([]);
    expect(cart.itemCount).toBe(0);

    const { orders } = await client.orders.list.query();
    expect(orders[0]).toMatchObject({
      orderNo: confirmation.orderNo,
      status: 'ACCEPTED',
      total: money('149.90', 'EUR'),
      lineCount: 2,
    });
    expect(orders[0]?.placedAt).toBeInstanceOf(Date);

    expect(onHand(bff(), SKU.example)).toBe(stockBefore.example - 1);
    expect(onHand(bff(), SKU.tenEuro)).toBe(stockBefore.tenEuro - 2);
  });

  it('keeps the order total in EUR, the currency the ERP placed it in, for zoe whose profile is in JPY', async () => {
    const zoe = signedIn(bff(), 'zoe');
    const confirmation = await place(zoe, { ...SHIP_TO, name: 'Zoë Ōkubo' });
    expect(confirmation.total).toEqual(money('1.50', 'EUR')); // 3 × 0.50
    const { orders } = await zoe.orders.list.query();
    expect(orders[0]?.total).toEqual(money('1.50', 'EUR'));
    expect(storedCart(bff(), 'u-1003')).toEqual([]);
  });

  it('places an order once for a clientReference sent twice: the same orderNo, one ERP order, stock decremented once', async () => {
    const { sandbox } = bff();
    const { userId, client } = await shopperWith(bff(), [[SKU.tenEuro, 3]]);
    const stockBefore = onHand(bff(), SKU.tenEuro);
    const ordersBefore = sandbox.store.placedOrders.length;
    const reference = newReference();

    const first = await place(client, SHIP_TO, reference);
    expect(storedCart(bff(), userId)).toEqual([]);
    // The retry finds the cart emptied by the first attempt and still gets the first confirmation.
    const second = await place(client, SHIP_TO, reference);
    expect(second).toEqual(first);

    expect(sandbox.store.placedOrders.length).toBe(ordersBefore + 1);
    expect(onHand(bff(), SKU.tenEuro)).toBe(stockBefore - 3);
    const { orders } = await client.orders.list.query();
    expect(orders.map((order) => order.orderNo)).toEqual([first.orderNo]);
  });

  it('leaves lines added after an order in the cart when that order is retried with its clientReference', async () => {
    const { userId, client } = await shopperWith(bff(), [[SKU.tenEuro, 1]]);
    const reference = newReference();
    const first = await place(client, SHIP_TO, reference);
    await client.cart.setItem.mutate({ sku: SKU.fiftyCent, quantity: 4 });

    const retried = await place(client, SHIP_TO, reference);

    expect(retried).toEqual(first);
    expect(storedCart(bff(), userId)).toEqual([{ sku: SKU.fiftyCent, quantity: 4 }]);
    expect(
      bff().sandbox.store.placedOrders.filter((order) => order.customerId === userId),
    ).toHaveLength(1);
  });

  it('answers BAD_REQUEST EMPTY_CART for a new clientReference and an empty cart', async () => {
    const { sandbox } = bff();
    const { client } = await freshShopper(bff());
    const ordersBefore = sandbox.store.placedOrders.length;
    const { data } = await errorOf(place(client));
    expect(data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, appCode: 'EMPTY_CART' });
    expect(sandbox.store.placedOrders.length).toBe(ordersBefore);
  });

  it('answers CONFLICT OUT_OF_STOCK naming the SKU when a line exceeds the stock, and leaves the cart as it was', async () => {
    const { userId, client } = await shopperWith(bff(), [
      [SKU.tenEuro, 1],
      [SKU.lowStock, 2],
    ]);
    const before = await client.cart.get.query();
    const { data } = await errorOf(place(client));
    expect(data).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      appCode: 'OUT_OF_STOCK',
      sku: '000216',
    });
    expect(storedCart(bff(), userId)).toEqual([
      { sku: '000219', quantity: 1 },
      { sku: '000216', quantity: 2 },
    ]);
    expect(await client.cart.get.query()).toEqual(before);
    expect(onHand(bff(), SKU.lowStock)).toBe(1);
  });

  it('answers BAD_REQUEST INVALID_ADDRESS for a country the ERP does not ship to, and leaves the cart as it was', async () => {
    const { userId, client } = await shopperWith(bff(), [[SKU.tenEuro, 1]]);
    const version = (await client.cart.get.query()).version;
    const { data } = await errorOf(place(client, { ...SHIP_TO, country: 'US' }));
    expect(data).toMatchObject({
      code: 'BAD_REQUEST',
      httpStatus: 400,
      appCode: 'INVALID_ADDRESS',
    });
    expect(storedCart(bff(), userId)).toEqual([{ sku: '000219', quantity: 1 }]);
    expect((await client.cart.get.query()).version).toBe(version);
  });

  it('answers CONFLICT PRODUCT_NOT_FOUND naming the SKU for a cart line the ERP does not know, and leaves the cart as it was', async () => {
    const { sandbox } = bff();
    const { userId, client } = await shopperWith(bff(), [[SKU.tenEuro, 1]]);
    // Only the cart service itself takes a SKU the ERP does not know (cart.setItem refuses it).
    const put = await fetch(`${sandbox.urls.cart}/carts/${userId}/items/999999`, {
      method: 'PUT',
      headers: { 'x-api-key': sandbox.keys.cart, 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 1 }),
    });
    expect(put.status).toBe(200);

    const { data } = await errorOf(place(client));
    expect(data).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      appCode: 'PRODUCT_NOT_FOUND',
      sku: '999999',
    });
    expect(storedCart(bff(), userId)).toEqual([
      { sku: '000219', quantity: 1 },
      { sku: '999999', quantity: 1 },
    ]);
  });

  it('answers BAD_GATEWAY when PlaceOrder returns a soap:Server fault, and leaves the cart as it was', async () => {
    const { userId, client } = await shopperWith(bff(), [[SKU.tenEuro, 2]]);
    bff().sandbox.faults.inject(
      'erp',
      { kind: 'soap-fault', message: 'ORA-01034 at db01.erp.internal' },
      { operation: 'PlaceOrder' },
    );
    const { message, data } = await errorOf(place(client));
    expect(data).toMatchObject({
      code: 'BAD_GATEWAY',
      httpStatus: 502,
      appCode: 'UPSTREAM_UNAVAILABLE',
    });
    expect(message).not.toContain('ORA-01034');
    expect(storedCart(bff(), userId)).toEqual([{ sku: '000219', quantity: 2 }]);
    expect(bff().sandbox.calls.count('cart', 'clearCart')).toBe(0);
  });
});

describe('orders.place input', () => {
  const bff = useBff();

  it.each([
    ['an ampersand', 'Smith & Sons'],
    ['angle brackets', '<b>bold</b> > less < more'],
    ['a CDATA terminator', 'end ]]> here'],
    ['double quotes', 'say "hello"'],
    ['apostrophes', "O'Brien's"],
    ['a CDATA section', '<![CDATA[x]]>'],
    ['closing and opening tags', '</Name><Country>DE</Country>'],
    ['an entity reference', '&amp; &lt; &#233;'],
    ['Latin non-ASCII', 'Zoë Ōkubo'],
    ['CJK', '日本'],
    ['emoji', 'Café ☕ 🎉👩‍👩‍👧'],
    ['leading and trailing spaces', '  padded  '],
    ['a tab and a line feed', 'line\tone\nline two'],
  ])('carries %s in every shipTo field to the ERP exactly as typed', async (_, text) => {
    const { sandbox } = bff();
    const { client } = await shopperWith(bff(), [[SKU.tenEuro, 1]]);
    const shipTo = {
      name: text,
      street: `${text} 1`,
      city: text,
      postalCode: text.length <= 20 ? text : '10115',
      country: 'DE',
    };
    const confirmation = await place(client, shipTo);
    expect(confirmation.status).toBe('ACCEPTED');
    const placed = sandbox.store.placedOrders.at(-1);
    expect(placed?.confirmation.orderNo).toBe(confirmation.orderNo);
    expect(placed?.shipTo).toEqual(shipTo);
    expect(placed?.lines).toEqual([{ sku: '000219', quantity: 1 }]);
  });

  const fields = ['name', 'street', 'city', 'postalCode'] as const;
  const controls = [
    ['U+0001', 'Ann\u0001Lee'],
    ['U+0000', 'Ann\u0000Lee'],
    ['U+001B', '\u001B[31m'],
    ['U+FFFF', 'Ann\uFFFF'],
  ] as const;
  it.each(
    fields.flatMap((field) => controls.map(([label, text]) => [field, label, text] as const)),
  )('answers BAD_REQUEST without calling PlaceOrder for %s holding %s', async (field, _, text) => {
    const { sandbox } = bff();
    const { userId, client } = await shopperWith(bff(), [[SKU.tenEuro, 1]]);
    sandbox.calls.reset();
    const { data } = await errorOf(place(client, { ...SHIP_TO, [field]: text }));
    expect(data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, appCode: null });
    expect(sandbox.calls.count('erp', 'PlaceOrder')).toBe(0);
    expect(storedCart(bff(), userId)).toEqual([{ sku: '000219', quantity: 1 }]);
  });

  it.each([
    ['not a uuid', 'order-1'],
    ['empty', ''],
    ['a uuid with a trailing character', '3f2504e0-4f89-41d3-9a0c-0305e82c3301x'],
  ])(
    'answers BAD_REQUEST without calling PlaceOrder for a clientReference that is %s',
    async (_, clientReference) => {
      const { sandbox } = bff();
      const { client } = await shopperWith(bff(), [[SKU.tenEuro, 1]]);
      sandbox.calls.reset();
      const { data } = await errorOf(place(client, SHIP_TO, clientReference));
      expect(data).toMatchObject({ code: 'BAD_REQUEST', appCode: null });
      expect(sandbox.calls.count('erp', 'PlaceOrder')).toBe(0);
    },
  );

  it.each([
    ['an empty name', { ...SHIP_TO, name: '' }],
    ['a blank city', { ...SHIP_TO, city: '   ' }],
    ['a lower-case country', { ...SHIP_TO, country: 'de' }],
    ['a three-letter country', { ...SHIP_TO, country: 'DEU' }],
  ])('answers BAD_REQUEST for %s and leaves the cart as it was', async (_, shipTo) => {
    const { sandbox } = bff();
    const { userId, client } = await shopperWith(bff(), [[SKU.tenEuro, 1]]);
    const ordersBefore = sandbox.store.placedOrders.length;
    const { data } = await errorOf(place(client, shipTo));
    // The schema or the ERP (INVALID_ADDRESS) may refuse it: docs/api.md allows either.
    expect(data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(sandbox.store.placedOrders.length).toBe(ordersBefore);
    expect(storedCart(bff(), userId)).toEqual([{ sku: '000219', quantity: 1 }]);
  });
});

describe('orders.place with the cache on', () => {
  const extra = useExtraBffs();

  it('shows the placed order, the emptied cart and the decremented stock at once, though they were read just before', async () => {
    const cached = await extra.start({ env: { CACHE_MAX_BYTES: '67108864' } });
    const { client } = await shopperWith(cached, [[SKU.tenEuro, 2]]);
    // Warm whatever the BFF keeps of this shopper's cart and orders and of the SKU's stock.
    expect((await client.cart.get.query()).itemCount).toBe(2);
    expect((await client.orders.list.query()).orders).toEqual([]);
    const before = (await cached.client.product.page.query({ sku: SKU.tenEuro })).availability
      ?.quantity;
    expect(before).toBe(onHand(cached, SKU.tenEuro));

    const confirmation = await place(client);
    expect((await client.orders.list.query()).orders.map((order) => order.orderNo)).toEqual([
      confirmation.orderNo,
    ]);
    expect((await client.cart.get.query()).items).toEqual([]);
    const after = (await cached.client.product.page.query({ sku: SKU.tenEuro })).availability
      ?.quantity;
    expect(after).toBe((before ?? 0) - 2);
  });
});

describe('orders.place when the ERP does not answer in time', () => {
  const extra = useExtraBffs();

  it('answers GATEWAY_TIMEOUT when PlaceOrder hangs past ERP_TIMEOUT_MS', async () => {
    const slow = await extra.start({ env: { ERP_TIMEOUT_MS: '300' } });
    const { client } = await shopperWith(slow, [[SKU.tenEuro, 1]]);
    slow.sandbox.faults.inject('erp', { kind: 'hang' }, { operation: 'PlaceOrder' });
    const { data } = await errorOf(place(client));
    expect(data).toMatchObject({
      code: 'GATEWAY_TIMEOUT',
      httpStatus: 504,
      appCode: 'UPSTREAM_UNAVAILABLE',
    });
  });
});
