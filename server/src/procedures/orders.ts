import { ordersListOutput, ordersPlaceInput, ordersPlaceOutput } from '@storefront/shared';
import { ApiError } from '../errors.js';
import { aggregate, required } from '../kit/aggregate.js';
import { UpstreamError } from '../kit/upstream-error.js';
import { isVersionConflict } from '../upstreams/json/account-services.js';
import { tagsOf } from '../upstreams/cache-policies.js';
import { router, signedInProcedure } from '../trpc.js';

const ORDERS_LISTED = 20;

/** The ERP's refusals of an order, as API.md's errors. */
function refusalOf(error: unknown): unknown {
  if (!(error instanceof UpstreamError) || error.kind !== 'fault') return error;
  switch (error.faultCode) {
    case 'OUT_OF_STOCK':
      return new ApiError({ code: 'CONFLICT', message: `Not enough stock of ${error.sku ?? 'a product'}`, appCode: 'OUT_OF_STOCK', ...(error.sku ? { sku: error.sku } : {}), cause: error });
    case 'UNKNOWN_SKU':
      return new ApiError({ code: 'CONFLICT', message: `The ERP does not know ${error.sku ?? 'a product'}`, appCode: 'PRODUCT_NOT_FOUND', ...(error.sku ? { sku: error.sku } : {}), cause: error });
    case 'INVALID_ADDRESS':
      return new ApiError({ code: 'BAD_REQUEST', message: 'The address is incomplete or outside the shipping area', appCode: 'INVALID_ADDRESS', cause: error });
    default:
      return error;
  }
}

export const ordersRouter = router({
  list: signedInProcedure.output(ordersListOutput).query(async ({ ctx, signal }) => {
    const { orders } = await aggregate(
      { orders: required(ctx.config.UPSTREAM_TIMEOUT_MS, (s) => ctx.upstreams.orders.list(ctx.user.id, ORDERS_LISTED, s)) },
      { ...(signal ? { signal } : {}) },
    );
    return {
      orders: orders.map((order) => ({
        orderNo: order.orderNo,
        placedAt: order.placedAt,
        status: order.status,
        // Order totals stay in the currency the order was placed in.
        total: { amount: order.total.amount, currencyCode: order.total.currency },
        lineCount: order.lineCount,
      })),
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
      const withSignal = signal ? { signal } : {};
      // The order is placed from the cart as it is now, never from a cached copy; the orders placed
      // so far tell a retried order (the ERP answers its first confirmation) from a new one.
      await ctx.invalidate([...tagsOf.cart(userId), ...tagsOf.orders(userId)]);
      const { current, earlier } = await aggregate(
        {
          current: required(ctx.config.UPSTREAM_TIMEOUT_MS, (s) => cart.get(userId, s)),
          earlier: required(ctx.config.UPSTREAM_TIMEOUT_MS, (s) => ctx.upstreams.orders.list(userId, ORDERS_LISTED, s)),
        },
        withSignal,
      );

      const lines = current.items.map((item) => ({ sku: item.sku, quantity: item.quantity }));
      const { confirmation } = await aggregate(
        {
          confirmation: required(ctx.config.ERP_TIMEOUT_MS, (s) =>
            // An empty cart still asks the ERP: a retried order (same reference) whose cart was
            // emptied by the first attempt gets its first confirmation back; otherwise EMPTY_CART.
            erp.placeOrder({ customerId: userId, lines, shipTo: input.shipTo, clientReference: input.clientReference }, s),
          ),
        },
        withSignal,
      ).catch((error: unknown) => {
        // The ERP refused a request without lines (not a known reference): the cart was empty.
        if (lines.length === 0 && error instanceof UpstreamError && error.kind === 'fault' && error.faultCode !== 'Server') {
          throw new ApiError({ code: 'BAD_REQUEST', message: 'The cart is empty', appCode: 'EMPTY_CART', cause: error });
        }
        throw refusalOf(error);
      });

      // A retry of an order placed before: the cart holds what was added since, and stays as it is.
      const replayed = earlier.some((order) => order.orderNo === confirmation.orderNo);
      if (lines.length > 0 && !replayed) {
        // Empty the cart, unless it changed since it was read: then remove only the ordered lines.
        // The order stands either way: a cart that could not be emptied is logged, not an error.
        try {
          try {
            await cart.clear(userId, current.version);
          } catch (error) {
            if (!isVersionConflict(error)) throw error;
            for (const line of lines) await cart.setItem(userId, line.sku, 0, undefined);
          }
        } catch (error) {
          ctx.log.warn('order placed, cart not emptied', { requestId: ctx.requestId, orderNo: confirmation.orderNo, error: error instanceof Error ? error.message : 'unknown' });
        }
      }
      await ctx.invalidate(tagsOf.order(userId, lines.map((line) => line.sku)));
      return {
        orderNo: confirmation.orderNo,
        status: confirmation.status,
        total: { amount: confirmation.total.amount, currencyCode: confirmation.total.currency },
        estimatedDelivery: confirmation.estimatedDelivery,
      };
    }),
});
