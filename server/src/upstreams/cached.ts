import type { Cache } from '../kit/cache/cache.js';
import type { StopSignal } from '../kit/stop-signal.js';
import type { CachePolicy } from '../kit/cache/policy.js';
import type { CacheOutcome } from '../kit/telemetry/metrics.js';
import type { CallOptions } from '../kit/upstream/upstream.js';
import type { CachePolicies, ErpCachePolicies } from './cache-policies.js';
import type { ErpClient, StockRow } from './erp/records.js';
import type { ServiceUpstreams } from './index.js';

/** The call of a load: the cache's signal, the scope of the request that started it. */
const loadCall = (signal: StopSignal, call: CallOptions | undefined): CallOptions => ({
  signal,
  scope: call?.scope,
});

/** What a caller waits with: its signal, its user for private data, and where its request's cache outcomes add up. */
const waiting = (call: CallOptions | undefined, userId?: string) => {
  const record = call?.scope?.record;
  return {
    signal: call?.signal,
    ...(userId === undefined ? {} : { userId }),
    ...(record ? { onOutcome: (outcome: CacheOutcome) => record.cache.add(outcome) } : {}),
  };
};

/**
 * A cached value of a load that always finds one (so the cache never remembers it as absent).
 * A load runs on the cache's own signal (aborted only when every caller waiting for it has gone)
 * for the request that started it.
 */
async function one<T>(
  cache: Cache,
  policy: CachePolicy,
  id: string,
  load: (call: CallOptions) => Promise<T>,
  call: CallOptions | undefined,
  userId?: string,
): Promise<T> {
  const value = await cache.get(policy, id, (s) => load(loadCall(s, call)), waiting(call, userId));
  if (value === undefined)
    throw new Error(`${policy.name}: the cache remembered nothing for a load that always answers`);
  return value;
}

/**
 * One ERP version's reads answered from the cache where the policies allow (each version keeps
 * its own entries: a canary's answers never reach the other version's callers).
 */
export function withCachedErp(erp: ErpClient, cache: Cache, policies: ErpCachePolicies): ErpClient {
  return {
    getProduct: (sku, call) =>
      cache.get(
        policies.product,
        sku,
        (s) => erp.getProduct(sku, loadCall(s, call)),
        waiting(call),
      ),
    getProducts: (skus, call) =>
      cache.getMany(
        policies.product,
        skus,
        (missing, s) => erp.getProducts(missing, loadCall(s, call)),
        waiting(call),
      ),
    searchProducts: (query, call) =>
      one(
        cache,
        policies.search,
        JSON.stringify([
          query.query?.toLowerCase() ?? '',
          query.category ?? '',
          query.page,
          query.pageSize,
        ]),
        (c) => erp.searchProducts(query, c),
        call,
      ),
    async getStock(skus, call) {
      const cached = await cache.getMany(
        policies.stock,
        skus,
        (missing, s) => erp.getStock(missing, loadCall(s, call)),
        waiting(call),
      );
      // getStock answers every SKU it was asked for: rows, or none.
      return new Map<string, StockRow[]>(skus.map((sku) => [sku, cached.get(sku) ?? []]));
    },
    // Never cached: a mutation.
    placeOrder: (order, call) => erp.placeOrder(order, call),
  };
}

/** The services besides the ERP, answering from the cache where their policies allow. */
export function withCache(
  upstreams: ServiceUpstreams,
  cache: Cache,
  policies: CachePolicies,
): ServiceUpstreams {
  const { fx, pricing, reviews, recommendations, accounts, orders, cart, wishlist, notifications } =
    upstreams;
  return {
    fx: {
      getDailyRates: (call) => one(cache, policies.fx, 'daily', (c) => fx.getDailyRates(c), call),
    },
    pricing: {
      getPrices: (skus, call) =>
        cache.getMany(
          policies.price,
          skus,
          (missing, s) => pricing.getPrices(missing, loadCall(s, call)),
          waiting(call),
        ),
    },
    reviews: {
      getReviews: (sku, limit, call) =>
        one(
          cache,
          policies.reviews,
          `${sku}|${String(limit)}`,
          (c) => reviews.getReviews(sku, limit, c),
          call,
        ),
    },
    recommendations: {
      forSku: (sku, limit, call) =>
        one(
          cache,
          policies.recommendationsForSku,
          `${sku}|${String(limit)}`,
          (c) => recommendations.forSku(sku, limit, c),
          call,
        ),
      forUser: (userId, limit, call) =>
        one(
          cache,
          policies.recommendationsForUser,
          String(limit),
          (c) => recommendations.forUser(userId, limit, c),
          call,
          userId,
        ),
    },
    accounts: {
      getUser: (userId, call) =>
        cache.get(
          policies.account,
          'profile',
          (s) => accounts.getUser(userId, loadCall(s, call)),
          waiting(call, userId),
        ),
      getLoyalty: (userId, call) =>
        cache.get(
          policies.loyalty,
          'loyalty',
          (s) => accounts.getLoyalty(userId, loadCall(s, call)),
          waiting(call, userId),
        ),
    },
    orders: {
      list: (userId, limit, call) =>
        one(
          cache,
          policies.orders,
          String(limit),
          (c) => orders.list(userId, limit, c),
          call,
          userId,
        ),
    },
    cart: {
      get: (userId, call) =>
        one(cache, policies.cart, 'cart', (c) => cart.get(userId, c), call, userId),
      // Mutations go straight through; the procedures invalidate what they make stale.
      setItem: (userId, sku, quantity, expectedVersion, call) =>
        cart.setItem(userId, sku, quantity, expectedVersion, call),
      clear: (userId, expectedVersion, call) => cart.clear(userId, expectedVersion, call),
    },
    wishlist: {
      get: (userId, call) =>
        one(cache, policies.wishlist, 'wishlist', (c) => wishlist.get(userId, c), call, userId),
    },
    notifications: {
      unread: (userId, limit, call) =>
        one(
          cache,
          policies.notifications,
          String(limit),
          (c) => notifications.unread(userId, limit, c),
          call,
          userId,
        ),
    },
  };
}
