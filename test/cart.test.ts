import { FIXTURE_SKUS as SKU } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { errorOf, useBff, type Bff } from './helpers/bff.js';
import { convert, money, sum, times } from './helpers/exact-money.js';
import { eurPrice, freshShopper, onHand, signedIn, storedCart } from './helpers/shopper.js';
import { useExtraBffs } from './helpers/wire.js';

/** Whether the sandbox's data says a line is available: an active product whose stock covers the quantity. */
function availableInSandbox(bff: Bff, sku: string, quantity: number): boolean {
  return (
    bff.sandbox.store.catalog.bySku.get(sku)?.status === 'ACTIVE' && onHand(bff, sku) >= quantity
  );
}

describe('cart.get', () => {
  // A generous part budget: what these tests show must not depend on how busy the machine is.
  const bff = useBff({ env: { PART_TIMEOUT_MS: '5000' } });

  it("hydrates ann's lines with name, image, unit price, line total and availability, in EUR (her profile's currency)", async () => {
    const cart = await signedIn(bff(), 'ann').cart.get.query();
    const cafe = eurPrice(bff(), SKU.numericReferences);
    expect(cart.items).toEqual([
      {
        sku: '000123',
        name: 'Trail Runner 2 & Co',
        image: 'https://img.example.test/000123/main.jpg',
        quantity: 2,
        unitPrice: money('129.90', 'EUR'),
        lineTotal: money('259.80', 'EUR'),
        available: true, // 12 + 3 on hand
      },
      {
        sku: '000206',
        name: 'Café Crème ☕ Set',
        image: 'https://img.example.test/000206/main.jpg',
        quantity: 1,
        unitPrice: money(convert(cafe, 'EUR'), 'EUR'),
        lineTotal: money(convert(cafe, 'EUR'), 'EUR'),
        available: availableInSandbox(bff(), '000206', 1),
      },
    ]);
    expect(cart.itemCount).toBe(3);
    expect(cart.subtotal).toEqual(money(sum(['259.80', cafe], 'EUR'), 'EUR'));
    expect(cart.version).toBe(1);
    expect(cart.degraded).toEqual([]);
  });

  it("answers zoe's cart in JPY, her profile's currency, with the line total as the rounded unit price × quantity", async () => {
    const cart = await signedIn(bff(), 'zoe').cart.get.query();
    // 0.50 EUR × 162.89 = 81.445 → 81 JPY; the line is 81 × 3 = 243 (not 0.50 × 3 × 162.89 = 244.335 → 244).
    expect(cart.items).toEqual([
      {
        sku: '000220',
        name: 'Fifty Cent Sticker',
        image: 'https://img.example.test/000220/main.jpg',
        quantity: 3,
        unitPrice: money('81', 'JPY'),
        lineTotal: money('243', 'JPY'),
        available: true,
      },
    ]);
    expect(cart.itemCount).toBe(3);
    expect(cart.subtotal).toEqual(money('243', 'JPY'));
    expect(cart.degraded).toEqual([]);
  });

  it("answers ben's cart in GBP: discontinued, stockless and short lines unavailable, the unpriced line without prices and out of the subtotal", async () => {
    const cart = await signedIn(bff(), 'ben').cart.get.query();
    const line = (sku: string) => {
      const found = cart.items.find((item) => item.sku === sku);
      if (!found) throw new Error(`no line ${sku} in ben's cart`);
      return found;
    };
    expect(cart.items.map((item) => [item.sku, item.quantity])).toEqual([
      ['000124', 1],
      ['000211', 2],
      ['000212', 1],
      ['000216', 3],
      ['123', 1],
    ]);

    // 79.00 × 0.83735 = 66.15065 → 66.15
    expect(line(SKU.discontinued)).toMatchObject({
      name: 'Trail Runner 1',
      unitPrice: money('66.15', 'GBP'),
      lineTotal: money('66.15', 'GBP'),
      available: false,
    });
    expect(line(SKU.noPrice)).toMatchObject({
      name: 'Unpriced Tent Peg',
      unitPrice: null,
      lineTotal: null,
      available: availableInSandbox(bff(), '000211', 2),
    });
    const stockless = convert(eurPrice(bff(), SKU.noStockRows), 'GBP');
    expect(line(SKU.noStockRows)).toMatchObject({
      name: 'Stockless Compass',
      unitPrice: money(stockless, 'GBP'),
      lineTotal: money(stockless, 'GBP'),
      available: false,
    });
    // 24.99 × 0.83735 = 20.9253765 → 20.93; × 3 = 62.79; 1 on hand for 3 wanted
    expect(line(SKU.lowStock)).toMatchObject({
      name: 'Last Pair Gaiters',
      unitPrice: money('20.93', 'GBP'),
      lineTotal: money('62.79', 'GBP'),
      available: false,
    });
    // 39.95 × 0.83735 = 33.4521325 → 33.45
    expect(line(SKU.sameDigits)).toMatchObject({
      name: 'Yoga Mat Pro',
      unitPrice: money('33.45', 'GBP'),
      lineTotal: money('33.45', 'GBP'),
      available: availableInSandbox(bff(), '123', 1),
    });

    expect(cart.itemCount).toBe(8);
    expect(cart.subtotal).toEqual(money(sum(['66.15', stockless, '62.79', '33.45'], 'GBP'), 'GBP'));
    expect(cart.degraded).toEqual([]); // a price that is merely absent is not degraded
  });

  it('answers in an asked currency over the profile one', async () => {
    const usd = await signedIn(bff(), 'ann').cart.get.query({ currency: 'USD' });
    // 129.90 × 1.0921 = 141.86379 → 141.86; × 2 = 283.72
    expect(usd.items[0]).toMatchObject({
      sku: '000123',
      unitPrice: money('141.86', 'USD'),
      lineTotal: money('283.72', 'USD'),
    });
    const cafe = convert(eurPrice(bff(), SKU.numericReferences), 'USD');
    expect(usd.items[1]).toMatchObject({
      sku: '000206',
      unitPrice: money(cafe, 'USD'),
      lineTotal: money(cafe, 'USD'),
    });
    expect(usd.subtotal).toEqual(money(sum(['283.72', cafe], 'USD'), 'USD'));

    const eur = await signedIn(bff(), 'ben').cart.get.query({ currency: 'EUR' });
    expect(eur.items.find((item) => item.sku === SKU.lowStock)).toMatchObject({
      unitPrice: money('24.99', 'EUR'),
      lineTotal: money('74.97', 'EUR'),
    });

    const jpy = await signedIn(bff(), 'ann').cart.get.query({ currency: 'JPY' });
    // 129.90 × 162.89 = 21159.411 → 21159; × 2 = 42318
    expect(jpy.items[0]).toMatchObject({
      unitPrice: money('21159', 'JPY'),
      lineTotal: money('42318', 'JPY'),
    });
    expect(jpy.subtotal?.currencyCode).toBe('JPY');
    expect(jpy.degraded).toEqual([]);
  });

  it('answers BAD_REQUEST for a currency that is not EUR or in the ECB file, or not three upper-case letters', async () => {
    const ann = signedIn(bff(), 'ann');
    for (const currency of ['XXX', 'gbp', 'EURO']) {
      const { data } = await errorOf(ann.cart.get.query({ currency }));
      expect(data, currency).toMatchObject({ code: 'BAD_REQUEST', appCode: null });
    }
  });

  it('looks up the whole cart with one GetProducts, one GetStock and one prices call', async () => {
    const { sandbox } = bff();
    await signedIn(bff(), 'ben').cart.get.query();
    expect(sandbox.calls.count('erp', 'GetProducts')).toBe(1);
    expect(sandbox.calls.count('erp', 'GetStock')).toBe(1);
    expect(sandbox.calls.count('pricing', 'getPrices')).toBe(1);
    expect(sandbox.calls.count('erp', 'GetProduct')).toBe(0);
    expect(sandbox.calls.count('cart', 'getCart')).toBe(1);
  });

  it('degrades prices when pricing fails: unit prices, line totals and subtotal null, availability kept', async () => {
    bff().sandbox.faults.inject('pricing', { kind: 'status', status: 503 });
    const cart = await signedIn(bff(), 'ann').cart.get.query();
    expect(cart.items.map((item) => [item.sku, item.unitPrice, item.lineTotal])).toEqual([
      ['000123', null, null],
      ['000206', null, null],
    ]);
    expect(cart.items[0]?.available).toBe(true);
    expect(cart.itemCount).toBe(3);
    expect(cart.subtotal).toBeNull();
    expect(cart.degraded).toEqual(['prices']);
  });

  it('degrades availability when GetStock fails: every line unavailable, prices kept', async () => {
    bff().sandbox.faults.inject('erp', { kind: 'soap-fault' }, { operation: 'GetStock' });
    const cart = await signedIn(bff(), 'ann').cart.get.query();
    expect(cart.items.map((item) => item.available)).toEqual([false, false]);
    expect(cart.items[0]).toMatchObject({
      name: 'Trail Runner 2 & Co',
      unitPrice: money('129.90', 'EUR'),
      lineTotal: money('259.80', 'EUR'),
    });
    expect(cart.subtotal).not.toBeNull();
    expect(cart.degraded).toEqual(['availability']);
  });

  it('names both degraded parts in the declared order when pricing and GetStock fail together', async () => {
    bff().sandbox.faults.inject('erp', { kind: 'status', status: 503 }, { operation: 'GetStock' });
    bff().sandbox.faults.inject('pricing', { kind: 'malformed' });
    const cart = await signedIn(bff(), 'ann').cart.get.query();
    expect(cart.subtotal).toBeNull();
    expect(cart.degraded).toEqual(['prices', 'availability']);
  });
});

