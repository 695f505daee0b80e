import {
  PRODUCT_PAGE_FIRST_PARTS,
  PRODUCT_PAGE_LATER_PARTS,
  PRODUCT_PAGE_PARTS,
  type ProductPage,
  type ProductPageLater,
  type ProductPageProgressive,
  type ProductSearch,
  type ProductSummary,
} from '@storefront/shared';
import type { PartResult } from '../kit/aggregate.js';
import type { CatalogProduct, CatalogSummary, StockRow } from '../upstreams/erp/records.js';
import type { Price } from '../upstreams/pricing/records.js';
import type { Reviews } from '../upstreams/reviews/records.js';
import type { Converter } from './currency.js';
import { degradedOf } from './degraded.js';

/** Recommendations a screen shows; more are asked for, since unknown and discontinued SKUs are left out. */
export const RECOMMENDATIONS_SHOWN = 8;
export const RECOMMENDATIONS_ASKED = 12;
/** Reviews a product page shows: the most recent. */
export const REVIEWS_SHOWN = 3;

/** The image to show: role `main`, else the first, else none. */
export function mainImage(images: readonly { role: string | null; url: string }[]): string | null {
  return (images.find((image) => image.role === 'main') ?? images[0])?.url ?? null;
}

export function productView(product: CatalogProduct): ProductPage['product'] {
  return {
    sku: product.sku,
    name: product.name,
    description: product.description,
    brand: product.brand,
    category: product.category,
    status: product.status,
    attributes: product.attributes,
    images: product.images.map((image) => ({ role: image.role ?? '', url: image.url })),
    weightGrams: product.weightGrams,
    ean: product.ean,
    updatedAt: product.updatedAt,
  };
}

export function priceView(price: Price | undefined, convert: Converter): ProductPage['price'] {
  if (!price) return null;
  return {
    current: convert(price.amount),
    compareAt: price.compareAt === null ? null : convert(price.compareAt),
    promotion: price.promotion,
  };
}

/** Stock on hand: negative rows (the ERP oversells) count as none; no rows at all is out of stock. */
export function availabilityView(
  rows: readonly StockRow[],
): NonNullable<ProductPage['availability']> {
  const warehouses = rows.map((row) => ({
    code: row.warehouse,
    quantity: Math.max(0, row.quantity),
  }));
  const quantity = warehouses.reduce((total, row) => total + row.quantity, 0);
  return { inStock: quantity > 0, quantity, warehouses };
}

/** A summary for lists; `price` null when there is no price or no way to convert it. */
export function summaryOf(
  product: CatalogProduct | CatalogSummary,
  price: Price | undefined,
  convert: Converter | undefined,
): ProductSummary {
  return {
    sku: product.sku,
    name: product.name,
    brand: product.brand,
    image: mainImage(product.images),
    price: price && convert ? convert(price.amount) : null,
    status: product.status,
  };
}

/** Summaries of SKUs in the order given, leaving out SKUs the ERP does not know and, with `activeOnly`, discontinued products. */
export function summariesOf(
  skus: readonly string[],
  products: ReadonlyMap<string, CatalogProduct>,
  prices: ReadonlyMap<string, Price> | undefined,
  convert: Converter | undefined,
  activeOnly: boolean,
): ProductSummary[] {
  return skus.flatMap((sku) => {
    const product = products.get(sku);
    if (!product || (activeOnly && product.status !== 'active')) return [];
    return [summaryOf(product, prices?.get(sku), convert)];
  });
}

/** What `product.page` is built from: the product, and each optional part as it came back. */
export interface ProductPageParts {
  product: CatalogProduct;
  /** Undefined when FX could not convert: prices degrade. */
  convert: Converter | undefined;
  price: PartResult<Price | undefined>;
  availability: PartResult<StockRow[]>;
  reviews: PartResult<Reviews>;
  recommendations: PartResult<{ skus: string[]; products: ReadonlyMap<string, CatalogProduct> }>;
  recommendationPrices: PartResult<ReadonlyMap<string, Price>>;
}

/**
 * The product page: a failed part is null or empty and named in `degraded`; a part that is merely
 * absent (no price, no stock rows, no reviews) is not degraded. Recommendations shown without
 * prices because pricing or FX failed degrade `price`.
 */
