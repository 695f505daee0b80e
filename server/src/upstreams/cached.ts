import type { Cache } from '../kit/cache/cache.js';
import type { CachePolicies } from './cache-policies.js';
import type { Upstreams } from './index.js';

/** The same upstream clients, answering from the cache where their policies allow. */
export function withCache(upstreams: Upstreams, cache: Cache, policies: CachePolicies): Upstreams {
  const { erp, fx, pricing, reviews, recommendations, accounts, orders, cart, wishlist, notifications } = upstreams;
  const opts = (signal: AbortSignal | undefined, userId?: string) => ({ ...(signal ? { signal } : {}), ...(userId === undefined ? {} : { userId }) });
  const products = (skus: readonly string[], signal?: AbortSignal) =>
    cache.getMany(policies.product, skus, async (missing, s) => new Map((await erp.getProducts(missing, s)).map((p) => [p['@_sku'], p])), opts(signal));

  return {
    erp: {
      getProduct: (sku, signal) => cache.get(policies.product, sku, (s) => erp.getProduct(sku, s), opts(signal)),
      async getProducts(skus, signal) {
        const found = await products(skus, signal);
        return [...new Set(skus)].flatMap((sku) => found.get(sku) ?? []);
      },
      searchProducts: (query, signal) =>
        cache.get(policies.search, JSON.stringify([query.query?.toLowerCase() ?? '', query.category ?? '', query.page, query.pageSize]), (s) => erp.searchProducts(query, s), opts(signal)),
      async getStock(skus, signal) {
        const rows = await cache.getMany(
          policies.stock,
          skus,
          async (missing, s) => {
            const bySku = new Map(missing.map((sku) => [sku, [] as Awaited<ReturnType<typeof erp.getStock>>]));
            for (const row of await erp.getStock(missing, s)) bySku.get(row.sku)?.push(row);
            return bySku;
          },
          opts(signal),
        );
        return [...new Set(skus)].flatMap((sku) => rows.get(sku) ?? []);
      },
      // Never cached: a mutation.
      placeOrder: (order, signal) => erp.placeOrder(order, signal),
    },
    fx: { getDailyRates: (signal) => cache.get(policies.fx, 'daily', (s) => fx.getDailyRates(s), opts(signal)) },
    pricing: {
      getPrices: (skus, signal) => cache.getMany(policies.price, skus, (missing, s) => pricing.getPrices(missing, s), opts(signal)),
    },
    reviews: {
      getReviews: (sku, limit, signal) => cache.get(policies.reviews, `${sku}|${String(limit)}`, (s) => reviews.getReviews(sku, limit, s), opts(signal)),
    },
    recommendations: {
      forSku: (sku, limit, signal) => cache.get(policies.recommendationsForSku, `${sku}|${String(limit)}`, (s) => recommendations.forSku(sku, limit, s), opts(signal)),
      forUser: (userId, limit, signal) =>
        cache.get(policies.recommendationsForUser, String(limit), (s) => recommendations.forUser(userId, limit, s), opts(signal, userId)),
    },
    accounts: {
      getUser: (userId, signal) => cache.get(policies.account, 'profile', (s) => accounts.getUser(userId, s), opts(signal, userId)),
      getLoyalty: (userId, signal) => cache.get(policies.loyalty, 'loyalty', (s) => accounts.getLoyalty(userId, s), opts(signal, userId)),
    },
    orders: {
      list: (userId, limit, signal) => cache.get(policies.orders, String(limit), (s) => orders.list(userId, limit, s), opts(signal, userId)),
    },
    cart: {
      get: (userId, signal) => cache.get(policies.cart, 'cart', (s) => cart.get(userId, s), opts(signal, userId)),
      // Mutations go straight through; the procedures invalidate what they make stale.
      setItem: (userId, sku, quantity, expectedVersion, signal) => cart.setItem(userId, sku, quantity, expectedVersion, signal),
      clear: (userId, expectedVersion, signal) => cart.clear(userId, expectedVersion, signal),
    },
    wishlist: { get: (userId, signal) => cache.get(policies.wishlist, 'wishlist', (s) => wishlist.get(userId, s), opts(signal, userId)) },
    notifications: {
      unread: (userId, limit, signal) => cache.get(policies.notifications, String(limit), (s) => notifications.unread(userId, limit, s), opts(signal, userId)),
    },
  };
}
