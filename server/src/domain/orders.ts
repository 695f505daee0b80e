import type { Money } from '@storefront/shared';
import type { OrderConfirmation } from '../upstreams/erp/client.js';
import type { Order } from '../upstreams/orders/client.js';

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