describe('cart.get when FX is unavailable', () => {
  const extra = useExtraBffs();

  it('degrades prices in a non-EUR currency and still prices EUR', async () => {
    // A BFF that never fetched the day's rates, so it has none to fall back on.
    const fresh = await extra.start();
    fresh.sandbox.faults.inject('fx', { kind: 'status', status: 503 });
    const zoe = await signedIn(fresh, 'zoe').cart.get.query();
    expect(zoe.items[0]).toMatchObject({
      sku: '000220',
      unitPrice: null,
      lineTotal: null,
      available: true,
    });
    expect(zoe.subtotal).toBeNull();
    expect(zoe.degraded).toEqual(['prices']);

    const ann = await signedIn(fresh, 'ann').cart.get.query();
    expect(ann.subtotal?.currencyCode).toBe('EUR');
    expect(ann.degraded).toEqual([]);
  });
});

describe('cart.setItem', () => {
  const bff = useBff({ env: { PART_TIMEOUT_MS: '5000' } });

  it('adds, changes and removes (quantity 0) lines, answering the whole cart each time', async () => {
    const { userId, client } = await freshShopper(bff());
    const added = await client.cart.setItem.mutate({ sku: SKU.tenEuro, quantity: 2 });
    expect(added).toEqual({
      items: [
        {
          sku: '000219',
          name: 'Ten Euro Gift Card',
          image: 'https://img.example.test/000219/main.jpg',
          quantity: 2,
          unitPrice: money('10.00', 'EUR'),
          lineTotal: money('20.00', 'EUR'),
          available: true,
        },
      ],
      itemCount: 2,
      subtotal: money('20.00', 'EUR'),
      version: 1,
      degraded: [],
    });

    const changed = await client.cart.setItem.mutate({ sku: SKU.tenEuro, quantity: 5 });
    expect(changed.items).toHaveLength(1);
    expect(changed.items[0]).toMatchObject({
      sku: '000219',
      quantity: 5,
      lineTotal: money('50.00', 'EUR'),
    });
    expect(changed.version).toBe(2);

    const second = await client.cart.setItem.mutate({ sku: SKU.fiftyCent, quantity: 3 });
    expect(second.items.map((item) => [item.sku, item.quantity])).toEqual([
      ['000219', 5],
      ['000220', 3],
    ]);
    expect(second.itemCount).toBe(8);
    expect(second.subtotal).toEqual(money('51.50', 'EUR'));

    const removed = await client.cart.setItem.mutate({ sku: SKU.tenEuro, quantity: 0 });
    expect(removed.items.map((item) => [item.sku, item.quantity])).toEqual([['000220', 3]]);
    expect(removed.itemCount).toBe(3);
    expect(removed.subtotal).toEqual(money('1.50', 'EUR'));
    expect(storedCart(bff(), userId)).toEqual([{ sku: '000220', quantity: 3 }]);
    expect(await client.cart.get.query()).toEqual(removed);
  });

  it('answers the changed cart in the asked currency', async () => {
    const { client } = await freshShopper(bff());
    const cart = await client.cart.setItem.mutate({
      sku: SKU.fiftyCent,
      quantity: 3,
      currency: 'JPY',
    });
    expect(cart.items[0]).toMatchObject({
      unitPrice: money('81', 'JPY'),
      lineTotal: money('243', 'JPY'),
    });
    expect(cart.subtotal).toEqual(money(times('81', 3, 'JPY'), 'JPY'));
  });

  it.each([100, -1, 1.5])(
    'answers BAD_REQUEST for quantity %s without touching the cart service',
    async (quantity) => {
      const { userId, client } = await freshShopper(bff());
      await client.cart.setItem.mutate({ sku: SKU.tenEuro, quantity: 1 });
      bff().sandbox.calls.reset();
      const { data } = await errorOf(client.cart.setItem.mutate({ sku: SKU.tenEuro, quantity }));
      expect(data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, appCode: null });
      expect(bff().sandbox.calls.count('cart')).toBe(0);
      expect(storedCart(bff(), userId)).toEqual([{ sku: '000219', quantity: 1 }]);
    },
  );

  it('answers NOT_FOUND PRODUCT_NOT_FOUND for a SKU the ERP does not know and leaves the cart unchanged', async () => {
    const { userId, client } = await freshShopper(bff());
    const before = await client.cart.setItem.mutate({ sku: SKU.tenEuro, quantity: 1 });
    const { data } = await errorOf(client.cart.setItem.mutate({ sku: '999999', quantity: 1 }));
    expect(data).toMatchObject({ code: 'NOT_FOUND', appCode: 'PRODUCT_NOT_FOUND' });
    expect(storedCart(bff(), userId)).toEqual([{ sku: '000219', quantity: 1 }]);
    expect(bff().sandbox.calls.count('cart', 'setCartItem')).toBe(1); // the first line only
    expect(await client.cart.get.query()).toEqual(before);
  });

  it('applies a change whose expectedVersion matches the cart', async () => {
    const { client } = await freshShopper(bff());
    const first = await client.cart.setItem.mutate({ sku: SKU.tenEuro, quantity: 1 });
    const second = await client.cart.setItem.mutate({
      sku: SKU.tenEuro,
      quantity: 4,
      expectedVersion: first.version,
    });
    expect(second.items[0]?.quantity).toBe(4);
    expect(second.version).toBe(first.version + 1);
    const removed = await client.cart.setItem.mutate({
      sku: SKU.tenEuro,
      quantity: 0,
      expectedVersion: second.version,
    });
    expect(removed.items).toEqual([]);
    expect(removed.subtotal).toEqual(money('0.00', 'EUR'));
  });

  it('answers CONFLICT VERSION_CONFLICT for a stale expectedVersion and leaves the cart unchanged', async () => {
    const { userId, client } = await freshShopper(bff());
    const first = await client.cart.setItem.mutate({ sku: SKU.tenEuro, quantity: 1 });
    const current = await client.cart.setItem.mutate({ sku: SKU.fiftyCent, quantity: 2 });
    const { data } = await errorOf(
      client.cart.setItem.mutate({ sku: SKU.tenEuro, quantity: 7, expectedVersion: first.version }),
    );
    expect(data).toMatchObject({ code: 'CONFLICT', httpStatus: 409, appCode: 'VERSION_CONFLICT' });
    const removal = await errorOf(
      client.cart.setItem.mutate({
        sku: SKU.fiftyCent,
        quantity: 0,
        expectedVersion: first.version,
      }),
    );
    expect(removal.data).toMatchObject({ code: 'CONFLICT', appCode: 'VERSION_CONFLICT' });
    expect(storedCart(bff(), userId)).toEqual([
      { sku: '000219', quantity: 1 },
      { sku: '000220', quantity: 2 },
    ]);
    expect(await client.cart.get.query()).toEqual(current);
  });
});

