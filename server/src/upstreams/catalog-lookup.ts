import { createBatchLoader, type BatchLoader } from '../kit/batch-loader.js';
import { ERP_MAX_SKUS_PER_CALL, type StockRow } from './erp/client.js';
import type { ErpProduct } from './erp/schemas.js';
import { PRICING_MAX_SKUS_PER_CALL, type UpstreamPrice } from './json/catalog-services.js';
import type { Upstreams } from './index.js';

/**
 * One request's SKU look-ups: every part of the request takes tickets, and each upstream
 * operation (GetProducts, GetStock, prices) runs once for all of them, split into parallel chunks
 * only at the upstream's per-call maximum.
 */
export interface CatalogLookup {
  products: BatchLoader<string, ErpProduct>;
  stock: BatchLoader<string, StockRow[]>;
  prices: BatchLoader<string, UpstreamPrice>;
}

export interface CatalogLookupOptions {
  signal?: AbortSignal;
  /** How long a batch waits for the other parts' keys (a slow part then makes a round of its own). */
  gatherMs?: number;
  /** A bound on each batch's upstream calls, below the parts' budgets. */
  timeoutMs?: number;
}

export function createCatalogLookup(upstreams: Pick<Upstreams, 'erp' | 'pricing'>, options: CatalogLookupOptions = {}): CatalogLookup {
  const withSignal = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.gatherMs === undefined ? {} : { gatherMs: options.gatherMs }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  return {
    products: createBatchLoader({
      maxBatchSize: ERP_MAX_SKUS_PER_CALL,
      ...withSignal,
      fetch: async (skus, s) => new Map((await upstreams.erp.getProducts(skus, s)).map((product) => [product['@_sku'], product])),
    }),
    stock: createBatchLoader({
      maxBatchSize: ERP_MAX_SKUS_PER_CALL,
      ...withSignal,
      fetch: async (skus, s) => {
        const rows = new Map<string, StockRow[]>(skus.map((sku) => [sku, []]));
        for (const row of await upstreams.erp.getStock(skus, s)) rows.get(row.sku)?.push(row);
        return rows;
      },
    }),
    prices: createBatchLoader({
      maxBatchSize: PRICING_MAX_SKUS_PER_CALL,
      ...withSignal,
      fetch: (skus, s) => upstreams.pricing.getPrices(skus, s),
    }),
  };
}
