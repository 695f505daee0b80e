import { FIXTURE_SKUS as SKU } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { errorOf, useBff } from './helpers/bff.js';

describe('product.page', () => {
  const bff = useBff();

  it('assembles the document example 000123 from the ERP, pricing, stock, reviews and recommendations', async () => {
    const page = await bff().client.product.page.query({ sku: SKU.example });
    expect(page.product).toEqual({
      sku: '000123',
      name: 'Trail Runner 2 & Co',
      description: '<p>Light <b>trail</b> shoe.</p>',
      brand: 'Northwind',
      category: { code: '0100', name: 'Running shoes' },
      status: 'active',
      attributes: [{ name: 'color', value: 'Red' }],
      images: [{ role: 'main', url: 'https://img.example.test/000123/main.jpg' }],
      weightGrams: 350,
      ean: '0012345678905',
      updatedAt: new Date('2026-10-01T12:00:00Z'),
    });
    expect(page.product.updatedAt).toBeInstanceOf(Date);
    expect(page.price).toEqual({
      current: { amount: '129.90', currencyCode: 'EUR' },
      compareAt: { amount: '149.90', currencyCode: 'EUR' },
      promotion: { code: 'WINTER', label: 'Winter sale' },
    });
    expect(page.availability).toEqual({
      inStock: true,
      quantity: 15,
      warehouses: [
        { code: 'BER', quantity: 12 },
        { code: 'HAM', quantity: 3 },
      ],
    });
    expect(page.rating?.count).toBe(128);
    expect(page.reviews).toHaveLength(3);
    for (const review of page.reviews) expect(review.createdAt).toBeInstanceOf(Date);
    const times = page.reviews.map((r) => r.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(page.degraded).toEqual([]);
  });

  it('hydrates recommendations with one GetProducts and one prices call, leaving out unknown and discontinued SKUs', async () => {
    const { client, sandbox } = bff();
    const page = await client.product.page.query({ sku: SKU.example });
    const skus = page.recommendations.map((r) => r.sku);
    expect(skus).toEqual(['000205', 'TR-2-RED', '123', '000211', '000202', '000206', '000207']);
    expect(skus).not.toContain('999999');
    expect(skus).not.toContain('NO-SUCH-SKU');
    expect(skus).not.toContain(SKU.discontinued);
    expect(page.recommendations.every((r) => r.status === 'active')).toBe(true);
    expect(page.recommendations.find((r) => r.sku === SKU.noPrice)?.price).toBeNull();
    expect(page.recommendations[0]).toEqual({
      sku: '000205',
      name: 'Trail Socks',
      brand: 'Northwind',
      image: 'https://img.example.test/000205/main.jpg',
      price: expect.objectContaining({ currencyCode: 'EUR' }) as unknown,
      status: 'active',
    });
    expect(sandbox.calls.count('erp', 'GetProducts')).toBe(1);
    expect(sandbox.calls.count('pricing', 'getPrices')).toBe(2); // the page's own price and the recommendations'
    expect(sandbox.calls.count('erp', 'GetProduct')).toBe(1);
    expect(sandbox.calls.count('recommendations')).toBe(1);
  });

  it('shows at most 8 recommendations', async () => {
    const { client } = bff();
    for (const sku of ['100000', '100001', '100002', '100003']) {
      const page = await client.product.page.query({ sku });
      expect(page.recommendations.length).toBeLessThanOrEqual(8);
      expect(page.recommendations.map((r) => r.sku)).not.toContain(sku);
    }
  });

  it('converts every price exactly into the asked currency, rounding half away from zero to its minor unit', async () => {
    const { client } = bff();
    const jpy = await client.product.page.query({ sku: SKU.example, currency: 'JPY' });
    expect(jpy.price?.current).toEqual({ amount: '21159', currencyCode: 'JPY' }); // 129.90 × 162.89 = 21159.411
    expect(jpy.price?.compareAt).toEqual({ amount: '24417', currencyCode: 'JPY' }); // 149.90 × 162.89 = 24417.211
    const usd = await client.product.page.query({ sku: SKU.tenEuro, currency: 'USD' });
    expect(usd.price?.current).toEqual({ amount: '10.92', currencyCode: 'USD' }); // 10.00 × 1.0921 = 10.921
    const krw = await client.product.page.query({ sku: SKU.fiftyCent, currency: 'KRW' });
    expect(krw.price?.current).toEqual({ amount: '762', currencyCode: 'KRW' }); // 0.50 × 1523.47 = 761.735
    const isk = await client.product.page.query({ sku: SKU.fiftyCent, currency: 'ISK' });
    expect(isk.price?.current).toEqual({ amount: '75', currencyCode: 'ISK' }); // 0.50 × 149.70 = 74.85
    expect(
      jpy.recommendations.every((r) => r.price === null || r.price.currencyCode === 'JPY'),
    ).toBe(true);
  });

  it('answers NOT_FOUND with appCode PRODUCT_NOT_FOUND for a SKU the ERP does not know', async () => {
    const { data, message } = await errorOf(bff().client.product.page.query({ sku: '999999' }));
    expect(data).toMatchObject({
      code: 'NOT_FOUND',
      appCode: 'PRODUCT_NOT_FOUND',
      httpStatus: 404,
    });
    expect(message).toContain('999999');
  });

  it('answers BAD_REQUEST for a currency that is neither EUR nor in the ECB file', async () => {
    const { data } = await errorOf(
      bff().client.product.page.query({ sku: SKU.example, currency: 'XAU' }),
    );
    expect(data).toMatchObject({ code: 'BAD_REQUEST', appCode: null });
  });
});

describe('product.page over the ERP quirks', () => {
  const bff = useBff();
  const page = (sku: string) => bff().client.product.page.query({ sku });

  it('keeps 000123 and 123 apart', async () => {
    const [zeros, plain] = await Promise.all([page(SKU.example), page(SKU.sameDigits)]);
    expect(zeros.product.name).toBe('Trail Runner 2 & Co');
    expect(plain.product).toMatchObject({ sku: '123', name: 'Yoga Mat Pro' });
  });

  it('keeps names that look like numbers as text', async () => {
    expect((await page(SKU.numericName)).product).toMatchObject({
      sku: '1984',
      name: '1984',
      attributes: [{ name: 'pages', value: '0328' }],
    });
    expect((await page(SKU.zeroPaddedName)).product).toMatchObject({
      sku: '0042',
      name: '0042',
      brand: '0042 Prints',
      weightGrams: 42,
      ean: '0000000000420',
    });
  });

  it('answers null and empty lists for missing elements', async () => {
    expect((await page(SKU.minimal)).product).toMatchObject({
      description: null,
      attributes: [],
      images: [],
      weightGrams: null,
      ean: null,
    });
    expect((await page(SKU.emptyLists)).product).toMatchObject({ attributes: [], images: [] });
  });

  it('reads one, many and main-not-first children', async () => {
    const product = (await page(SKU.manyChildren)).product;
    expect(product.attributes).toHaveLength(4);
    expect(product.images.map((i) => i.role)).toEqual(['side', 'back', 'main', 'detail']);
    expect((await page(SKU.noMainImage)).product.images.map((i) => i.role)).toEqual([
      'side',
      'top',
    ]);
  });

  it('converts kilograms to exact grams', async () => {
    expect((await page(SKU.weightKgExact)).product.weightGrams).toBe(1005);
    expect((await page(SKU.weightKg)).product.weightGrams).toBe(350);
    expect((await page(SKU.longest)).product.weightGrams).toBe(800);
  });

  it('decodes entities and numeric character references and keeps non-ASCII', async () => {
    const refs = (await page(SKU.numericReferences)).product;
    expect(refs.name).toBe('Café Crème ☕ Set');
    expect(refs.brand).toBe('Maison Noël');
    expect(refs.category.name).toBe('Tea & coffee');
    expect(refs.attributes).toEqual([{ name: 'pièces', value: 'Tasse & soucoupe' }]);
    expect(refs.description).toBe('<p>Crème brûlée & café — für zwei.</p>');
    const utf8 = (await page(SKU.nonAscii)).product;
    expect(utf8).toMatchObject({
      name: '日本の茶碗 Café',
      brand: '京都陶器',
      attributes: [{ name: '色', value: '藍色' }],
    });
  });

  it('trims surrounding whitespace of every text', async () => {
    expect((await page(SKU.whitespace)).product).toMatchObject({
      name: 'Padded   Name',
      description: 'Text with space around.',
      brand: 'Spacey Brand',
      category: { code: '1100', name: 'Garden' },
      attributes: [{ name: 'colour', value: 'Green' }],
      weightGrams: 275,
      ean: '4012345000057',
      updatedAt: new Date('2026-10-02T08:00:00Z'),
    });
  });

  it('ignores unknown elements and attributes in any element order', async () => {
    expect((await page(SKU.extraElements)).product).toEqual({
      sku: '000209',
      name: 'Headlamp X',
      description: 'Bright.',
      brand: 'Lumen',
      category: { code: '0400', name: 'Tents' },
      status: 'active',
      attributes: [{ name: 'lumens', value: '400' }],
      images: [{ role: 'main', url: 'https://img.example.test/000209/main.jpg' }],
      weightGrams: 90,
      ean: '4012345000064',
      updatedAt: new Date('2026-10-01T12:00:00Z'),
    });
  });

  it('passes the description on as the ERP wrote it (untrusted HTML) and decodes escaped markup', async () => {
    const product = (await page(SKU.escapedHtml)).product;
    expect(product.description).toBe(
      '<p onclick="steal()">Dotted pages</p><script>alert("x")</script> & "quotes" \'too\'',
    );
    expect(product.name).toBe('Markup Notebook <A5>');
    expect(product.attributes).toEqual([{ name: 'format', value: '<A5> & "dotted"' }]);
  });

  it('shows discontinued products with their status', async () => {
    expect((await page(SKU.discontinued)).product.status).toBe('discontinued');
  });

  it('answers absent parts as absent, not degraded', async () => {
    const noPrice = await page(SKU.noPrice);
    expect(noPrice.price).toBeNull();
    expect(noPrice.degraded).toEqual([]);
    const noStock = await page(SKU.noStockRows);
    expect(noStock.availability).toEqual({ inStock: false, quantity: 0, warehouses: [] });
    const zeroStock = await page(SKU.zeroStock);
    expect(zeroStock.availability).toEqual({
      inStock: false,
      quantity: 0,
      warehouses: [
        { code: 'BER', quantity: 0 },
        { code: 'MUC', quantity: 0 },
      ],
    });
    const noReviews = await page(SKU.noReviews);
    expect(noReviews.rating).toEqual({ average: 0, count: 0 });
    expect(noReviews.reviews).toEqual([]);
    expect([noStock.degraded, zeroStock.degraded, noReviews.degraded]).toEqual([[], [], []]);
  });

  it('serves SKUs with letters, dashes and 32 characters', async () => {
    expect((await page(SKU.alphanumeric)).product.sku).toBe('TR-2-RED');
    expect((await page(SKU.longest)).product.sku).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234');
  });

  it('maps every generated product of a page of search results without a contract error', async () => {
    const { client } = bff();
    const search = await client.product.search.query({ pageSize: 50, page: 3 });
    const pages = [];
    // Ten at a time: this checks contracts, not how the machine copes with load.
    for (let i = 0; i < search.items.length; i += 10) {
      pages.push(
        ...(await Promise.all(
          search.items.slice(i, i + 10).map((item) => client.product.page.query({ sku: item.sku })),
        )),
      );
    }
    for (const [i, result] of pages.entries()) {
      expect(result.product.sku).toBe(search.items[i]?.sku);
      expect(result.degraded).toEqual([]);
    }
  });
});
