import type { Money } from '@storefront/shared';
import { nameBasedUuid } from '../kit/uuid.js';
import type { OrderConfirmation } from '../upstreams/erp/records.js';
import type { Order } from '../upstreams/orders/records.js';

/** An order as a list shows it; its total stays in the currency it was placed in. */
export function orderSummary(order: Order): {
  orderNo: string;
  placedAt: Date;
  status: Order['status'];
  total: Money;
} {
  return {
    orderNo: order.orderNo,
    placedAt: order.placedAt,
    status: order.status,
    total: { amount: order.total.amount, currencyCode: order.total.currency },
  };
}

/** What `orders.place` answers of the ERP's confirmation. */
export function confirmationView(confirmation: OrderConfirmation): {
  orderNo: string;
  status: string;
  total: Money;
  estimatedDelivery: string | null;
} {
  return {
    orderNo: confirmation.orderNo,
    status: confirmation.status,
    total: { amount: confirmation.total.amount, currencyCode: confirmation.total.currency },
    estimatedDelivery: confirmation.estimatedDelivery,
  };
}

/** The namespace of the references the BFF sends the ERP (a constant of this project). */
const ORDER_REFERENCES = '6f1c9d5e-2b7a-4c3e-9a8d-1e5b7c9f0a24';

/**
 * The reference the ERP gets for a user's `clientReference`: a name-based UUID of both. The ERP's
 * idempotency is global; this makes it per user (another user's identical reference is another
 * order, and never answers this user's confirmation).
 */
export const orderReference = (userId: string, clientReference: string): string =>
  nameBasedUuid(ORDER_REFERENCES, `${userId}\n${clientReference}`);
