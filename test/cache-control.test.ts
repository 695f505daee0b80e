import { UNKNOWN_SKUS } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { startInstance, useBff } from './helpers/bff.js';
import { CACHE_ON, coldSku, pageInput, priced, publicAges } from './helpers/cache.js';
import { freshShopper } from './helpers/shopper.js';
import { batchPath, rawRequest } from './helpers/wire.js';

describe('Cache-Control for CDNs', () => {
  const bff = useBff({ env: CACHE_ON });

  it('lets CDNs keep product.page, product.search and fx.rates publicly, for no longer than their shortest-lived data', async () => {
    const sku = coldSku(bff(), priced(bff()));
    const page = await rawRequest(bff(), `/trpc/product.page?input=${pageInput(sku)}`);
    const search = await rawRequest(
      bff(),
      `/trpc/product.search?input=${encodeURIComponent(JSON.stringify({ json: { query: 'shoe' } }))}`,
    );
    const rates = await rawRequest(bff(), '/trpc/fx.rates');
    for (const answer of [page, search, rates]) expect(answer.status).toBe(200);

    const ages = [page, search, rates].map((answer) =>
      publicAges(answer.headers.get('cache-control')),
    );
    for (const { maxAge, sMaxAge } of ages) {
      expect(maxAge).toBeGreaterThan(0);
      expect(sMaxAge).toBeGreaterThan(0);
    }
    // A page shows stock (kept 5 s), a search shows prices (kept 10 s), the ECB rates change daily.
    expect(ages[0]?.maxAge).toBeLessThanOrEqual(5);
    expect(ages[0]?.sMaxAge).toBeLessThanOrEqual(5);
    expect(ages[1]?.maxAge).toBeLessThanOrEqual(10);
    expect(ages[2]?.maxAge).toBeLessThanOrEqual(24 * 3600);
  });

  it('marks a degraded product page private, no-store', async () => {
    const sku = coldSku(bff());
    bff().sandbox.faults.inject('reviews', { kind: 'status', status: 503 });
    const page = await rawRequest(bff(), `/trpc/product.page?input=${pageInput(sku)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('"degraded":["reviews"]');
    expect(page.headers.get('cache-control')).toBe('private, no-store');
  });

  it('marks errors private, no-store: an unknown SKU and a failing ERP', async () => {
    const notFound = await rawRequest(
      bff(),
      `/trpc/product.page?input=${pageInput(UNKNOWN_SKUS[0])}`,
    );
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('cache-control')).toBe('private, no-store');
    // Remembered by the BFF, still not for CDNs.
    const again = await rawRequest(bff(), `/trpc/product.page?input=${pageInput(UNKNOWN_SKUS[0])}`);
    expect(again.status).toBe(404);
    expect(again.headers.get('cache-control')).toBe('private, no-store');

    bff().sandbox.faults.inject('erp', { kind: 'soap-fault' }, { operation: 'GetProduct' });
    const failed = await rawRequest(bff(), `/trpc/product.page?input=${pageInput(coldSku(bff()))}`);
    expect(failed.status).toBe(502);
    expect(failed.headers.get('cache-control')).toBe('private, no-store');
  });

  it('marks a signed-in query private, no-store', async () => {
    const token = await bff().sandbox.idp.tokenFor('ann');
    const cart = await rawRequest(bff(), '/trpc/cart.get', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(cart.status).toBe(200);
    expect(cart.headers.get('cache-control')).toBe('private, no-store');
    const dashboard = await rawRequest(bff(), '/trpc/account.dashboard', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.get('cache-control')).toBe('private, no-store');
  });

  it('marks a GET batch of a public product page and a signed-in cart private, no-store', async () => {
    const token = await bff().sandbox.idp.tokenFor('ann');
    const sku = coldSku(bff());
    // Warm and cold alike: the page alone would be public.
    for (let round = 0; round < 2; round++) {
      const batch = await rawRequest(
        bff(),
        batchPath([
          { path: 'product.page', input: { sku } },
          { path: 'cart.get', input: {} },
        ]),
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      expect(batch.status).toBe(200);
      expect(batch.headers.get('cache-control')).toBe('private, no-store');
    }
    const alone = await rawRequest(bff(), `/trpc/product.page?input=${pageInput(sku)}`);
    expect(alone.headers.get('cache-control')).toMatch(/^public\b/);
  });

  it('gives a GET batch of public queries the smallest max-age among its calls', async () => {
    const sku = coldSku(bff(), priced(bff()));
    const single = {
      page: publicAges(
        (await rawRequest(bff(), `/trpc/product.page?input=${pageInput(sku)}`)).headers.get(
          'cache-control',
        ),
      ).maxAge,
      search: publicAges(
        (
          await rawRequest(
            bff(),
            `/trpc/product.search?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`,
          )
        ).headers.get('cache-control'),
      ).maxAge,
      rates: publicAges((await rawRequest(bff(), '/trpc/fx.rates')).headers.get('cache-control'))
        .maxAge,
    };
    expect(single.page).toBeLessThan(single.search);

    const pageAndSearch = await rawRequest(
      bff(),
      batchPath([
        { path: 'product.search', input: {} },
        { path: 'product.page', input: { sku } },
      ]),
    );
    expect(pageAndSearch.status).toBe(200);
    expect(publicAges(pageAndSearch.headers.get('cache-control')).maxAge).toBe(single.page);
    const searchAndRates = await rawRequest(
      bff(),
      batchPath([{ path: 'fx.rates' }, { path: 'product.search', input: {} }]),
    );
    expect(searchAndRates.status).toBe(200);
    expect(publicAges(searchAndRates.headers.get('cache-control')).maxAge).toBe(
      Math.min(single.search, single.rates),
    );
  });

  it('marks a mutation no-store', async () => {
    const { userId } = await freshShopper(bff());
    const token = await bff().sandbox.idp.issueToken({ sub: userId });
    const answer = await rawRequest(bff(), '/trpc/cart.setItem', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { sku: coldSku(bff()), quantity: 1 } }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toContain('no-store');
  });
});

describe('kept encoded answers (public queries answered without tRPC)', () => {
  const bff = useBff({ env: CACHE_ON });
  const get = async (path: string) => {
    const response = await fetch(`${bff().url}${path}`);
    return {
      status: response.status,
      cacheControl: response.headers.get('cache-control'),
      body: await response.text(),
    };
  };

  it('answers a repeated public GET with the same bytes and headers, from memory and with no upstream call', async () => {
    const sku = coldSku(bff(), priced(bff()));
    const path = `/trpc/product.page?input=${pageInput(sku)}`;
    const first = await get(path);
    expect(bff().app.responses?.memory.size).toBe(1);
    bff().sandbox.calls.reset();
    const second = await get(path);
    expect(second).toEqual(first);
    expect(bff().sandbox.calls.snapshot()).toEqual({});
  });

  it('keys a kept answer by procedure and input: other query parameters, key order and spacing do not bust it, another input does', async () => {
    const sku = coldSku(bff(), priced(bff()));
    const first = await get(
      `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku, currency: 'EUR' } }))}`,
    );
    bff().sandbox.calls.reset();
    for (const variant of [
      `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku, currency: 'EUR' } }))}&_=${String(Date.now())}`,
      `/trpc/product.page?_=1&input=${encodeURIComponent(JSON.stringify({ json: { currency: 'EUR', sku } }))}`,
      `/trpc/product.page?input=${encodeURIComponent(`{ "json" : { "sku" : "${sku}", "currency" : "EUR" } }`)}`,
    ]) {
      expect(await get(variant)).toEqual(first);
    }
    expect(bff().sandbox.calls.snapshot()).toEqual({});
    const other = await get(
      `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku, currency: 'USD' } }))}`,
    );
    expect(other.body).toContain('"currencyCode":"USD"');
    expect(bff().sandbox.calls.snapshot()).not.toEqual({});
  });

  it('keeps one answer per call whichever face asks: a page asked over REST is a tRPC hit, and the other way round, each in its own shape', async () => {
    const withHeaders = async (path: string) => {
      const response = await fetch(`${bff().url}${path}`);
      return {
        body: await response.text(),
        contentType: response.headers.get('content-type'),
        timing: response.headers.get('server-timing'),
      };
    };
    const restFirst = coldSku(bff(), priced(bff()));
    const trpcFirst = coldSku(bff(), priced(bff()));
    const restPath = (sku: string) => `/api/v1/products/${sku}?currency=EUR`;
    const trpcPath = (sku: string) =>
      `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { currency: 'EUR', sku } }))}`;

    // What each face writes itself, from a second instance on the same sandbox (its own caches).
    const other = await startInstance(bff().sandbox, CACHE_ON);
    const own = await Promise.all([
      fetch(`${other.url}${trpcPath(restFirst)}`).then((answer) => answer.text()),
      fetch(`${other.url}${restPath(trpcFirst)}`).then((answer) => answer.text()),
    ]).finally(() => other.close());

    const rest = await withHeaders(restPath(restFirst));
    expect(rest.timing).toMatch(/cache;desc="miss"$/);
    bff().sandbox.calls.reset();
    const trpcHit = await withHeaders(trpcPath(restFirst));
    expect(bff().sandbox.calls.snapshot()).toEqual({});
    expect(trpcHit).toEqual({
      body: own[0],
      contentType: 'application/json',
      timing: 'cache;desc="hit"',
    });

    const trpc = await withHeaders(trpcPath(trpcFirst));
    expect(trpc.timing).toMatch(/cache;desc="miss"$/);
    bff().sandbox.calls.reset();
    const restHit = await withHeaders(restPath(trpcFirst));
    expect(bff().sandbox.calls.snapshot()).toEqual({});
    expect(restHit).toEqual({
      body: own[1],
      contentType: 'application/json; charset=utf-8',
      timing: 'cache;desc="hit"',
    });
    // The REST answer is plain JSON: the product's Date as ISO 8601 text.
    expect(JSON.parse(restHit.body)).toMatchObject({
      product: { updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown },
    });
  });

  it('keeps a batch of public queries as tRPC answered it, apart from the same calls made singly', async () => {
    const sku = coldSku(bff(), priced(bff()));
    const batch = `/trpc/product.page,fx.rates?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: { sku } } }))}`;
    const first = await get(batch);
    expect(JSON.parse(first.body)).toHaveLength(2);
    bff().sandbox.calls.reset();
    expect(await get(batch)).toEqual(first);
    expect(bff().sandbox.calls.snapshot()).toEqual({});
    const single = await get(`/trpc/product.page?input=${pageInput(sku)}`);
    expect(Array.isArray(JSON.parse(single.body))).toBe(false);
  });

  it('never keeps a degraded answer, an error or a signed-in query', async () => {
    const { sandbox, app } = bff();
    const before = app.responses?.memory.size ?? 0;
    sandbox.faults.inject('reviews', { kind: 'status', status: 503 });
    const degraded = await get(
      `/trpc/product.page?input=${pageInput(coldSku(bff(), priced(bff())))}`,
    );
    expect(degraded.cacheControl).toBe('private, no-store');
    sandbox.faults.clear();
    expect((await get(`/trpc/product.page?input=${pageInput(UNKNOWN_SKUS[0])}`)).status).toBe(404);
    const shopper = await freshShopper(bff());
    await shopper.client.cart.get.query({});
    expect(app.responses?.memory.size).toBe(before);
  });

  it('drops a kept product page when an order changes its stock', async () => {
    const inStock = (candidate: string): boolean =>
      (bff().sandbox.store.stock.get(candidate) ?? []).some((row) => row.quantity > 0);
    const sku = coldSku(bff(), (candidate) => priced(bff())(candidate) && inStock(candidate));
    const path = `/trpc/product.page?input=${pageInput(sku)}`;
    const before = JSON.parse((await get(path)).body) as {
      result: { data: { json: { availability: { quantity: number } } } };
    };
    const shopper = await freshShopper(bff());
    await shopper.client.cart.setItem.mutate({ sku, quantity: 1 });
    await shopper.client.orders.place.mutate({
      shipTo: { name: 'A', street: 'B 1', city: 'C', postalCode: '1', country: 'DE' },
      clientReference: crypto.randomUUID(),
    });
    const after = JSON.parse((await get(path)).body) as typeof before;
    expect(after.result.data.json.availability.quantity).toBe(
      before.result.data.json.availability.quantity - 1,
    );
  });
});

describe('kept encoded answers and streamed batches', () => {
  const bff = useBff({ env: CACHE_ON });

  it('answers a client that asks for a streamed batch (trpc-accept) from tRPC, not with a kept JSON answer', async () => {
    const path = `/trpc/product.page?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: { sku: '000123' } } }))}`;
    const plain = await fetch(`${bff().url}${path}`);
    const plainBody = await plain.text();
    expect(plain.headers.get('cache-control')).toMatch(/^public/);
    expect(bff().app.responses?.memory.size).toBe(1);
    const streamed = await fetch(`${bff().url}${path}`, {
      headers: { 'trpc-accept': 'application/jsonl' },
    });
    expect(streamed.headers.get('transfer-encoding')).toBe('chunked');
    expect(await streamed.text()).not.toBe(plainBody);
  });
});
