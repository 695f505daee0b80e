import type { PartResult } from '../kit/aggregate.js';
import type { CatalogProduct } from './erp/records.js';
import type { Price } from './pricing/records.js';

/**
 * Records made of several upstreams' records: what a request's catalog look-up
 * (./catalog-lookup.ts) answers for a part, so that domain/ builds on it without importing the
 * look-up itself.
 */

/** A part's own value with its SKUs' products (when asked for) and prices, from the shared lookups. */
export interface Hydrated<T> {
  value: T;
  skus: string[];
  products: Map<string, CatalogProduct>;
  /** Failed prices leave the part shown without them: the caller decides what that degrades. */
  prices: PartResult<Map<string, Price>>;
}
