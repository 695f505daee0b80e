import { cartGetInput, cartOutput, cartSetItemInput } from '@storefront/shared';
import { ApiError } from '../errors.js';
import { aggregate, required } from '../kit/aggregate.js';
import { isVersionConflict } from '../upstreams/json/account-services.js';
import { tagsOf } from '../upstreams/cache-policies.js';
import { router, signedInProcedure } from '../trpc.js';
import { cartView, shopperCurrency } from './cart-view.js';

export const cartRouter = router({
  get: signedInProcedure
    .input(cartGetInput)
    .output(cartOutput)
    .query(async ({ input, ctx, signal }) => {
      const userId = ctx.user.id;
      const budget = ctx.config.UPSTREAM_TIMEOUT_MS;
      const { cart, currency } = await aggregate(
        {
          cart: required(budget, (s) => ctx.upstreams.cart.get(userId, s)),
          currency: required(budget, (s) => shopperCurrency(ctx, userId, input.currency, s)),
        },
        { ...(signal ? { signal } : {}) },
      );
      return cartView(ctx, cart, currency, signal);
    }),

  setItem: signedInProcedure
    .input(cartSetItemInput)
    .output(cartOutput)
    .mutation(async ({ input, ctx, signal }) => {
      const userId = ctx.user.id;
      const budget = ctx.config.UPSTREAM_TIMEOUT_MS;
      const { currency } = await aggregate(
        {
          currency: required(budget, (s) => shopperCurrency(ctx, userId, input.currency, s)),
          // Only products the ERP knows go into a cart.
          known: required(ctx.config.ERP_TIMEOUT_MS, async (s) => {
            if (input.quantity === 0) return;
            const [product] = await ctx.upstreams.erp.getProducts([input.sku], s);
            if (!product) throw new ApiError({ code: 'NOT_FOUND', message: `No product ${input.sku}`, appCode: 'PRODUCT_NOT_FOUND' });
          }),
        },
        { ...(signal ? { signal } : {}) },
      );
      const { cart } = await aggregate(
        { cart: required(budget, (s) => ctx.upstreams.cart.setItem(userId, input.sku, input.quantity, input.expectedVersion, s)) },
        { ...(signal ? { signal } : {}) },
      ).catch((error: unknown) => {
        if (isVersionConflict(error)) {
          // Someone else changed the cart: what is cached of it is stale.
          void ctx.invalidate(tagsOf.cart(userId));
          throw new ApiError({ code: 'CONFLICT', message: 'The cart changed since that version', appCode: 'VERSION_CONFLICT', cause: error });
        }
        throw error;
      });
      await ctx.invalidate(tagsOf.cart(userId));
      return cartView(ctx, cart, currency, signal);
    }),
});