describe('cart.get when a part does not answer in time', () => {
  const extra = useExtraBffs();

  it.each([
    ['prices', 'pricing', undefined],
    ['availability', 'erp', 'GetStock'],
  ] as const)(
    'answers within about PART_TIMEOUT_MS with %s degraded when %s hangs',
    async (part, service, operation) => {
      const partTimeoutMs = 250;
      const fresh = await extra.start({
        env: {
          PART_TIMEOUT_MS: String(partTimeoutMs),
          UPSTREAM_TIMEOUT_MS: '10000',
          ERP_TIMEOUT_MS: '10000',
        },
      });
      fresh.sandbox.faults.inject(
        service,
        { kind: 'hang' },
        operation === undefined ? {} : { operation },
      );
      const started = performance.now();
      const cart = await signedIn(fresh, 'ann').cart.get.query();
      const elapsedMs = performance.now() - started;
      expect(cart.degraded).toEqual([part]);
      expect(cart.items.map((item) => item.sku)).toEqual(['000123', '000206']);
      // Far below the 10 s the upstream calls themselves would wait: the part's budget ended it.
      expect(elapsedMs).toBeLessThan(partTimeoutMs + 2_000);
    },
  );
});

describe('cart with the cache on', () => {
  const extra = useExtraBffs();

  it('answers a change at once in cart.get, even right after a cached read', async () => {
    const cached = await extra.start({ env: { CACHE_MAX_BYTES: '67108864' } });
    const { client } = await freshShopper(cached);
    await client.cart.setItem.mutate({ sku: SKU.tenEuro, quantity: 1 });
    expect((await client.cart.get.query()).itemCount).toBe(1);
    await client.cart.setItem.mutate({ sku: SKU.tenEuro, quantity: 4 });
    const after = await client.cart.get.query();
    expect(after.items.map((item) => [item.sku, item.quantity])).toEqual([['000219', 4]]);
    await client.cart.setItem.mutate({ sku: SKU.tenEuro, quantity: 0 });
    expect((await client.cart.get.query()).items).toEqual([]);
  });
});

describe('cart.setItem for the token’s user', () => {
  const extra = useExtraBffs();

  it("changes zoe's cart only when zoe's token is sent", async () => {
    const fresh = await extra.start();
    const { store } = fresh.sandbox;
    const annBefore = structuredClone(store.carts.get('u-1001'));
    const benBefore = structuredClone(store.carts.get('u-1002'));

    const cart = await signedIn(fresh, 'zoe').cart.setItem.mutate({
      sku: SKU.tenEuro,
      quantity: 1,
    });
    expect(cart.items.map((item) => item.sku)).toEqual(['000220', '000219']);
    expect(storedCart(fresh, 'u-1003')).toEqual([
      { sku: '000220', quantity: 3 },
      { sku: '000219', quantity: 1 },
    ]);
    expect(store.carts.get('u-1001')).toEqual(annBefore);
    expect(store.carts.get('u-1002')).toEqual(benBefore);
    expect(await signedIn(fresh, 'ann').cart.get.query()).toMatchObject({
      itemCount: 3,
      version: 1,
    });
  });
});
