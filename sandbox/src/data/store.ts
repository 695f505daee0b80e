import { createCatalog, type Catalog, type CatalogOptions } from './catalog.js';
import { DEMO_USERS } from './fixtures.js';
import type {
  Account,
  Cart,
  DemoUser,
  Loyalty,
  Notification,
  OrderSummary,
  StockRow,
} from './model.js';

export interface OrderConfirmation {
  orderNo: string;
  status: 'ACCEPTED';
  total: string;
  currency: 'EUR';
  estimatedDelivery: string;
}

/** An order the ERP accepted, with its fields exactly as they arrived (tests check them character for character). */
export interface PlacedOrder {
  clientReference: string;
  customerId: string;
  currency: string;
  lines: { sku: string; quantity: number }[];
  shipTo: { name: string; street: string; city: string; postalCode: string; country: string };
  confirmation: OrderConfirmation;
}

/**
 * Everything the simulated services hold, shared between them as the real systems share it
 * through their own integrations: an order placed at the ERP decrements its stock and shows up
 * at the orders service.
 */
export interface SandboxStore {
  readonly catalog: Catalog;
  readonly users: readonly DemoUser[];
  readonly stock: Map<string, StockRow[]>;
  readonly accounts: ReadonlyMap<string, Account>;
  readonly loyalty: ReadonlyMap<string, Loyalty>;
  readonly carts: Map<string, Cart>;
  readonly orders: Map<string, OrderSummary[]>;
  readonly wishlists: ReadonlyMap<string, readonly string[]>;
  readonly notifications: ReadonlyMap<string, readonly Notification[]>;
  /** Confirmations by ClientReference: the ERP's idempotency memory. */
  readonly confirmations: Map<string, OrderConfirmation>;
  /** Every order the ERP accepted, oldest first. */
  readonly placedOrders: PlacedOrder[];
  nextOrderNumber(): string;
}

export function createStore(options: CatalogOptions = {}): SandboxStore {
  const catalog = createCatalog(options);
  const stock = new Map<string, StockRow[]>();
  for (const [sku, rows] of catalog.stock)
    stock.set(
      sku,
      rows.map((row) => ({ ...row })),
    );

  const accounts = new Map<string, Account>();
  const loyalty = new Map<string, Loyalty>();
  const carts = new Map<string, Cart>();
  const orders = new Map<string, OrderSummary[]>();
  const wishlists = new Map<string, readonly string[]>();
  const notifications = new Map<string, readonly Notification[]>();
  for (const user of DEMO_USERS) {
    if (user.account) accounts.set(user.userId, user.account);
    if (user.loyalty) loyalty.set(user.userId, user.loyalty);
    if (user.cart.length > 0)
      carts.set(user.userId, { items: user.cart.map((item) => ({ ...item })), version: 1 });
    if (user.orders.length > 0)
      orders.set(
        user.userId,
        user.orders.map((order) => ({ ...order })),
      );
    wishlists.set(user.userId, user.wishlist);
    notifications.set(user.userId, user.notifications);
  }

  let orderSequence = 200;
  return {
    catalog,
    users: DEMO_USERS,
    stock,
    accounts,
    loyalty,
    carts,
    orders,
    wishlists,
    notifications,
    confirmations: new Map(),
    placedOrders: [],
    nextOrderNumber() {
      orderSequence += 1;
      return `SO-${String(new Date().getUTCFullYear())}-${String(orderSequence).padStart(6, '0')}`;
    },
  };
}
