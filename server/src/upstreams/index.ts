import type { Config } from '../config.js';
import type { Transport } from '../kit/upstream/transport.js';
import { createUpstream, type UpstreamStep } from '../kit/upstream/upstream.js';
import { createAccountsClient, type AccountsClient } from './accounts/client.js';
import { createCartClient, type CartClient } from './cart/client.js';
import { createErpClient, type ErpClient } from './erp/client.js';
import { createFxClient, type FxClient } from './fx/client.js';
import { createNotificationsClient, type NotificationsClient } from './notifications/client.js';
import { createOrdersClient, type OrdersClient } from './orders/client.js';
import { createPricingClient, type PricingClient } from './pricing/client.js';
import {
  createRecommendationsClient,
  type RecommendationsClient,
} from './recommendations/client.js';
import { createReviewsClient, type ReviewsClient } from './reviews/client.js';
import { createWishlistClient, type WishlistClient } from './wishlist/client.js';

/** One client per upstream service. */
export interface Upstreams {
  erp: ErpClient;
  fx: FxClient;
  pricing: PricingClient;
  reviews: ReviewsClient;
  recommendations: RecommendationsClient;
  accounts: AccountsClient;
  orders: OrdersClient;
  cart: CartClient;
  wishlist: WishlistClient;
  notifications: NotificationsClient;
}

export type UpstreamName = keyof Upstreams;

export interface UpstreamsOptions {
  transport: Transport;
  /** The steps every call of one upstream goes through, outermost first (built per upstream). @default none */
  stepsFor?: (upstream: UpstreamName) => readonly UpstreamStep[];
}

/**
 * The ten upstream clients, each on its own call path (its base URL, key, time bound, the size
 * bound and its own steps), all on one keep-alive transport.
 */
export function createUpstreams(config: Config, options: UpstreamsOptions): Upstreams {
  const { urls, keys } = config.upstreams;
  const upstream = (name: UpstreamName, baseUrl: string, apiKey?: string) =>
    createUpstream({
      name,
      baseUrl,
      timeoutMs: name === 'erp' ? config.ERP_TIMEOUT_MS : config.UPSTREAM_TIMEOUT_MS,
      maxBytes: config.UPSTREAM_MAX_BYTES,
      // The ERP's key goes in its SOAP header; the JSON services take theirs in X-Api-Key.
      headers: apiKey === undefined ? {} : { 'x-api-key': apiKey },
      transport: options.transport,
      steps: options.stepsFor?.(name) ?? [],
    });
  return {
    erp: createErpClient({
      upstream: upstream('erp', urls.ERP_URL),
      apiKey: keys.ERP_API_KEY,
      clientId: config.upstreams.erpClientId,
    }),
    fx: createFxClient(upstream('fx', urls.FX_URL)),
    pricing: createPricingClient(upstream('pricing', urls.PRICING_URL, keys.PRICING_API_KEY)),
    reviews: createReviewsClient(upstream('reviews', urls.REVIEWS_URL, keys.REVIEWS_API_KEY)),
    recommendations: createRecommendationsClient(
      upstream('recommendations', urls.RECOMMENDATIONS_URL, keys.RECOMMENDATIONS_API_KEY),
    ),
    accounts: createAccountsClient(upstream('accounts', urls.ACCOUNTS_URL, keys.ACCOUNTS_API_KEY)),
    orders: createOrdersClient(upstream('orders', urls.ORDERS_URL, keys.ORDERS_API_KEY)),
    cart: createCartClient(upstream('cart', urls.CART_URL, keys.CART_API_KEY)),
    wishlist: createWishlistClient(upstream('wishlist', urls.WISHLIST_URL, keys.WISHLIST_API_KEY)),
    notifications: createNotificationsClient(
      upstream('notifications', urls.NOTIFICATIONS_URL, keys.NOTIFICATIONS_API_KEY),
    ),
  };
}
