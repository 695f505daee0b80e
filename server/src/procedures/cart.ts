import { cartGetInput, cartOutput, cartSetItemInput, type Cart } from '@storefront/shared';
import { cartView } from '../domain/cart.js';
import { productNotFound, versionConflict } from '../errors.js';
import { aggregate, optional, required } from '../kit/aggregate.js';
import type { BatchLoader } from '../kit/batch-loader.js';
import type { StopSignal } from '../kit/stop-signal.js';
import type { CallOptions } from '../kit/upstream/upstream.js';
import type { StoredCart } from '../upstreams/cart/records.js';
import { tagsOf } from '../upstreams/cache-policies.js';
import { createCatalogLookup } from '../upstreams/catalog-lookup.js';
import { router, signedInProcedure, type Context } from '../trpc.js';
import { converterOf, converterPart, shopperCurrency } from './parts.js';

/**
 * A stored cart made into what `cart.get` answers: one GetProducts, one GetStock and one prices
 * call for all its lines, and the currency's rates.
 */
async function hydrateCart(
  ctx: Context,
  cart: StoredCart,
  currency: string,
  signal: StopSignal | undefined,
): Promise<Cart> {
  const { erp, pricing, fx } = ctx.upstreams;
  const { ERP_TIMEOUT_MS: erpBudget, PART_TIMEOUT_MS: partBudget } = ctx.config;
  const skus = cart.items.map((item) => item.sku);
  const lookup = createCatalogLookup({ erp, pricing }, { call: { signal, scope: ctx.scope } });
  const load =
    <V>(loader: BatchLoader<string, V>) =>
    (call: CallOptions): Promise<Map<string, V>> =>
      loader.ticket(call.signal).load(skus);
  const parts = await aggregate(
    {
      products: required(erpBudget, load(lookup.products)),
      stock: optional(partBudget, load(lookup.stock)),
      prices: optional(partBudget, load(lookup.prices)),
      convert: optional(partBudget, converterPart(currency, fx)),
    },
    { signal, scope: ctx.scope },
  );
  return cartView({ ...parts, cart, currency, convert: converterOf(parts.convert) });
}

export const cartRouter = router({
  get: signedInProcedure
    .input(cartGetInput)
    .output(cartOutput)
    .query(async ({ input, ctx, signal }) => {
      const userId = ctx.user.id;
      const budget = ctx.config.UPSTREAM_TIMEOUT_MS;
      const { cart, currency } = await aggregate(
        {
          cart: required(budget, (call) => ctx.upstreams.cart.get(userId, call)),
          currency: required(budget, (call) =>
            shopperCurrency(ctx.upstreams.accounts, userId, input.currency, call),
          ),
        },
        { signal, scope: ctx.scope },
      );
      return hydrateCart(ctx, cart, currency, signal);
    }),

  setItem: signedInProcedure
    .input(cartSetItemInput)
    .output(cartOutput)
    .mutation(async ({ input, ctx, signal }) => {
      const userId = ctx.user.id;
      const budget = ctx.config.UPSTREAM_TIMEOUT_MS;
      const { currency, known } = await aggregate(
        {
          currency: required(budget, (call) =>
            shopperCurrency(ctx.upstreams.accounts, userId, input.currency, call),
          ),
          // Only products the ERP knows go into a cart.
          known: required(
            ctx.config.ERP_TIMEOUT_MS,
            async (call) =>
              input.quantity === 0 ||
              (await ctx.upstreams.erp.getProducts([input.sku], call)).has(input.sku),
          ),
        },
        { signal, scope: ctx.scope },
      );
      if (!known) throw productNotFound(input.sku);
      const { change } = await aggregate(
        {
          change: required(budget, (call) =>
            ctx.upstreams.cart.setItem(
              userId,
              input.sku,
              input.quantity,
              input.expectedVersion,
              call,
            ),
          ),
        },
        { signal, scope: ctx.scope },
      );
      // Changed or not, what is cached of the cart is stale now.
      await ctx.invalidate(tagsOf.cart(userId));
      if (!change.changed) throw versionConflict();
      return hydrateCart(ctx, change.cart, currency, signal);
    }),
});
