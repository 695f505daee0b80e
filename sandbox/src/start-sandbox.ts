import { randomBytes } from 'node:crypto';
import type { CatalogOptions } from './data/catalog.js';
import { DEMO_USERS } from './data/fixtures.js';
import { createStore, type SandboxStore } from './data/store.js';
import { createCallCounter, type CallCounter } from './host/calls.js';
import { createFaultControls, type Fault, type FaultControls } from './host/faults.js';
import { serveService, type RunningService } from './host/serve.js';
import type { KeyedServiceName, ServiceDefinition, ServiceName } from './host/types.js';
import { createCartService } from './services/cart.js';
import { createErpV2Service } from './services/erp/json-v2.js';
import { createErpService } from './services/erp/service.js';
import type { ErpXmlStyle } from './services/erp/soap.js';
import { createFxService, type FxServiceOptions } from './services/fx.js';
import { createIdpService, type IdpControls } from './services/idp.js';
import { createPricingService } from './services/pricing.js';
import { createRecommendationsService } from './services/recommendations.js';
import { createReviewsService } from './services/reviews.js';
import {
  createAccountsService,
  createNotificationsService,
  createOrdersService,
  createWishlistService,
} from './services/users.js';

const KEYED_SERVICES: readonly KeyedServiceName[] = [
  'erp',
  'erp-v2',
  'pricing',
  'reviews',
  'recommendations',
  'accounts',
  'orders',
  'cart',
  'wishlist',
  'notifications',
];

export interface SandboxOptions extends CatalogOptions {
  /** 'realistic': reviews 100 to 300 ms, recommendations up to 40 ms, the rest a few ms; 'none': no added latency. @default 'realistic' */
  latency?: 'realistic' | 'none';
  /** API keys per service; each one not given is random. */
  keys?: Partial<Record<KeyedServiceName, string>>;
  /** The ERP's accepted ClientId. @default 'storefront-bff' */
  erpClientId?: string;
  /** The `aud` of issued tokens. @default 'storefront-bff' */
  audience?: string;
  /** How the ERP writes XML (prefixes, quoting). @default SOAP-ENV and erp prefixes, double quotes */
  erpXml?: ErpXmlStyle;
  fx?: FxServiceOptions;
  /** A path prefix for every service's base URL, as behind a gateway (`/api`). @default '' */
  basePath?: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** Fixed ports per service; every other service gets a free one. */
  ports?: Partial<Record<ServiceName, number>>;
  /** Probability per request that a service fails on its own (half 503, half 2.5 s late), as the recommendations service does in production. @default none */
  failureRates?: Partial<Record<ServiceName, number>>;
  /** A failure of each service's own, drawn per request (after failureRates'): a soak's mix of every way to fail. @default none */
  chaos?: (service: ServiceName, operation: string) => Fault | undefined;
}

/** Which of the ERP's versions a BFF is pointed at: SOAP (v1), JSON (v2), or both. */
export type ErpVersions = 'v1' | 'v2' | 'both';

export interface Sandbox {
  /** Base URLs, without a trailing slash. */
  urls: Record<ServiceName, string>;
  keys: Record<KeyedServiceName, string>;
  erpClientId: string;
  idp: IdpControls;
  faults: FaultControls;
  calls: CallCounter;
  store: SandboxStore;
  users: readonly { username: string; password: string; userId: string }[];
  /**
   * The BFF's environment variables (docs/api.md) that point at this sandbox: the ERP's SOAP
   * version only unless `erp` says otherwise (both serve the same store).
   */
  env(options?: { erp?: ErpVersions }): Record<string, string>;
  close(): Promise<void>;
}

function realisticLatency(service: ServiceName): () => number {
  const between = (min: number, max: number) => () => min + Math.random() * (max - min);
  switch (service) {
    case 'reviews':
      return between(100, 300);
    case 'recommendations':
      return between(5, 40);
    case 'erp':
    case 'erp-v2':
      return between(3, 12);
    default:
      return between(1, 5);
  }
}

