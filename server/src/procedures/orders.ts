import { ordersListOutput, ordersPlaceInput, ordersPlaceOutput } from '@storefront/shared';
import { confirmationView, orderReference, orderSummary } from '../domain/orders.js';
import { emptyCart, orderInProgress, orderRefused } from '../errors.js';
import type { SignedInUser } from '../kit/auth.js';
import { aggregate, required } from '../kit/aggregate.js';
import type { StopSignal } from '../kit/stop-signal.js';
import { tagsOf } from '../upstreams/cache-policies.js';
import type { OrderConfirmation, PlaceOrder } from '../upstreams/erp/records.js';
import { router, signedInProcedure, type Context } from '../trpc.js';

const ORDERS_LISTED = 20;

/**
 * Time under a user's order lock besides the upstream calls' budgets: the Redis round trips
 * (the kept confirmation read twice and written, two invalidations, the release), each bounded
 * by Redis's command timeout (250 ms), with room to spare for a busy event loop.
 */
const ORDER_LOCK_MARGIN_MS = 5_000;

/**
 * How long a user's order lock lasts unless released: longer than `orders.place` can hold it, so
 * that it never expires while an order is still being placed (another instance could then place
 * the same cart again). Every upstream step under the lock has a budget that covers its retries
 * and its wait for a turn: reading the cart and the orders (UPSTREAM_TIMEOUT_MS), the ERP's
 * PlaceOrder (ERP_TIMEOUT_MS, up to 600 s) and emptying the cart (UPSTREAM_TIMEOUT_MS).
 */
export const orderLockTtlMs = (
  config: Pick<Context['config'], 'ERP_TIMEOUT_MS' | 'UPSTREAM_TIMEOUT_MS'>,
): number =>
  config.UPSTREAM_TIMEOUT_MS +
  config.ERP_TIMEOUT_MS +
  config.UPSTREAM_TIMEOUT_MS +
  ORDER_LOCK_MARGIN_MS;

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
   * Places the cart's lines through the ERP's PlaceOrder (SOAP) and empties the cart; a refused
   * order leaves the cart as it was. A `clientReference` is the user's own: the ERP gets a
   * reference made of both (another user's identical reference is another order), and the user
   * repeating it gets the first confirmation. One order of a user at a time.
   */
  place: signedInProcedure
    .input(ordersPlaceInput)
    .output(ordersPlaceOutput)
    .mutation(async ({ input, ctx, signal }) => {
      const userId = ctx.user.id;
      const key = `${userId}\n${input.clientReference}`;
      const kept = await ctx.orderConfirmations.get(key);
      if (kept) return confirmationView(kept);
      const release = await ctx.locks.acquire(`order:${userId}`);
      if (!release) throw orderInProgress();
      try {
        // The call that held the lock may have placed this very order meanwhile.
        const placedMeanwhile = await ctx.orderConfirmations.get(key);
        if (placedMeanwhile) return confirmationView(placedMeanwhile);
        const confirmation = await placeCart(ctx, userId, input, signal);
        await ctx.orderConfirmations.set(key, confirmation);
        return confirmationView(confirmation);
      } finally {
        await release();
      }
    }),
});

/**
 * Places the user's cart as it is now and empties it; the caller holds the user's order lock, so
 * every step here has a budget (orderLockTtlMs adds them up).
 */
async function placeCart(
  ctx: Context & { user: SignedInUser },
  userId: string,
  input: { shipTo: PlaceOrder['shipTo']; clientReference: string },
  signal: StopSignal | undefined,
): Promise<OrderConfirmation> {
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
        // An empty cart still asks the ERP: a retried order whose cart the first attempt emptied
        // gets its first confirmation back.
        erp.placeOrder(
          {
            customerId: userId,
            lines,
            shipTo: input.shipTo,
            clientReference: orderReference(userId, input.clientReference),
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
    // is emptied even if the client has gone away meanwhile (not the caller's signal), within a
    // budget of its own.
    try {
      await aggregate(
        {
          emptied: required(ctx.config.UPSTREAM_TIMEOUT_MS, async (call) => {
            const cleared = await cart.clear(userId, current.version, call);
            if (!cleared.changed)
              for (const line of lines) await cart.setItem(userId, line.sku, 0, undefined, call);
          }),
        },
        { scope: ctx.scope },
      );
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
  return confirmation;
}
