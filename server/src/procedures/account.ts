import { DASHBOARD_DEGRADABLE, dashboardInput, dashboardOutput, SKU_PATTERN } from '@storefront/shared';
import { multiply, sum } from '../domain/money.js';
import { converterFor, RECOMMENDATIONS_ASKED, RECOMMENDATIONS_SHOWN, summariesOf } from '../domain/product.js';
import { ApiError } from '../errors.js';
import { aggregate, degradedOf, optional, required } from '../kit/aggregate.js';
import { UpstreamError } from '../kit/upstream-error.js';
import { createCatalogLookup } from '../upstreams/catalog-lookup.js';
import type { ErpProduct } from '../upstreams/erp/schemas.js';
import type { UpstreamPrice } from '../upstreams/json/catalog-services.js';
import { router, signedInProcedure } from '../trpc.js';

const RECENT_ORDERS = 5;
const NOTIFICATIONS = 5;

type Degradable = (typeof DASHBOARD_DEGRADABLE)[number];

export const accountRouter = router({
  /**
   * About ten upstream calls in one: the profile is required, every other part degrades. The SKU
   * look-ups of cart, wishlist and recommendations go through one request-scoped lookup, so they
   * make one GetProducts and one prices call together (chunked only at the upstreams' maximum).
   */
  dashboard: signedInProcedure
    .input(dashboardInput)
    .output(dashboardOutput)
    .query(async ({ input, ctx, signal }) => {
      const userId = ctx.user.id;
      const { accounts, orders, cart, wishlist, notifications, recommendations, fx, erp, pricing } = ctx.upstreams;
      const { UPSTREAM_TIMEOUT_MS: requiredBudget, PART_TIMEOUT_MS: partBudget } = ctx.config;
      // A slow SKU source (or a hanging lookup) must not take the other parts down with it.
      const lookup = createCatalogLookup({ erp, pricing }, { ...(signal ? { signal } : {}), gatherMs: partBudget / 4, timeoutMs: (partBudget * 3) / 5 });

      /** Products and prices of some SKUs, through the shared lookup (tickets taken before the first await). */
      const hydrate = (s: AbortSignal, needProducts: boolean) => {
        const products = needProducts ? lookup.products.ticket(s) : undefined;
        const prices = lookup.prices.ticket(s);
        return {
          release() {
            products?.release();
            prices.release();
          },
          async load(skus: string[]) {
            const [found, priced] = await Promise.all([
              products ? products.load(skus) : Promise.resolve(new Map<string, ErpProduct>()),
              prices.load(skus).then(
                (value) => ({ ok: true as const, value }),
                (error: unknown) => ({ ok: false as const, error }),
              ),
            ]);
            return { products: found, prices: priced };
          },
        };
      };
      const withLookup = <T>(needProducts: boolean, fetchSkus: (s: AbortSignal) => Promise<{ skus: string[]; extra: T }>) => async (s: AbortSignal) => {
        const tickets = hydrate(s, needProducts);
        try {
          const { skus, extra } = await fetchSkus(s);
          return { ...(await tickets.load(skus)), skus, extra };
        } finally {
          tickets.release();
        }
      };

      const parts = await aggregate(
        {
          profile: required(requiredBudget, (s) => accounts.getUser(userId, s)),
          // The day's rates, in parallel: the currency is known only once the profile is in.
          rates: optional(partBudget, (s) => fx.getDailyRates(s)),
          loyalty: optional(partBudget, (s) => accounts.getLoyalty(userId, s)),
          recentOrders: optional(partBudget, (s) => orders.list(userId, RECENT_ORDERS, s)),
          notifications: optional(partBudget, (s) => notifications.unread(userId, NOTIFICATIONS, s)),
          cart: optional(
            partBudget,
            withLookup(false, async (s) => {
              const current = await cart.get(userId, s);
              return { skus: current.items.map((item) => item.sku), extra: current };
            }),
          ),
          wishlist: optional(
            partBudget,
            withLookup(true, async (s) => ({ skus: await wishlist.get(userId, s), extra: null })),
          ),
          recommendations: optional(
            partBudget,
            withLookup(true, async (s) => ({
              skus: (await recommendations.forUser(userId, RECOMMENDATIONS_ASKED, s)).filter((sku) => SKU_PATTERN.test(sku)),
              extra: null,
            })),
          ),
        },
        { ...(signal ? { signal } : {}) },
      ).catch((error: unknown) => {
        if (error instanceof UpstreamError && error.service === 'accounts' && error.status === 404) {
          throw new ApiError({ code: 'NOT_FOUND', message: 'There is no account for this user', cause: error });
        }
        throw error;
      });

      const profile = parts.profile;
      const currency = input.currency ?? profile.currency;
      const dayRates = parts.rates.ok ? parts.rates.value.rates : undefined;
      if (input.currency && input.currency !== 'EUR' && dayRates && !dayRates.has(input.currency)) {
        throw new ApiError({ code: 'BAD_REQUEST', message: `Unknown currency ${input.currency}: EUR or one of the ECB's reference currencies` });
      }
      const convert = converterFor(currency, dayRates);

      const failed = new Set<Degradable>();
      const pricesOf = (result: { prices: { ok: true; value: Map<string, UpstreamPrice> } | { ok: false; error: unknown } }) => {
        if (!result.prices.ok || !convert) failed.add('prices');
        return result.prices.ok ? result.prices.value : new Map<string, UpstreamPrice>();
      };

      let cartSummary = null;
      if (parts.cart.ok) {
        const prices = pricesOf(parts.cart.value);
        const items = parts.cart.value.extra.items;
        const lineTotals = items.flatMap((item) => {
          const price = prices.get(item.sku);
          return price && convert ? [multiply(convert(price.amount), item.quantity)] : [];
        });
        cartSummary = {
          itemCount: items.reduce((total, item) => total + item.quantity, 0),
          subtotal: parts.cart.value.prices.ok && convert ? sum(lineTotals, currency) : null,
        };
      } else failed.add('cart');

      const wishlistItems = parts.wishlist.ok ? summariesOf(parts.wishlist.value.skus, parts.wishlist.value.products, pricesOf(parts.wishlist.value), convert, false) : [];
      if (!parts.wishlist.ok) failed.add('wishlist');
      const recommended = parts.recommendations.ok
        ? summariesOf(parts.recommendations.value.skus, parts.recommendations.value.products, pricesOf(parts.recommendations.value), convert, true).slice(0, RECOMMENDATIONS_SHOWN)
        : [];
      if (!parts.recommendations.ok) failed.add('recommendations');
      if (!parts.loyalty.ok) failed.add('loyalty');
      if (!parts.recentOrders.ok) failed.add('recentOrders');
      if (!parts.notifications.ok) failed.add('notifications');

      return {
        profile: { id: profile.id, email: profile.email, firstName: profile.name.first, lastName: profile.name.last, tier: profile.tier },
        loyalty: parts.loyalty.ok ? parts.loyalty.value : null,
        recentOrders: parts.recentOrders.ok
          ? parts.recentOrders.value.map((order) => ({ orderNo: order.orderNo, placedAt: order.placedAt, status: order.status, total: { amount: order.total.amount, currencyCode: order.total.currency } }))
          : [],
        cart: cartSummary,
        wishlist: wishlistItems,
        notifications: parts.notifications.ok ? parts.notifications.value : null,
        recommendations: recommended,
        degraded: degradedOf(DASHBOARD_DEGRADABLE, failed),
      };
    }),
});
