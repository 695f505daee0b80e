import { mergedLookup } from '../kit/upstream/merged-lookups.js';
import type { ErpClient } from './erp/records.js';
import type { ServiceUpstreams } from './index.js';

/*
 * The same upstream clients, with the public look-ups by many SKUs (catalog records, stock,
 * prices: the same for every caller) merged across the requests of one turn of the event loop.
 * Below the cache, so that only what the cache misses is asked, once for all of them.
 */

/** Prices merged. */
export function withMergedLookups(upstreams: ServiceUpstreams): ServiceUpstreams {
  const { pricing } = upstreams;
  const getPrices = mergedLookup({
    upstream: 'pricing',
    lookup: (skus: readonly string[], call) => pricing.getPrices(skus, call),
  });
  return { ...upstreams, pricing: { ...pricing, getPrices } };
}

/** One ERP version's catalog records and stock merged (each version merges its own callers'). */
export function withMergedErpLookups(erp: ErpClient, upstream: string): ErpClient {
  const getProducts = mergedLookup({
    upstream,
    lookup: (skus: readonly string[], call) => erp.getProducts(skus, call),
  });
  const getStock = mergedLookup({
    upstream,
    lookup: (skus: readonly string[], call) => erp.getStock(skus, call),
  });
  return { ...erp, getProducts, getStock };
}
