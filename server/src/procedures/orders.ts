import { ordersListOutput, ordersPlaceInput, ordersPlaceOutput } from '@storefront/shared';
import { confirmationView, orderSummary } from '../domain/orders.js';
import { emptyCart, orderRefused } from '../errors.js';
import { aggregate, required } from '../kit/aggregate.js';
import { tagsOf } from '../upstreams/cache-policies.js';
import { router, signedInProcedure } from '../trpc.js';

const ORDERS_LISTED = 20;

export const ordersRouter = router({
  list: signedInProcedure.output(ordersListOutput).query(async ({ ctx, signal }) => {
    const { orders } = await aggregate(
      {
        orders: required(ctx.config.UPSTREAM_TIMEOUT_MS, (call) =>
          ctx.upstreams.orders.list(ctx.user.id, ORDERS_LISTED, call),
        ),
      },
      { signal, scope: ctx.scope },
    );
    return {
      orders: orders.map((order) => ({ ...orderSummary(order), lineCount: order.lineCount })),
    };
  }),

  /**
   * Places the cart's lines through the ERP's PlaceOrder (SOAP), idempotent by `clientReference`,
   * then empties the cart. A refused order leaves the cart as it was.
   */
  place: signedInProcedure
    .input(ordersPlaceInput)
    .output(ordersPlaceOutput)
    .mutation(async ({ input, ctx, signal }) => {
      const userId = ctx.user.id;
      const { cart, erp } = ctx.upstreams;
      const request = { signal, scope: ctx.scope };
      // The order is placed from the cart as it is now, never from a cached copy; the orders placed
      // so far tell a retried order (the ERP answers its first confirmation) from a new one.
      await ctx.invalidate([...tagsOf.cart(userId), ...tagsOf.orders(userId)]);
      const { current, earlier } = await aggregate(
        {
          current: required(ctx.config.UPSTREAM_TIMEOUT_MS, (call) => cart.get(userId, call)),
          earlier: required(ctx.config.UPSTREAM_TIMEOUT_MS, (call) =>
            ctx.upstreams.orders.list(userId, ORDERS_LISTED, call),
          ),
        },
        request,
      );

      const lines = current.items.map((item) => ({ sku: item.sku, quantity: item.quantity }));
      const { outcome } = await aggregate(
        {
          outcome: required(ctx.config.ERP_TIMEOUT_MS, (call) =>
            // An empty cart still asks the ERP: a retried order (same reference) whose cart was
            // emptied by the first attempt gets its first confirmation back.
            erp.placeOrder(
              {
                customerId: userId,
                lines,
                shipTo: input.shipTo,
                clientReference: input.clientReference,
              },
              call,
            ),
          ),
        },
        request,
      );
      if (!outcome.placed) throw lines.length === 0 ? emptyCart() : orderRefused(outcome.refusal);
      const { confirmation } = outcome;

      // A retry of an order placed before: the cart holds what was added since, and stays as it is.
      const replayed = earlier.some((order) => order.orderNo === confirmation.orderNo);
      if (lines.length > 0 && !replayed) {
        // Empty the cart, unless it changed since it was read: then remove only the ordered lines.
        // The order stands either way: a cart that could not be emptied is logged, not an error. It
        // is emptied even if the client has gone away meanwhile (no signal).
        try {
          const cleared = await cart.clear(userId, current.version, { scope: ctx.scope });
          if (!cleared.changed)
            for (const line of lines)
              await cart.setItem(userId, line.sku, 0, undefined, { scope: ctx.scope });
        } catch (error) {
          ctx.log.warn('order placed, cart not emptied', {
            requestId: ctx.scope.requestId,
            orderNo: confirmation.orderNo,
            error: error instanceof Error ? error.message : 'unknown',
          });
        }
      }
      await ctx.invalidate(
        tagsOf.order(
          userId,
          lines.map((line) => line.sku),
        ),
      );
      return confirmationView(confirmation);
    }),
});
