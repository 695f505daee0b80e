import { describe, expect, it } from 'vitest';
import { errorOf, useBff } from './helpers/bff.js';

describe('product.search', () => {
  const bff = useBff();
  const catalog = () => bff().sandbox.store.catalog.ordered;

  it('finds a case-insensitive substring of the name or the brand, in the ERP order (by SKU), discontinued included', async () => {
    const result = await bff().client.product.search.query({ query: 'TRAIL', pageSize: 50 });
    const expected = catalog().filter(
      (p) =>
        p.name.trim().toLowerCase().includes('trail') ||
        p.brand.trim().toLowerCase().includes('trail'),
    );
    expect(result.total).toBe(expected.length);
    expect(result.items.map((i) => i.sku)).toEqual(expected.slice(0, 50).map((p) => p.sku));
    expect(result.items.find((i) => i.sku === '000124')?.status).toBe('discontinued');
    expect(result.items[0]).toEqual({
      sku: '000123',
      name: 'Trail Runner 2 & Co',
      brand: 'Northwind',
      image: 'https://img.example.test/000123/main.jpg',
      price: { amount: '129.90', currencyCode: 'EUR' },
      status: 'active',
    });
    expect(result.degraded).toEqual([]);
  });

  it('matches everything without a query, and filters by category code exactly', async () => {
    const all = await bff().client.product.search.query({});
    expect(all).toMatchObject({
      page: 1,
      pageSize: 20,
      total: catalog().length,
      totalPages: Math.ceil(catalog().length / 20),
    });
    const books = await bff().client.product.search.query({ category: '0700', pageSize: 50 });
    expect(books.total).toBe(catalog().filter((p) => p.category.code.trim() === '0700').length);
    expect(books.items.map((i) => i.sku)).toContain('1984');
  });

  it('pages: the second page follows the first, a page past the end is empty with the true total, total 0 gives 0 pages', async () => {
    const { client } = bff();
    const first = await client.product.search.query({ query: 'a', pageSize: 5, page: 1 });
    const second = await client.product.search.query({ query: 'a', pageSize: 5, page: 2 });
    const expected = catalog()
      .filter((p) => p.name.toLowerCase().includes('a') || p.brand.toLowerCase().includes('a'))
      .map((p) => p.sku);
    expect([...first.items, ...second.items].map((i) => i.sku)).toEqual(expected.slice(0, 10));
    const past = await client.product.search.query({ query: 'a', pageSize: 5, page: 9999 });
    expect(past).toMatchObject({
      items: [],
      total: first.total,
      totalPages: Math.ceil(first.total / 5),
      page: 9999,
    });
    const none = await client.product.search.query({ query: 'no product has this name' });
    expect(none).toMatchObject({ items: [], total: 0, totalPages: 0 });
  });

  it('prices a page with one prices call, in the asked currency; products without a main image show none', async () => {
    const { client, sandbox } = bff();
    const result = await client.product.search.query({ query: 'Camp Mug', currency: 'GBP' });
    expect(result.items).toEqual([
      {
        sku: '000203',
        name: 'Camp Mug',
        brand: 'Basics',
        image: null,
        price: expect.objectContaining({ currencyCode: 'GBP' }) as unknown,
        status: 'active',
      },
    ]);
    expect(sandbox.calls.count('pricing', 'getPrices')).toBe(1);
  });

  it('degrades prices, not the search, when pricing fails', async () => {
    const { client, sandbox } = bff();
    sandbox.faults.inject('pricing', { kind: 'status', status: 503 });
    const result = await client.product.search.query({ query: 'trail' });
    expect(result.items.length).toBeGreaterThan(0);
    expect(result.items.every((i) => i.price === null)).toBe(true);
    expect(result.degraded).toEqual(['prices']);
  });

  it('refuses a pageSize over 50 and a page below 1', async () => {
    expect((await errorOf(bff().client.product.search.query({ pageSize: 51 }))).data).toMatchObject(
      { code: 'BAD_REQUEST', appCode: null },
    );
    expect((await errorOf(bff().client.product.search.query({ page: 0 }))).data).toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
