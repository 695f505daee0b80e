import { DASHBOARD_DEGRADABLE, type Dashboard } from '@storefront/shared';
import type { PartResult } from '../kit/aggregate.js';
import type { Account, Loyalty } from '../upstreams/accounts/records.js';
import type { StoredCart } from '../upstreams/cart/records.js';
import type { EcbRates } from '../upstreams/fx/records.js';
import type { Notifications } from '../upstreams/notifications/records.js';
import type { Order } from '../upstreams/orders/records.js';
import type { Price } from '../upstreams/pricing/records.js';
import type { Hydrated } from '../upstreams/records.js';
import { assertKnownCurrency, converterFor } from './currency.js';
import { degradedOf } from './degraded.js';
import { multiply, sum } from './money.js';
import { orderSummary } from './orders.js';
import { RECOMMENDATIONS_SHOWN, summariesOf } from './product.js';

/** What `account.dashboard` is built from: the profile, and every other part as it came back. */
export interface DashboardParts {
  profile: Account;
  /** The currency asked for; the profile's when none was. */
  askedCurrency: string | undefined;
  rates: PartResult<EcbRates>;
  loyalty: PartResult<Loyalty | undefined>;
  recentOrders: PartResult<Order[]>;
  notifications: PartResult<Notifications>;
  cart: PartResult<Hydrated<StoredCart>>;
  wishlist: PartResult<Hydrated<unknown>>;
  recommendations: PartResult<Hydrated<unknown>>;
}

type Degradable = (typeof DASHBOARD_DEGRADABLE)[number];

/**
 * The dashboard: the profile, and every other part null or empty and named in `degraded` when it
 * failed. Prices are in the asked currency, else the profile's; prices that failed (pricing, or FX
 * for a currency other than EUR) degrade `prices` and leave the cart's subtotal null. A currency
 * asked for that the day's rates do not list throws UnknownCurrencyError.
 */
export function dashboardView(parts: DashboardParts): Dashboard {
  const { profile } = parts;
  const rates = parts.rates.ok ? parts.rates.value.rates : undefined;
  if (parts.askedCurrency !== undefined) assertKnownCurrency(parts.askedCurrency, rates);
  const currency = parts.askedCurrency ?? profile.currency;
  const convert = converterFor(currency, rates);
  const failed = new Set<Degradable>();
  const pricesOf = (hydrated: Hydrated<unknown>): ReadonlyMap<string, Price> => {
    if (!hydrated.prices.ok || !convert) failed.add('prices');
    return hydrated.prices.ok ? hydrated.prices.value : new Map();
  };

  let cart: Dashboard['cart'] = null;
  if (parts.cart.ok) {
    const prices = pricesOf(parts.cart.value);
    const items = parts.cart.value.value.items;
    const lineTotals = items.flatMap((item) => {
      const price = prices.get(item.sku);
      return price && convert ? [multiply(convert(price.amount), item.quantity)] : [];
    });
    cart = {
      itemCount: items.reduce((total, item) => total + item.quantity, 0),
      subtotal: parts.cart.value.prices.ok && convert ? sum(lineTotals, currency) : null,
    };
  } else failed.add('cart');

  const listed = (
    part: PartResult<Hydrated<unknown>>,
    name: 'wishlist' | 'recommendations',
    activeOnly: boolean,
  ) => {
    if (!part.ok) {
      failed.add(name);
      return [];
    }
    return summariesOf(
      part.value.skus,
      part.value.products,
      pricesOf(part.value),
      convert,
      activeOnly,
    );
  };
  const wishlist = listed(parts.wishlist, 'wishlist', false);
  const recommendations = listed(parts.recommendations, 'recommendations', true).slice(
    0,
    RECOMMENDATIONS_SHOWN,
  );
  if (!parts.loyalty.ok) failed.add('loyalty');
  if (!parts.recentOrders.ok) failed.add('recentOrders');
  if (!parts.notifications.ok) failed.add('notifications');

  return {
    profile: {
      id: profile.id,
      email: profile.email,
      firstName: profile.name.first,
      lastName: profile.name.last,
      tier: profile.tier,
    },
    loyalty: parts.loyalty.ok ? (parts.loyalty.value ?? null) : null,
    recentOrders: parts.recentOrders.ok ? parts.recentOrders.value.map(orderSummary) : [],
    cart,
    wishlist,
    notifications: parts.notifications.ok ? parts.notifications.value : null,
    recommendations,
    degraded: degradedOf(DASHBOARD_DEGRADABLE, failed),
  };
}
