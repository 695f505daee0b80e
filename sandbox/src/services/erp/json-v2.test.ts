import { describe, expect, it } from 'vitest';
import { FIXTURE_SKUS, UNKNOWN_SKUS } from '../../data/fixtures.js';
import { callJson, soapCall, useSandbox } from '../../testing/helpers.js';
import { childOf, childrenOf } from '../../xml/read.js';
import { ERP_V2_MAX_ITEMS } from './json-v2.js';
import { CATALOG_NS } from './soap.js';

const sandbox = useSandbox();

const get = (path: string, apiKey?: string | null) =>
  callJson(sandbox(), 'erp-v2', path, apiKey === undefined ? {} : { apiKey });

const shipTo = {
  name: 'Ann Lee',
  street: 'Main 1',
  city: 'Berlin',
  postalCode: '10115',
  countryCode: 'DE',
};

const order = (key: string, lines: { sku: string; qty: number }[], to = shipTo) =>
  callJson(sandbox(), 'erp-v2', '/v2/orders', {
    method: 'POST',
    headers: { 'idempotency-key': key },
    body: { customerId: 'u-v2-test', currency: 'EUR', lines, shipTo: to },
  });

describe('ERP v2 (JSON): products', () => {
  it("answers the document's example product with v2's names and units", async () => {
    const { status, headers, body } = await get(`/v2/products/${FIXTURE_SKUS.example}`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(body).toEqual({
      sku: '000123',
      lifecycle: 'active',
      title: 'Trail Runner 2 & Co',
      descriptionHtml: '<p>Light <b>trail</b> shoe.</p>',
      brand: { name: 'Northwind' },
      category: { code: '0100', label: 'Running shoes' },
      attributes: [{ key: 'color', value: 'Red' }],
      media: [{ kind: 'main', url: 'https://img.example.test/000123/main.jpg' }],
      weightGrams: 350,
      gtin: '0012345678905',
      modifiedAt: Date.parse('2026-10-01T12:00:00Z'),
    });
  });

  it('writes what v1 leaves out as null or [], kilograms as whole grams, other image roles as gallery', async () => {
    const minimal = await get(`/v2/products/${FIXTURE_SKUS.minimal}`);
    expect(minimal.body).toMatchObject({
      descriptionHtml: null,
      attributes: [],
      media: [],
      weightGrams: null,
      gtin: null,
    });
    expect((await get(`/v2/products/${FIXTURE_SKUS.weightKgExact}`)).body).toMatchObject({
      weightGrams: 1005,
    });
    const many = (await get(`/v2/products/${FIXTURE_SKUS.manyChildren}`)).body as {
      media: { kind: string }[];
    };
    expect(many.media.map((m) => m.kind)).toEqual(['gallery', 'gallery', 'main', 'gallery']);
  });

  it('answers an unknown SKU with a product-not-found problem naming it', async () => {
    const { status, headers, body } = await get(`/v2/products/${UNKNOWN_SKUS[0]}`);
    expect(status).toBe(404);
    expect(headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toEqual({
      type: 'urn:erp:problem:product-not-found',
      title: 'Product not found',
      status: 404,
      sku: UNKNOWN_SKUS[0],
    });
  });

  it('answers a batch look-up with the items it knows and the missing ones, at most 50 SKUs', async () => {
    const { status, body } = await get(
      `/v2/products?sku=${FIXTURE_SKUS.example}&sku=${UNKNOWN_SKUS[0]}&sku=${FIXTURE_SKUS.discontinued}`,
    );
    expect(status).toBe(200);
    const { items, missing } = body as {
      items: { sku: string; lifecycle: string }[];
      missing: string[];
    };
    expect(items.map((item) => item.sku).sort()).toEqual(['000123', '000124']);
    expect(items.find((item) => item.sku === '000124')?.lifecycle).toBe('discontinued');
    expect(missing).toEqual([UNKNOWN_SKUS[0]]);
    const tooMany = Array.from(
      { length: ERP_V2_MAX_ITEMS + 1 },
      (_, i) => `sku=${String(100000 + i)}`,
    );
    expect((await get(`/v2/products?${tooMany.join('&')}`)).status).toBe(400);
  });

  it('searches with offset and limit, in SKU order, with the true total and main images only', async () => {
    const first = (await get('/v2/products:search?q=trail&offset=0&limit=2')).body as {
      total: number;
      items: { sku: string; media: { kind: string }[] }[];
    };
    const second = (await get('/v2/products:search?q=trail&offset=2&limit=2')).body as typeof first;
    expect(first.total).toBeGreaterThan(2);
    expect(second.total).toBe(first.total);
    const skus = [...first.items, ...second.items].map((item) => item.sku);
    expect(skus).toEqual([...skus].sort());
    for (const item of [...first.items, ...second.items])
      expect(item.media.every((m) => m.kind === 'main')).toBe(true);
    const past = (await get(`/v2/products:search?q=trail&offset=100000`)).body as typeof first;
    expect(past).toEqual({ total: first.total, items: [] });
    expect((await get('/v2/products:search?limit=51')).status).toBe(400);
  });

  it('answers the same search as SOAP SearchProducts, page for page', async () => {
    const soap = await soapCall(
      sandbox(),
      'SearchProducts',
      '<cat:Query>a</cat:Query><cat:Page>3</cat:Page><cat:PageSize>7</cat:PageSize>',
    );
    const soapSkus = childrenOf(soap.payload, 'Product', CATALOG_NS).map((p) => p.attributes.sku);
    const json = (await get('/v2/products:search?q=a&offset=14&limit=7')).body as {
      total: number;
      items: { sku: string }[];
    };
    expect(json.items.map((item) => item.sku)).toEqual(soapSkus);
    expect(String(json.total)).toBe(soap.payload.attributes.total);
  });
});

describe('ERP v2 (JSON): stock', () => {
  it('reports on hand and reserved per warehouse, where v1 reports what can be sold', async () => {
    const { body } = await get(
      `/v2/stock?sku=${FIXTURE_SKUS.example}&sku=${FIXTURE_SKUS.noStockRows}`,
    );
    expect(body).toEqual({
      levels: [
        { sku: '000123', warehouse: 'BER', onHand: 14, reserved: 2 },
        { sku: '000123', warehouse: 'HAM', onHand: 3, reserved: 0 },
      ],
    });
    const soap = await soapCall(sandbox(), 'GetStock', '<cat:Sku>000123</cat:Sku>');
    const v1 = childrenOf(soap.payload, 'Stock', CATALOG_NS).map((row) => [
      row.attributes.warehouse,
      row.text,
    ]);
    expect(v1).toEqual([
      ['BER', '12'],
      ['HAM', '3'],
    ]);
  });
});

describe('ERP v2 (JSON): orders', () => {
  it('places an order (201), answers the same key again with the first order (200, Idempotent-Replayed)', async () => {
    const key = `v2-${String(Date.now())}-a`;
    const first = await order(key, [{ sku: FIXTURE_SKUS.tenEuro, qty: 2 }]);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      orderNumber: expect.stringMatching(/^SO-\d{4}-\d{6}$/) as unknown,
      state: 'accepted',
      total: { amountMinor: 2000, currency: 'EUR' },
      deliveryDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown,
    });
    const again = await order(key, [{ sku: FIXTURE_SKUS.tenEuro, qty: 5 }]);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(sandbox().store.placedOrders.filter((o) => o.clientReference === key)).toHaveLength(1);
  });

  it('takes a key v1 used as ClientReference as the same order', async () => {
    const key = `v1-then-v2-${String(Date.now())}`;
    const soap = await soapCall(
      sandbox(),
      'PlaceOrder',
      `<cat:CustomerId>u-v2-test</cat:CustomerId><cat:Currency>EUR</cat:Currency><cat:Lines><cat:Line sku="${FIXTURE_SKUS.tenEuro}" quantity="1"/></cat:Lines><cat:ShipTo><cat:Name>A</cat:Name><cat:Street>B</cat:Street><cat:City>C</cat:City><cat:PostalCode>1</cat:PostalCode><cat:Country>DE</cat:Country></cat:ShipTo><cat:ClientReference>${key}</cat:ClientReference>`,
    );
    const orderNo = childOf(soap.payload, 'OrderConfirmation', CATALOG_NS)?.attributes.orderNo;
    const replay = await order(key, [{ sku: FIXTURE_SKUS.tenEuro, qty: 1 }]);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ orderNumber: orderNo });
  });

  it('refuses with the documented problems: out of stock (409), unknown SKU, bad address, too many lines (422)', async () => {
    const refusals: [Awaited<ReturnType<typeof order>>, number, string, string | undefined][] = [
      [
        await order('r-1', [{ sku: FIXTURE_SKUS.lowStock, qty: 2 }]),
        409,
        'out-of-stock',
        FIXTURE_SKUS.lowStock,
      ],
      [await order('r-2', [{ sku: UNKNOWN_SKUS[0], qty: 1 }]), 422, 'unknown-sku', UNKNOWN_SKUS[0]],
      [
        await order('r-3', [{ sku: FIXTURE_SKUS.tenEuro, qty: 1 }], {
          ...shipTo,
          countryCode: 'US',
        }),
        422,
        'invalid-address',
        undefined,
      ],
      [
        await order(
          'r-4',
          Array.from({ length: 101 }, () => ({ sku: FIXTURE_SKUS.tenEuro, qty: 1 })),
        ),
        422,
        'too-many-lines',
        undefined,
      ],
    ];
    for (const [answer, status, type, sku] of refusals) {
      expect(answer.status, type).toBe(status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ type: `urn:erp:problem:${type}`, status });
      expect((answer.body as { sku?: string }).sku).toBe(sku);
    }
  });

  it('refuses an order without an Idempotency-Key', async () => {
    const answer = await callJson(sandbox(), 'erp-v2', '/v2/orders', {
      method: 'POST',
      body: { customerId: 'u', currency: 'EUR', lines: [], shipTo },
    });
    expect(answer.status).toBe(400);
  });
});

describe('ERP v2 (JSON): keys and faults', () => {
  it('answers 401 as a problem without the key, and injected statuses as problems', async () => {
    const without = await get(`/v2/products/${FIXTURE_SKUS.example}`, null);
    expect(without.status).toBe(401);
    expect(without.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    sandbox().faults.inject(
      'erp-v2',
      { kind: 'status', status: 429, retryAfterSeconds: 7 },
      { times: 1 },
    );
    const limited = await get(`/v2/products/${FIXTURE_SKUS.example}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toMatchObject({ status: 429 });
    expect(sandbox().calls.count('erp-v2', 'getProduct')).toBeGreaterThan(0);
  });
});
