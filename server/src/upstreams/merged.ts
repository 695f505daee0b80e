import { mergedLookup } from '../kit/upstream/merged-lookups.js';
import type { Upstreams } from './index.js';

/**
 * The same upstream clients, with the public look-ups by many SKUs (catalog records, stock,
 * prices: the same for every caller) merged across the requests of one turn of the event loop.
 * Below the cache, so that only what the cache misses is asked, once for all of them.
 */
export function withMergedLookups(upstreams: Upstreams): Upstreams {
  const { erp, pricing } = upstreams;
  const getProducts = mergedLookup({
    upstream: 'erp',
    lookup: (skus: readonly string[], call) => erp.getProducts(skus, call),
  });
  const getStock = mergedLookup({
    upstream: 'erp',
    lookup: (skus: readonly string[], call) => erp.getStock(skus, call),
  });
  const getPrices = mergedLookup({
    upstream: 'pricing',
    lookup: (skus: readonly string[], call) => pricing.getPrices(skus, call),
  });
  return {
    ...upstreams,
    erp: { ...erp, getProducts, getStock },
    pricing: { ...pricing, getPrices },
  };
}
