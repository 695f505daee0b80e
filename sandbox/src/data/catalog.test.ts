import { describe, expect, it } from 'vitest';
import { CATEGORIES, createCatalog, FIRST_GENERATED_SKU, type Catalog } from './catalog.js';
import { DEMO_USERS, FIXTURE_PRODUCTS, FIXTURE_SKUS } from './fixtures.js';
import type { CatalogProduct } from './model.js';

/** Built once: generating is deterministic, so the tests can share it. */
const standard = createCatalog();

const generatedOf = (catalog: Catalog): CatalogProduct[] =>
  catalog.ordered.filter(
    (product) => Number(product.sku) >= FIRST_GENERATED_SKU && /^\d{6}$/.test(product.sku),
  );

function eanCheckDigitOk(ean: string): boolean {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(ean[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(ean[12]);
}

describe('createCatalog', () => {
  it('generates the same products, prices and stock twice for the same seed', () => {
    const again = createCatalog({ seed: 42 });

    expect(again.ordered).toEqual(standard.ordered);
    expect(again.prices).toEqual(standard.prices);
    expect(again.stock).toEqual(standard.stock);
    expect(again.reviews('100010', 5)).toEqual(standard.reviews('100010', 5));
  });

  it('generates different products for another seed, the fixtures unchanged', () => {
    const other = createCatalog({ seed: 7 });

    expect(generatedOf(other)).not.toEqual(generatedOf(standard));
    expect(other.bySku.get(FIXTURE_SKUS.example)).toEqual(standard.bySku.get(FIXTURE_SKUS.example));
    expect(other.prices.get(FIXTURE_SKUS.example)).toEqual(
      standard.prices.get(FIXTURE_SKUS.example),
    );
  });

  it('holds 5,000 products by default, the fixtures included', () => {
    expect(standard.bySku.size).toBe(5000);
    expect(standard.ordered).toHaveLength(5000);
    expect(generatedOf(standard)).toHaveLength(5000 - FIXTURE_PRODUCTS.length);
  });

  it('numbers generated SKUs consecutively from FIRST_GENERATED_SKU', () => {
    const skus = generatedOf(standard).map((product) => Number(product.sku));

    expect(skus[0]).toBe(FIRST_GENERATED_SKU);
    expect(skus.at(-1)).toBe(FIRST_GENERATED_SKU + skus.length - 1);
  });

  it('spreads products over at least 12 categories, each with its code and name', () => {
    const codes = new Set(standard.ordered.map((product) => product.category.code));

    expect(codes.size).toBeGreaterThanOrEqual(12);
    for (const category of CATEGORIES) expect(codes).toContain(category.code);
    for (const product of generatedOf(standard)) {
      expect(CATEGORIES.find((category) => category.code === product.category.code)?.name).toBe(
        product.category.name,
      );
    }
  });

  it('builds the size it is asked for (100,000 products)', () => {
    const large = createCatalog({ products: 100_000 });

    expect(large.bySku.size).toBe(100_000);
    expect(large.ordered).toHaveLength(100_000);
    expect(
      large.bySku.has(String(FIRST_GENERATED_SKU + 100_000 - FIXTURE_PRODUCTS.length - 1)),
    ).toBe(true);
    for (const sku of Object.values(FIXTURE_SKUS)) expect(large.bySku.has(sku)).toBe(true);
  });

  it('keeps every fixture, whatever the size', () => {
    const tiny = createCatalog({ products: 1 });

    expect(tiny.ordered).toHaveLength(FIXTURE_PRODUCTS.length);
    for (const sku of Object.values(FIXTURE_SKUS)) expect(tiny.bySku.has(sku)).toBe(true);
    for (const product of FIXTURE_PRODUCTS) expect(tiny.bySku.get(product.sku)).toEqual(product);
    expect(tiny.prices.has(FIXTURE_SKUS.noPrice)).toBe(false);
    expect(tiny.prices.get(FIXTURE_SKUS.tenEuro)).toEqual({
      amount: '10.00',
      compareAt: null,
      promotion: null,
    });
    expect(tiny.reviewCount(FIXTURE_SKUS.example)).toBe(128);
    expect(tiny.reviewCount(FIXTURE_SKUS.noReviews)).toBe(0);
  });

  it('orders products by SKU, ascending by character code (100000 before 123, digits before letters)', () => {
    const skus = standard.ordered.map((product) => product.sku);

    for (let i = 1; i < skus.length; i++) expect((skus[i - 1] ?? '') < (skus[i] ?? '')).toBe(true);
    expect(skus.indexOf('100000')).toBeLessThan(skus.indexOf('123'));
    expect(skus.indexOf('000123')).toBeLessThan(skus.indexOf('0042'));
    expect(skus.indexOf('999')).toBe(-1);
    expect(skus.indexOf('1984')).toBeLessThan(skus.indexOf(FIXTURE_SKUS.longest));
    expect(skus.indexOf(FIXTURE_SKUS.longest)).toBeLessThan(
      skus.indexOf(FIXTURE_SKUS.alphanumeric),
    );
  });
});

describe('the generated products (not the fixtures) carry every quirk of the ERP', () => {
  const generated = generatedOf(standard);
  const count = (predicate: (product: CatalogProduct) => boolean): number =>
    generated.filter(predicate).length;

  it('has products with missing, empty, one and many attributes', () => {
    expect(count((p) => p.attributes === undefined)).toBeGreaterThan(0);
    expect(count((p) => p.attributes?.length === 0)).toBeGreaterThan(0);
    expect(count((p) => p.attributes?.length === 1)).toBeGreaterThan(0);
    expect(count((p) => (p.attributes?.length ?? 0) > 1)).toBeGreaterThan(0);
  });

  it('has products with missing, empty, one and many images, some with the main image not first or absent', () => {
    expect(count((p) => p.images === undefined)).toBeGreaterThan(0);
    expect(count((p) => p.images?.length === 0)).toBeGreaterThan(0);
    expect(count((p) => p.images?.length === 1)).toBeGreaterThan(0);
    expect(count((p) => (p.images?.length ?? 0) > 1)).toBeGreaterThan(0);
    expect(
      count(
        (p) =>
          (p.images?.length ?? 0) > 1 &&
          p.images?.[0]?.role !== 'main' &&
          p.images?.some((image) => image.role === 'main') === true,
      ),
    ).toBeGreaterThan(0);
    expect(
      count(
        (p) =>
          (p.images?.length ?? 0) > 0 && p.images?.every((image) => image.role !== 'main') === true,
      ),
    ).toBeGreaterThan(0);
  });

  it('has weights in kg and in g, and products without a weight', () => {
    expect(count((p) => p.weight?.unit === 'kg')).toBeGreaterThan(0);
    expect(count((p) => p.weight?.unit === 'g')).toBeGreaterThan(0);
    expect(count((p) => p.weight === undefined)).toBeGreaterThan(0);
    for (const product of generated)
      if (product.weight) expect(product.weight.value).toMatch(/^\d+(\.\d+)?$/);
  });

  it('has products without a description, and descriptions both as CDATA and escaped text', () => {
    expect(count((p) => p.description === undefined)).toBeGreaterThan(0);
    expect(count((p) => p.description?.encoding === 'cdata')).toBeGreaterThan(0);
    expect(count((p) => p.description?.encoding === 'escaped')).toBeGreaterThan(0);
  });

  it('has products without an EAN, and EANs of 13 digits with a valid check digit, some with leading zeros', () => {
    expect(count((p) => p.ean === undefined)).toBeGreaterThan(0);
    for (const product of generated) {
      if (product.ean === undefined) continue;
      expect(product.ean).toMatch(/^\d{13}$/);
      expect(eanCheckDigitOk(product.ean)).toBe(true);
    }
    expect(count((p) => p.ean?.startsWith('0') === true)).toBeGreaterThan(0);
  });

  it('has discontinued products and products with extra elements', () => {
    expect(count((p) => p.status === 'DISCONTINUED')).toBeGreaterThan(0);
    expect(count((p) => p.status === 'ACTIVE')).toBeGreaterThan(0);
    expect(count((p) => p.extraElements === true)).toBeGreaterThan(0);
  });

  it('has non-ASCII names and brands', () => {
    expect(count((p) => /[^\p{ASCII}]/u.test(p.name))).toBeGreaterThan(0);
    expect(count((p) => /[^\p{ASCII}]/u.test(p.brand))).toBeGreaterThan(0);
  });

  it('has products without a price, and prices with and without compareAt and promotion', () => {
    const prices = generated.map((product) => standard.prices.get(product.sku));

    expect(prices.filter((price) => price === undefined).length).toBeGreaterThan(0);
    expect(prices.filter((price) => price?.compareAt === null).length).toBeGreaterThan(0);
    expect(
      prices.filter((price) => price?.compareAt !== null && price?.compareAt !== undefined).length,
    ).toBeGreaterThan(0);
    expect(prices.filter((price) => price?.promotion === null).length).toBeGreaterThan(0);
    expect(
      prices.filter((price) => price?.promotion !== null && price?.promotion !== undefined).length,
    ).toBeGreaterThan(0);
    for (const price of prices) if (price) expect(price.amount).toMatch(/^\d+\.\d{2}$/);
  });

  it('has products without stock rows and rows that hold 0', () => {
    const stock = generated.map((product) => standard.stock.get(product.sku) ?? []);

    expect(stock.filter((rows) => rows.length === 0).length).toBeGreaterThan(0);
    expect(stock.filter((rows) => rows.some((row) => row.quantity === 0)).length).toBeGreaterThan(
      0,
    );
  });

  it('has products without reviews and products with many', () => {
    expect(count((p) => standard.reviewCount(p.sku) === 0)).toBeGreaterThan(0);
    expect(count((p) => standard.reviewCount(p.sku) > 100)).toBeGreaterThan(0);
  });
});

describe('the catalog’s reviews and recommendations', () => {
  it('answers reviews newest first and averages all of them', () => {
    const { average, count, reviews } = standard.reviews(FIXTURE_SKUS.example, 200);

    expect(count).toBe(128);
    expect(reviews).toHaveLength(128);
    const createdAt = reviews.map((review) => review.createdAt);
    expect(createdAt).toEqual([...createdAt].sort().reverse());
    const sum = reviews.reduce((total, review) => total + review.rating, 0);
    expect(average).toBe(Math.round((sum / count) * 10) / 10);
  });

  it('lists each SKU at most once in a user’s recommendations, whatever the limit', () => {
    for (const catalog of [createCatalog({ products: 500 }), standard]) {
      for (const user of DEMO_USERS) {
        for (let limit = 1; limit <= 50; limit++) {
          const skus = catalog
            .recommendationsForUser(user.userId, user.wishlist, limit)
            .map((item) => item.sku);
          expect(skus).toHaveLength(limit);
          expect(new Set(skus).size).toBe(limit);
        }
      }
    }
  });
});
