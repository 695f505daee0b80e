import type { CachePolicy } from '../kit/cache/policy.js';

/**
 * How long each upstream answer is kept. Master data for minutes, reviews for a few minutes,
 * prices and stock for seconds, FX for hours (it changes once a working day); private data per
 * user, briefly, and dropped by tag when the user changes it.
 */
export function cachePolicies(settings: { notFoundTtlMs: number; fxTtlMs: number }) {
  const minute = 60_000;
  return {
    product: {
      name: 'erp.product',
      ttlMs: 5 * minute,
      staleWhileRevalidateMs: minute,
      scope: 'public',
      // Requests for random SKUs must not hammer the ERP: an unknown SKU is remembered briefly.
      absentTtlMs: settings.notFoundTtlMs,
    },
    stock: {
      name: 'erp.stock',
      ttlMs: 5_000,
      staleWhileRevalidateMs: 5_000,
      scope: 'public',
      tags: (sku) => [`stock:${sku}`],
    },
    search: { name: 'erp.search', ttlMs: minute, staleWhileRevalidateMs: minute, scope: 'public' },
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
