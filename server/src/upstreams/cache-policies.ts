import type { CachePolicy } from '../kit/cache/policy.js';
import type { ErpVersion } from './erp-migration/router.js';

/**
 * How long each service's answers are kept (the ERP's: erpCachePolicies). Reviews for a few minutes,
 * prices for seconds, FX for hours (it changes once a working day); private data per
 * user, briefly, and dropped by tag when the user changes it.
 */
export function cachePolicies(settings: { fxTtlMs: number }) {
  const minute = 60_000;
  return {
    price: {
      name: 'pricing.price',
      ttlMs: 10_000,
      staleWhileRevalidateMs: 10_000,
      scope: 'public',
      absentTtlMs: 10_000,
    },
    reviews: {
      name: 'reviews',
      ttlMs: 3 * minute,
      staleWhileRevalidateMs: minute,
      scope: 'public',
    },
    recommendationsForSku: {
      name: 'recommendations.sku',
      ttlMs: 5 * minute,
      staleWhileRevalidateMs: minute,
      scope: 'public',
    },
    recommendationsForUser: {
      name: 'recommendations.user',
      ttlMs: minute,
      staleWhileRevalidateMs: minute,
      scope: 'private',
    },
    fx: {
      name: 'fx.daily',
      ttlMs: settings.fxTtlMs,
      staleWhileRevalidateMs: 24 * 60 * minute,
      scope: 'public',
    },
    account: {
      name: 'accounts.user',
      ttlMs: minute,
      staleWhileRevalidateMs: minute,
      scope: 'private',
      tags: (_id, user) => [`account:${user ?? ''}`],
    },
    loyalty: {
      name: 'accounts.loyalty',
      ttlMs: minute,
      scope: 'private',
      tags: (_id, user) => [`account:${user ?? ''}`],
    },
    orders: {
      name: 'orders',
      ttlMs: 30_000,
      scope: 'private',
      tags: (_id, user) => [`orders:${user ?? ''}`],
    },
    cart: {
      name: 'cart',
      ttlMs: 5_000,
      scope: 'private',
      tags: (_id, user) => [`cart:${user ?? ''}`],
    },
    wishlist: {
      name: 'wishlist',
      ttlMs: 30_000,
      scope: 'private',
      tags: (_id, user) => [`wishlist:${user ?? ''}`],
    },
    notifications: {
      name: 'notifications',
      ttlMs: 15_000,
      scope: 'private',
      tags: (_id, user) => [`notifications:${user ?? ''}`],
    },
  } satisfies Record<string, CachePolicy>;
}

export type CachePolicies = ReturnType<typeof cachePolicies>;

/**
 * The ERP's records, kept per version (`erp.product` for v1, `erp-v2.product` for v2): while
 * callers are split between the versions, a canary's answers never reach the other version's
 * callers through the cache. Stock entries of both carry the same tags, so an order drops both.
 */
export function erpCachePolicies(version: ErpVersion, settings: { notFoundTtlMs: number }) {
  const minute = 60_000;
  const prefix = version === 'v1' ? 'erp' : 'erp-v2';
  return {
    product: {
      name: `${prefix}.product`,
      ttlMs: 5 * minute,
      staleWhileRevalidateMs: minute,
      scope: 'public',
      // Requests for random SKUs must not hammer the ERP: an unknown SKU is remembered briefly.
      absentTtlMs: settings.notFoundTtlMs,
    },
    stock: {
      name: `${prefix}.stock`,
      ttlMs: 5_000,
      staleWhileRevalidateMs: 5_000,
      scope: 'public',
      tags: (sku) => [`stock:${sku}`],
    },
    search: {
      name: `${prefix}.search`,
      ttlMs: minute,
      staleWhileRevalidateMs: minute,
      scope: 'public',
    },
  } satisfies Record<string, CachePolicy>;
}

export type ErpCachePolicies = ReturnType<typeof erpCachePolicies>;

/** What a change of the user's cart or a placed order makes stale. */
export const tagsOf = {
  cart: (userId: string) => [`cart:${userId}`],
  orders: (userId: string) => [`orders:${userId}`],
  /** What a product page shows that an order changes at once: its stock. */
  productPage: (sku: string) => [`stock:${sku}`],
  order: (userId: string, skus: readonly string[]) => [
    `cart:${userId}`,
    `orders:${userId}`,
    ...skus.map((sku) => `stock:${sku}`),
  ],
};
