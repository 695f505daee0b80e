import { describe, expect, it } from 'vitest';
import { catalogProduct, eur, failed, ok } from '../testing/records.js';
import { converterFor } from './currency.js';
import {
  availabilityView,
  mainImage,
  productPage,
  searchView,
  type ProductPageParts,
} from './product.js';

const toEur = converterFor('EUR', undefined);

function parts(overrides: Partial<ProductPageParts> = {}): ProductPageParts {
  const recommended = ['R1', 'R2', 'R3'];
  return {
    product: catalogProduct('000123'),
    convert: toEur,
    price: ok(eur('129.90')),
    availability: ok([{ warehouse: 'BER', quantity: 12 }]),
    reviews: ok({ summary: { average: 4.4, count: 5 }, reviews: [] }),
    recommendations: ok({
      skus: recommended,
      products: new Map(recommended.map((sku) => [sku, catalogProduct(sku)])),
    }),
    recommendationPrices: ok(new Map([['R1', eur('10')]])),
    ...overrides,
  };
}

describe('mainImage', () => {
  it('shows the image with role main, else the first, else none', () => {
    expect(
      mainImage([
        { role: 'thumb', url: 'a' },
        { role: 'main', url: 'b' },
      ]),
    ).toBe('b');
    expect(
      mainImage([
        { role: null, url: 'a' },
        { role: 'thumb', url: 'b' },
      ]),
    ).toBe('a');
    expect(mainImage([])).toBeNull();
  });
});

describe('availabilityView', () => {
  it('counts negative rows as none and says out of stock without rows', () => {
    expect(
      availabilityView([
        { warehouse: 'BER', quantity: -2 },
        { warehouse: 'HAM', quantity: 3 },
      ]),
    ).toEqual({
      inStock: true,
      quantity: 3,
      warehouses: [
        { code: 'BER', quantity: 0 },
        { code: 'HAM', quantity: 3 },
      ],
    });
    expect(availabilityView([])).toEqual({ inStock: false, quantity: 0, warehouses: [] });
  });
});

describe('productPage', () => {
  it('builds the whole page with nothing degraded when every part answered', () => {
    const page = productPage(parts());
    expect(page.product).toMatchObject({
      sku: '000123',
      status: 'active',
      images: [{ role: 'main', url: 'https://img.example.test/000123/main.jpg' }],
    });
    expect(page.price).toEqual({
      current: { amount: '129.90', currencyCode: 'EUR' },
      compareAt: null,
      promotion: null,
    });
    expect(page.availability).toEqual({
      inStock: true,
      quantity: 12,
      warehouses: [{ code: 'BER', quantity: 12 }],
    });
    expect(page.recommendations.map((r) => [r.sku, r.price?.amount ?? null])).toEqual([
      ['R1', '10.00'],
      ['R2', null],
      ['R3', null],
    ]);
    expect(page.degraded).toEqual([]);
  });

  it('names failed parts in degraded, in the order the output declares, with their values null or empty', () => {
    const page = productPage(
      parts({ reviews: failed(), availability: failed(), recommendations: failed() }),
    );
    expect(page.degraded).toEqual(['availability', 'reviews', 'recommendations']);
    expect(page).toMatchObject({
      availability: null,
      rating: null,
      reviews: [],
      recommendations: [],
    });
  });

  it('does not degrade a part that is merely absent (no price, no reviews)', () => {
    const page = productPage(
      parts({
        price: ok(undefined),
        reviews: ok({ summary: { average: 0, count: 0 }, reviews: [] }),
      }),
    );
    expect(page.price).toBeNull();
    expect(page.rating).toEqual({ average: 0, count: 0 });
    expect(page.degraded).toEqual([]);
  });

  it('degrades price when FX cannot convert, and when recommendations are shown without their prices', () => {
    expect(productPage(parts({ convert: undefined })).degraded).toEqual(['price']);
    const withoutPrices = productPage(parts({ recommendationPrices: failed() }));
    expect(withoutPrices.price).not.toBeNull();
    expect(withoutPrices.degraded).toEqual(['price']);
  });

  it('leaves unknown and discontinued recommendations out and shows at most 8, in the order recommended', () => {
    const skus = Array.from({ length: 12 }, (_, i) => `R${String(i)}`);
    const products = new Map(
      skus
        .filter((sku) => sku !== 'R1')
        .map((sku) => [
          sku,
          catalogProduct(sku, { status: sku === 'R2' ? 'discontinued' : 'active' }),
        ]),
    );
    const page = productPage(parts({ recommendations: ok({ skus, products }) }));
    expect(page.recommendations.map((r) => r.sku)).toEqual([
      'R0',
      'R3',
      'R4',
      'R5',
      'R6',
      'R7',
      'R8',
      'R9',
    ]);
  });

  it('shows the 3 most recent reviews at most', () => {
    const review = (id: string) => ({
      id,
      author: 'Ann',
      rating: 5,
      title: 't',
      body: 'b',
      createdAt: new Date(),
    });
    const page = productPage(
      parts({
        reviews: ok({
          summary: { average: 5, count: 9 },
          reviews: ['a', 'b', 'c', 'd'].map(review),
        }),
      }),
    );
    expect(page.reviews.map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('searchView', () => {
  const results = { total: 41, products: [catalogProduct('A1'), catalogProduct('A2')] };

  it('answers summaries in the ERP order, with the page count', () => {
    const view = searchView(
      results,
      { page: 2, pageSize: 20 },
      ok(new Map([['A2', eur('5')]])),
      toEur,
    );
    expect(view).toMatchObject({ page: 2, pageSize: 20, total: 41, totalPages: 3, degraded: [] });
    expect(view.items.map((item) => [item.sku, item.price?.amount ?? null])).toEqual([
      ['A1', null],
      ['A2', '5.00'],
    ]);
  });

  it('degrades prices only for a page that has items', () => {
    expect(searchView(results, { page: 1, pageSize: 20 }, failed(), toEur).degraded).toEqual([
      'prices',
    ]);
    expect(
      searchView({ total: 0, products: [] }, { page: 1, pageSize: 20 }, failed(), toEur),
    ).toMatchObject({ degraded: [], totalPages: 0 });
  });
});