export function productPage(parts: ProductPageParts): ProductPage {
  const { convert } = parts;
  const failed = new Set<(typeof PRODUCT_PAGE_PARTS)[number]>();
  let price: ProductPage['price'] = null;
  if (!parts.price.ok || !convert) failed.add('price');
  else price = priceView(parts.price.value, convert);

  const shown = recommendationsView(parts);
  if (!shown) failed.add('recommendations');
  else if (shown.unpriced) failed.add('price');
  if (!parts.availability.ok) failed.add('availability');
  if (!parts.reviews.ok) failed.add('reviews');

  return {
    product: productView(parts.product),
    price,
    availability: parts.availability.ok ? availabilityView(parts.availability.value) : null,
    rating: parts.reviews.ok ? parts.reviews.value.summary : null,
    reviews: parts.reviews.ok ? parts.reviews.value.reviews.slice(0, REVIEWS_SHOWN) : [],
    recommendations: shown?.summaries ?? [],
    degraded: degradedOf(PRODUCT_PAGE_PARTS, failed),
  };
}

/**
 * The recommendations shown (undefined when they failed), and whether some are shown without
 * prices because pricing or FX failed.
 */
function recommendationsView(
  parts: Pick<ProductPageParts, 'convert' | 'recommendations' | 'recommendationPrices'>,
): { summaries: ProductSummary[]; unpriced: boolean } | undefined {
  if (!parts.recommendations.ok) return undefined;
  const { skus, products } = parts.recommendations.value;
  const prices = parts.recommendationPrices.ok ? parts.recommendationPrices.value : undefined;
  const summaries = summariesOf(skus, products, prices, parts.convert, true).slice(
    0,
    RECOMMENDATIONS_SHOWN,
  );
  return { summaries, unpriced: (!prices || !parts.convert) && summaries.length > 0 };
}

/** `product.pageProgressive`'s first part: the product with its price and stock. */
export function productPageFirst(
  parts: Pick<ProductPageParts, 'product' | 'convert' | 'price' | 'availability'>,
): Omit<ProductPageProgressive, 'later'> {
  const failed = new Set<(typeof PRODUCT_PAGE_FIRST_PARTS)[number]>();
  let price: ProductPage['price'] = null;
  if (!parts.price.ok || !parts.convert) failed.add('price');
  else price = priceView(parts.price.value, parts.convert);
  if (!parts.availability.ok) failed.add('availability');
  return {
    product: productView(parts.product),
    price,
    availability: parts.availability.ok ? availabilityView(parts.availability.value) : null,
    degraded: degradedOf(PRODUCT_PAGE_FIRST_PARTS, failed),
  };
}

/**
 * `product.pageProgressive`'s later part: rating, reviews and recommendations. Recommendations
 * shown without prices (pricing or FX failed) degrade `recommendations`, the part they are in.
 */
export function productPageLater(
  parts: Pick<ProductPageParts, 'convert' | 'reviews' | 'recommendations' | 'recommendationPrices'>,
): ProductPageLater {
  const failed = new Set<(typeof PRODUCT_PAGE_LATER_PARTS)[number]>();
  const shown = recommendationsView(parts);
  if (!shown || shown.unpriced) failed.add('recommendations');
  if (!parts.reviews.ok) failed.add('reviews');
  return {
    rating: parts.reviews.ok ? parts.reviews.value.summary : null,
    reviews: parts.reviews.ok ? parts.reviews.value.reviews.slice(0, REVIEWS_SHOWN) : [],
    recommendations: shown?.summaries ?? [],
    degraded: degradedOf(PRODUCT_PAGE_LATER_PARTS, failed),
  };
}

/** `product.search`: summaries in the ERP's order, `prices` degraded when pricing or FX failed for a page that has items. */
export function searchView(
  results: { total: number; products: readonly CatalogSummary[] },
  page: { page: number; pageSize: number },
  prices: PartResult<ReadonlyMap<string, Price>>,
  convert: Converter | undefined,
): ProductSearch {
  const priced = prices.ok && convert !== undefined;
  return {
    items: results.products.map((product) =>
      summaryOf(product, prices.ok ? prices.value.get(product.sku) : undefined, convert),
    ),
    page: page.page,
    pageSize: page.pageSize,
    total: results.total,
    totalPages: Math.ceil(results.total / page.pageSize),
    degraded: priced || results.products.length === 0 ? [] : ['prices'],
  };
}
