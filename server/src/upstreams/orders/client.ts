import { z } from 'zod';
import { decodeJson, segment } from '../../kit/upstream/json.js';
import type { Upstream } from '../../kit/upstream/upstream.js';
import type { Order, OrdersClient } from './records.js';

const orderSchema = z.object({
  orderNo: z.string(),
  placedAt: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
  status: z.enum(['ACCEPTED', 'PICKING', 'SHIPPED', 'DELIVERED', 'CANCELLED']),
  total: z.object({
    amount: z
      .string()
      .trim()
      .regex(/^-?\d{1,12}(\.\d{1,6})?$/),
    currency: z.string().regex(/^[A-Z]{3}$/),
  }),
  lineCount: z.number().int().min(0),
}) satisfies z.ZodType<Order>;

const ordersSchema = z.object({ orders: z.array(orderSchema) });

export function createOrdersClient(upstream: Upstream): OrdersClient {
  return {
    list: (userId, limit, call) =>
      upstream.call(
        {
          operation: 'listOrders',
          path: `/users/${segment(userId)}/orders`,
          query: { limit: String(limit) },
        },
        (answer) => (answer.status === 404 ? [] : decodeJson(answer, ordersSchema).orders),
        call,
      ),
  };
}
