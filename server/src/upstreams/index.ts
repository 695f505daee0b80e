import type { Config, UpstreamConfig } from '../config.js';
import { createUpstreamHttp } from '../kit/http.js';
import type { UpstreamTransport } from '../kit/transport.js';
import { createErpClient, type ErpClient } from './erp/client.js';
import {
  createAccountsClient,
  createCartClient,
  createNotificationsClient,
  createOrdersClient,
  createWishlistClient,
  type AccountsClient,
  type CartClient,
  type NotificationsClient,
  type OrdersClient,
  type WishlistClient,
} from './json/account-services.js';
import { createFxClient, type FxClient } from './fx/client.js';
import {
  createPricingClient,
  createRecommendationsClient,
  createReviewsClient,
  type PricingClient,
  type RecommendationsClient,
  type ReviewsClient,
} from './json/catalog-services.js';

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

/** One client per upstream, each with its own key and timeout, all on one transport. */
export function createUpstreams(upstreams: UpstreamConfig, config: Config, transport: UpstreamTransport): Upstreams {
  const { urls, keys } = upstreams;
  const http = (service: string, baseUrl: string, timeoutMs: number, apiKey?: string) =>
    createUpstreamHttp({
      service,
      baseUrl,
      timeoutMs,
      headers: apiKey === undefined ? {} : { 'x-api-key': apiKey },
      transport,
    });
  return {
    erp: createErpClient({ http: http('erp', urls.ERP_URL, config.ERP_TIMEOUT_MS), apiKey: keys.ERP_API_KEY, clientId: upstreams.erpClientId }),
    fx: createFxClient(http('fx', urls.FX_URL, config.UPSTREAM_TIMEOUT_MS)),
    pricing: createPricingClient(http('pricing', urls.PRICING_URL, config.UPSTREAM_TIMEOUT_MS, keys.PRICING_API_KEY)),
    reviews: createReviewsClient(http('reviews', urls.REVIEWS_URL, config.UPSTREAM_TIMEOUT_MS, keys.REVIEWS_API_KEY)),
    recommendations: createRecommendationsClient(http('recommendations', urls.RECOMMENDATIONS_URL, config.UPSTREAM_TIMEOUT_MS, keys.RECOMMENDATIONS_API_KEY)),
    accounts: createAccountsClient(http('accounts', urls.ACCOUNTS_URL, config.UPSTREAM_TIMEOUT_MS, keys.ACCOUNTS_API_KEY)),
    orders: createOrdersClient(http('orders', urls.ORDERS_URL, config.UPSTREAM_TIMEOUT_MS, keys.ORDERS_API_KEY)),
    cart: createCartClient(http('cart', urls.CART_URL, config.UPSTREAM_TIMEOUT_MS, keys.CART_API_KEY)),
    wishlist: createWishlistClient(http('wishlist', urls.WISHLIST_URL, config.UPSTREAM_TIMEOUT_MS, keys.WISHLIST_API_KEY)),
    notifications: createNotificationsClient(http('notifications', urls.NOTIFICATIONS_URL, config.UPSTREAM_TIMEOUT_MS, keys.NOTIFICATIONS_API_KEY)),
  };
}
