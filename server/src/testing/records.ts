import type { PartResult } from '../kit/aggregate.js';
import type { CatalogProduct } from '../upstreams/erp/records.js';
import type { Price } from '../upstreams/pricing/records.js';

/** A product record as the ERP client answers it, with `overrides`. */
export function catalogProduct(
  sku: string,
  overrides: Partial<CatalogProduct> = {},
): CatalogProduct {
  return {
    sku,
    status: 'active',
    name: `Product ${sku}`,
    description: null,
    brand: 'Northwind',
    category: { code: '0100', name: 'Running shoes' },
    attributes: [],
    images: [{ role: 'main', url: `https://img.example.test/${sku}/main.jpg` }],
    weightGrams: null,
    ean: null,
    updatedAt: new Date('2026-10-01T12:00:00Z'),
    ...overrides,
  };
}

export const eur = (amount: string): Price => ({ amount, compareAt: null, promotion: null });

export const ok = <T>(value: T): PartResult<T> => ({ ok: true, value });
export const failed = <T>(): PartResult<T> => ({
  ok: false,
  error: new Error('the upstream failed'),
});
