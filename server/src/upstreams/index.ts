import type { Config } from '../config.js';
import type { Transport } from '../kit/upstream/transport.js';
import { createUpstream, type UpstreamStep } from '../kit/upstream/upstream.js';
import { createAccountsClient } from './accounts/client.js';
import type { AccountsClient } from './accounts/records.js';
import { createCartClient } from './cart/client.js';
import type { CartClient } from './cart/records.js';
import { createErpClient } from './erp/client.js';
import type { ErpClient } from './erp/records.js';
import { createErpV2Client } from './erp-v2/client.js';
import type { ErpVersion } from './erp-migration/router.js';
import { createFxClient } from './fx/client.js';
import type { FxClient } from './fx/records.js';
import { createNotificationsClient } from './notifications/client.js';
import type { NotificationsClient } from './notifications/records.js';
import { createOrdersClient } from './orders/client.js';
import type { OrdersClient } from './orders/records.js';
import { createPricingClient } from './pricing/client.js';
import type { PricingClient } from './pricing/records.js';
import { createRecommendationsClient } from './recommendations/client.js';
import type { RecommendationsClient } from './recommendations/records.js';
import { createReviewsClient } from './reviews/client.js';
import type { ReviewsClient } from './reviews/records.js';
import { createWishlistClient } from './wishlist/client.js';
import type { WishlistClient } from './wishlist/records.js';

/** One client per upstream service, as procedures call them (the ERP's versions behind one). */
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

/** The services besides the ERP, which has versions of its own (see createErpUpstreams). */
export type ServiceUpstreams = Omit<Upstreams, 'erp'>;

/** The name of a call path: metrics, spans, Server-Timing and guards go by it (the ERP's JSON version is `erp-v2`). */
export type UpstreamName = keyof Upstreams | 'erp-v2';

/** The call path each ERP version's calls take. */
export const ERP_UPSTREAM: Record<ErpVersion, 'erp' | 'erp-v2'> = { v1: 'erp', v2: 'erp-v2' };

export interface UpstreamsOptions {
  transport: Transport;
  /** The steps every call of one upstream goes through, outermost first (built per upstream). @default none */
  stepsFor?: (upstream: UpstreamName) => readonly UpstreamStep[];
}

/**
 * What the upstreams' composition reads of the configuration: their URLs and keys, the time bounds
 * and the size bound. The configuration is the composition's input (config.ts imports nothing of
 * the server), read here only, as a type; the clients themselves get an Upstream and know none of it.
 */
export type UpstreamSettings = Pick<
  Config,
  'upstreams' | 'ERP_TIMEOUT_MS' | 'UPSTREAM_TIMEOUT_MS' | 'UPSTREAM_MAX_BYTES'
>;

/** One configured ERP version: its client on the answer's path, and on the shadow path. */
export interface ErpPaths {
  client: ErpClient;
  shadow: ErpClient;
}

export interface ErpUpstreamsOptions extends UpstreamsOptions {
  /** The steps of a version's shadow calls (its own breaker and bulkhead). @default stepsFor's */
  shadowStepsFor?: (upstream: 'erp' | 'erp-v2') => readonly UpstreamStep[];
}

/** An upstream's call path: its base URL, key, time bound, the size bound and its steps. */
function upstreamOf(
  config: UpstreamSettings,
  transport: Transport,
  name: UpstreamName,
  baseUrl: string,
  options: { apiKey?: string | undefined; steps: readonly UpstreamStep[] },
) {
  return createUpstream({
    name,
    baseUrl,
    timeoutMs:
      name === 'erp' || name === 'erp-v2' ? config.ERP_TIMEOUT_MS : config.UPSTREAM_TIMEOUT_MS,
    maxBytes: config.UPSTREAM_MAX_BYTES,
    // The SOAP ERP's key goes in its SOAP header; the JSON services take theirs in X-Api-Key.
    headers: options.apiKey === undefined ? {} : { 'x-api-key': options.apiKey },
    transport,
    steps: options.steps,
  });
}

/**
 * The nine service clients besides the ERP, each on its own call path (its base URL, key, time
 * bound, the size bound and its own steps), all on one keep-alive transport.
 */
export function createServiceUpstreams(
  config: UpstreamSettings,
  options: UpstreamsOptions,
): ServiceUpstreams {
  const { urls, keys } = config.upstreams;
  const upstream = (name: UpstreamName, baseUrl: string, apiKey?: string) =>
    upstreamOf(config, options.transport, name, baseUrl, {
      apiKey,
      steps: options.stepsFor?.(name) ?? [],
    });
  return {
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

/**
 * Each configured ERP version's client, twice: on the answer's path (`erp` for SOAP, `erp-v2` for
 * JSON, with their guards) and on the shadow path (the same name in metrics and spans, its own
 * steps), on the same transport.
 */
export function createErpUpstreams(
  config: UpstreamSettings,
  options: ErpUpstreamsOptions,
): Partial<Record<ErpVersion, ErpPaths>> {
  const { v1, v2 } = config.upstreams.erp;
  const stepsOf = (name: 'erp' | 'erp-v2', shadow: boolean) =>
    (shadow ? options.shadowStepsFor : undefined)?.(name) ?? options.stepsFor?.(name) ?? [];
  const paths: Partial<Record<ErpVersion, ErpPaths>> = {};
  if (v1) {
    const soap = (shadow: boolean) =>
      createErpClient({
        upstream: upstreamOf(config, options.transport, 'erp', v1.url, {
          steps: stepsOf('erp', shadow),
        }),
        apiKey: v1.apiKey,
        clientId: v1.clientId,
      });
    paths.v1 = { client: soap(false), shadow: soap(true) };
  }
  if (v2) {
    const json = (shadow: boolean) =>
      createErpV2Client(
        upstreamOf(config, options.transport, 'erp-v2', v2.url, {
          apiKey: v2.apiKey,
          steps: stepsOf('erp-v2', shadow),
        }),
      );
    paths.v2 = { client: json(false), shadow: json(true) };
  }
  return paths;
}
