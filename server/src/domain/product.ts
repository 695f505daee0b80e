import type { Money, ProductPage, ProductSummary } from '@storefront/shared';
import type { ErpProduct, ErpSummary } from '../upstreams/erp/schemas.js';
import type { UpstreamPrice } from '../upstreams/json/catalog-services.js';
import { convertFromEur, shiftDecimal } from './money.js';

/** Converts EUR amounts into one currency; undefined when the currency's rate is not at hand. */
export type Converter = ((amountEur: string) => Money) | undefined;

/** The image to show: role `main`, else the first, else none. */
export function mainImage(images: readonly { '@_role'?: string | undefined; '@_href': string }[]): string | null {
  return (images.find((image) => image['@_role'] === 'main') ?? images[0])?.['@_href'] ?? null;
}

const status = (value: 'ACTIVE' | 'DISCONTINUED'): 'active' | 'discontinued' => (value === 'ACTIVE' ? 'active' : 'discontinued');

export function toProduct(erp: ErpProduct): ProductPage['product'] {
  const weight = erp.Weight;
  const weightText = weight?.['#text']?.trim();
  return {
    sku: erp['@_sku'],
    name: erp.Name,
    description: erp.Description ?? null,
    brand: erp.Brand,
    category: erp.Category,
    status: status(erp['@_status']),
    attributes: erp.Attributes.map((attribute) => ({ name: attribute['@_name'], value: (attribute['#text'] ?? '').trim() })),
    images: erp.Images.map((image) => ({ role: image['@_role'] ?? '', url: image['@_href'] })),
    weightGrams: weight && weightText ? shiftDecimal(weightText, weight['@_unit'] === 'kg' ? 3 : 0) : null,
    ean: erp.Ean ?? null,
    updatedAt: new Date(erp.UpdatedAt),
  };
}

export function toPrice(price: UpstreamPrice | undefined, convert: NonNullable<Converter>): ProductPage['price'] {
  if (!price) return null;
  return {
    current: convert(price.amount),
    compareAt: price.compareAt === null ? null : convert(price.compareAt),
    promotion: price.promotion,
  };
}

export function toAvailability(rows: readonly { warehouse: string; quantity: number }[]): NonNullable<ProductPage['availability']> {
  const warehouses = rows.map((row) => ({ code: row.warehouse, quantity: Math.max(0, row.quantity) }));
  const quantity = warehouses.reduce((total, row) => total + row.quantity, 0);
  return { inStock: quantity > 0, quantity, warehouses };
}

/** A summary for lists; `price` null when there is no price or no way to convert it. */
export function toSummary(product: ErpProduct | ErpSummary, price: UpstreamPrice | undefined, convert: Converter): ProductSummary {
  return {
    sku: product['@_sku'],
    name: product.Name,
    brand: product.Brand,
    image: mainImage(product.Images),
    price: price && convert ? convert(price.amount) : null,
    status: status(product['@_status']),
  };
}

/** A converter for `currency` from the day's rates (EUR needs none). */
export function converterFor(currency: string, rates: ReadonlyMap<string, string> | undefined): Converter {
  if (currency === 'EUR') return (amount) => convertFromEur(amount, 'EUR', undefined);
  const rate = rates?.get(currency);
  return rate === undefined ? undefined : (amount) => convertFromEur(amount, currency, rate);
}

/** Recommendations a screen shows; more are asked for, since unknown and discontinued SKUs are left out. */
export const RECOMMENDATIONS_SHOWN = 8;
export const RECOMMENDATIONS_ASKED = 12;

/**
 * Summaries of SKUs in the order given, leaving out SKUs the ERP does not know and, with
 * `activeOnly`, discontinued products.
 */
export function summariesOf(
  skus: readonly string[],
  products: ReadonlyMap<string, ErpProduct>,
  prices: ReadonlyMap<string, UpstreamPrice> | undefined,
  convert: Converter,
  activeOnly: boolean,
): ProductSummary[] {
  return skus.flatMap((sku) => {
    const product = products.get(sku);
    if (!product || (activeOnly && product['@_status'] !== 'ACTIVE')) return [];
    return [toSummary(product, prices?.get(sku), convert)];
  });
}