/** Starts every upstream of docs/upstreams.md and the identity provider in this process, on free ports. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const store = createStore(options);
  const keys = Object.fromEntries(
    KEYED_SERVICES.map((name) => [
      name,
      options.keys?.[name] ?? `sbx-${name}-${randomBytes(12).toString('hex')}`,
    ]),
  ) as Record<KeyedServiceName, string>;
  const erpClientId = options.erpClientId ?? 'storefront-bff';
  const faults = createFaultControls();
  const calls = createCallCounter();
  const idp = await createIdpService(store.users, options.audience ?? 'storefront-bff');

  const definitions: ServiceDefinition[] = [
    createErpService(store, {
      apiKey: keys.erp,
      clientId: erpClientId,
      ...(options.erpXml ? { style: options.erpXml } : {}),
    }),
    createErpV2Service(store, keys['erp-v2']),
    createFxService(options.fx),
    createPricingService(store, keys.pricing),
    createReviewsService(store, keys.reviews),
    createRecommendationsService(store, keys.recommendations),
    createAccountsService(store, keys.accounts),
    createOrdersService(store, keys.orders),
    createCartService(store, keys.cart),
    createWishlistService(store, keys.wishlist),
    createNotificationsService(store, keys.notifications),
    idp.definition,
  ];

  const running: RunningService[] = [];
  const urls: Partial<Record<ServiceName, string>> = {};
  try {
    for (const definition of definitions) {
      const rate = options.failureRates?.[definition.name] ?? 0;
      const own = options.chaos;
      const chaos =
        rate > 0 || own
          ? (operation: string): Fault | undefined => {
              if (rate > 0 && Math.random() < rate)
                return Math.random() < 0.5
                  ? { kind: 'status', status: 503 }
                  : { kind: 'latency', ms: 2_500 };
              return own?.(definition.name, operation);
            }
          : undefined;
      const service = await serveService(definition, {
        faults,
        calls,
        latencyMs: options.latency === 'none' ? () => 0 : realisticLatency(definition.name),
        ...(options.basePath === undefined ? {} : { basePath: options.basePath }),
        ...(options.host === undefined ? {} : { host: options.host }),
        ...(options.ports?.[definition.name] === undefined
          ? {}
          : { port: options.ports[definition.name] }),
        ...(chaos ? { chaos } : {}),
      });
      running.push(service);
      urls[definition.name] = service.url;
    }
  } catch (error) {
    await Promise.all(running.map((service) => service.close()));
    throw error;
  }
  const allUrls = urls as Record<ServiceName, string>;
  const idpControls = idp.bind(allUrls.idp);

  return {
    urls: allUrls,
    keys,
    erpClientId,
    idp: idpControls,
    faults,
    calls,
    store,
    users: DEMO_USERS.map(({ username, password, userId }) => ({ username, password, userId })),
    env: ({ erp = 'v1' } = {}) => ({
      ...(erp === 'v2'
        ? {}
        : { ERP_URL: allUrls.erp, ERP_API_KEY: keys.erp, ERP_CLIENT_ID: erpClientId }),
      ...(erp === 'v1' ? {} : { ERP_V2_URL: allUrls['erp-v2'], ERP_V2_API_KEY: keys['erp-v2'] }),
      FX_URL: allUrls.fx,
      PRICING_URL: allUrls.pricing,
      REVIEWS_URL: allUrls.reviews,
      RECOMMENDATIONS_URL: allUrls.recommendations,
      ACCOUNTS_URL: allUrls.accounts,
      ORDERS_URL: allUrls.orders,
      CART_URL: allUrls.cart,
      WISHLIST_URL: allUrls.wishlist,
      NOTIFICATIONS_URL: allUrls.notifications,
      PRICING_API_KEY: keys.pricing,
      REVIEWS_API_KEY: keys.reviews,
      RECOMMENDATIONS_API_KEY: keys.recommendations,
      ACCOUNTS_API_KEY: keys.accounts,
      ORDERS_API_KEY: keys.orders,
      CART_API_KEY: keys.cart,
      WISHLIST_API_KEY: keys.wishlist,
      NOTIFICATIONS_API_KEY: keys.notifications,
      AUTH_JWKS_URL: idpControls.jwksUrl,
      AUTH_ISSUER: idpControls.issuer,
      AUTH_AUDIENCE: idpControls.audience,
    }),
    async close() {
      faults.clear();
      await Promise.all(running.map((service) => service.close()));
    },
  };
}
