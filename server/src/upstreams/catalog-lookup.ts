import type { PartResult } from '../kit/aggregate.js';
import { createBatchLoader, type BatchLoader } from '../kit/batch-loader.js';
import type { CallOptions } from '../kit/upstream/upstream.js';
import type { CatalogProduct, StockRow } from './erp/records.js';
import type { Upstreams } from './index.js';
import type { Price } from './pricing/records.js';
import type { Hydrated } from './records.js';

/**
 * One request's SKU look-ups: every part of the request takes tickets, and each upstream
 * operation (GetProducts, GetStock, prices) runs once for all of them (the clients split a long
 * list at the upstream's maximum per call).
 */
export interface CatalogLookup {
  products: BatchLoader<string, CatalogProduct>;
  stock: BatchLoader<string, StockRow[]>;
  prices: BatchLoader<string, Price>;
  /**
   * A part whose SKUs come from an upstream of its own (a cart, a wishlist): its tickets are taken
   * before it asks that upstream, so the shared look-ups wait for its SKUs; then the products
   * (with `products`) and prices of those SKUs.
   */
  hydrated<T>(
    find: (call: CallOptions) => Promise<{ skus: string[]; value: T }>,
    options: { products: boolean },
  ): (call: CallOptions) => Promise<Hydrated<T>>;
}

export interface CatalogLookupOptions {
  /** The request's signal and scope. */
  call?: CallOptions;
  /** How long a batch waits for the other parts' keys (a slow part then makes a round of its own). */
  gatherMs?: number;
  /** A bound on each batch's upstream calls, below the parts' budgets. */
  timeoutMs?: number;
}

export function createCatalogLookup(
  upstreams: Pick<Upstreams, 'erp' | 'pricing'>,
  options: CatalogLookupOptions = {},
): CatalogLookup {
  const shared = {
    ...(options.call ? { call: options.call } : {}),
    ...(options.gatherMs === undefined ? {} : { gatherMs: options.gatherMs }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const products = createBatchLoader<string, CatalogProduct>({
    ...shared,
    fetch: (skus, call) => upstreams.erp.getProducts(skus, call),
  });
  const stock = createBatchLoader<string, StockRow[]>({
    ...shared,
    fetch: (skus, call) => upstreams.erp.getStock(skus, call),
  });
  const prices = createBatchLoader<string, Price>({
    ...shared,
    fetch: (skus, call) => upstreams.pricing.getPrices(skus, call),
  });

  return {
    products,
    stock,
    prices,
    hydrated: (find, what) => async (call) => {
      // Taken before the first await: the look-ups now wait for this part's SKUs.
      const productTicket = what.products ? products.ticket(call.signal) : undefined;
      const priceTicket = prices.ticket(call.signal);
      try {
        const { skus, value } = await find(call);
        const [found, priced] = await Promise.all([
          productTicket
            ? productTicket.load(skus)
            : Promise.resolve(new Map<string, CatalogProduct>()),
          priceTicket.load(skus).then(
            (map): PartResult<Map<string, Price>> => ({ ok: true, value: map }),
            (error: unknown): PartResult<Map<string, Price>> => ({ ok: false, error }),
          ),
        ]);
        return { value, skus, products: found, prices: priced };
      } finally {
        productTicket?.release();
        priceTicket.release();
      }
    },
  };
}
