import { dashboardInput, dashboardOutput } from '@storefront/shared';
import { dashboardView } from '../domain/dashboard.js';
import { RECOMMENDATIONS_ASKED } from '../domain/product.js';
import { accountNotFound } from '../errors.js';
import { aggregate, optional, required } from '../kit/aggregate.js';
import { createCatalogLookup } from '../upstreams/catalog-lookup.js';
import { router, signedInProcedure } from '../trpc.js';

const RECENT_ORDERS = 5;
const NOTIFICATIONS = 5;

export const accountRouter = router({
  /**
   * About ten upstream calls in one: the profile is required, every other part degrades. The SKU
   * look-ups of cart, wishlist and recommendations go through one request-scoped lookup, so they
   * make one GetProducts and one prices call together (split only at the upstreams' maximum).
   */
  dashboard: signedInProcedure
    .input(dashboardInput)
    .output(dashboardOutput)
    .query(async ({ input, ctx, signal }) => {
      const userId = ctx.user.id;
      const { accounts, orders, cart, wishlist, notifications, recommendations, fx, erp, pricing } =
        ctx.upstreams;
      const { UPSTREAM_TIMEOUT_MS: requiredBudget, PART_TIMEOUT_MS: partBudget } = ctx.config;
      // A slow SKU source (or a hanging lookup) must not take the other parts down with it.
      const lookup = createCatalogLookup(
        { erp, pricing },
        {
          call: { signal, scope: ctx.scope },
          gatherMs: partBudget / 4,
          timeoutMs: (partBudget * 3) / 5,
        },
      );

      const parts = await aggregate(
        {
          profile: required(requiredBudget, (call) => accounts.getUser(userId, call)),
          // The day's rates, in parallel: the currency is known only once the profile is in.
          rates: optional(partBudget, (call) => fx.getDailyRates(call)),
          loyalty: optional(partBudget, (call) => accounts.getLoyalty(userId, call)),
          recentOrders: optional(partBudget, (call) => orders.list(userId, RECENT_ORDERS, call)),
          notifications: optional(partBudget, (call) =>
            notifications.unread(userId, NOTIFICATIONS, call),
          ),
          cart: optional(
            partBudget,
            lookup.hydrated(
              async (call) => {
                const stored = await cart.get(userId, call);
                return { skus: stored.items.map((item) => item.sku), value: stored };
              },
              { products: false },
            ),
          ),
          wishlist: optional(
            partBudget,
            lookup.hydrated(
              async (call) => ({ skus: await wishlist.get(userId, call), value: null }),
              { products: true },
            ),
          ),
          recommendations: optional(
            partBudget,
            lookup.hydrated(
              async (call) => ({
                skus: await recommendations.forUser(userId, RECOMMENDATIONS_ASKED, call),
                value: null,
              }),
              { products: true },
            ),
          ),
        },
        { signal, scope: ctx.scope },
      );
      if (!parts.profile) throw accountNotFound();
      return dashboardView({ ...parts, profile: parts.profile, askedCurrency: input.currency });
    }),
});
