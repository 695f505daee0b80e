import type { CallOptions } from '../../kit/upstream/upstream.js';

/** What the orders client answers (./client.ts): plain records. */

/** A placed order; its total stays in the currency it was placed in. */
export interface Order {
  orderNo: string;
  placedAt: Date;
  status: 'ACCEPTED' | 'PICKING' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';
  /** An exact decimal string and an ISO 4217 code. */
  total: { amount: string; currency: string };
  lineCount: number;
}

export interface OrdersClient {
  /** The user's newest orders first; an unknown user has none. */
  list(userId: string, limit: number, call?: CallOptions): Promise<Order[]>;
}
