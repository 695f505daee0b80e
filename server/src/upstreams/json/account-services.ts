import { z } from 'zod';
import type { UpstreamHttp } from '../../kit/http.js';
import { UpstreamError } from '../../kit/upstream-error.js';
import { readJson, segment } from './read-json.js';

const isoDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const decimal = z.string().trim().regex(/^-?\d{1,12}(\.\d{1,6})?$/);
const sku = z.string().regex(/^[0-9A-Za-z-]{1,32}$/);

const accountSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.object({ first: z.string(), last: z.string() }),
  locale: z.string().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  tier: z.string(),
});
export type Account = z.output<typeof accountSchema>;

const loyaltySchema = z.object({
  points: z.number(),
  tier: z.string(),
  nextTier: z.object({ name: z.string(), pointsNeeded: z.number() }).nullable(),
});
export type Loyalty = z.output<typeof loyaltySchema>;

export interface AccountsClient {
  /** The profile; rejects with an `http` 404 UpstreamError for an unknown user. */
  getUser(userId: string, signal?: AbortSignal): Promise<Account>;
  getLoyalty(userId: string, signal?: AbortSignal): Promise<Loyalty>;
}

export function createAccountsClient(http: UpstreamHttp): AccountsClient {
  return {
    getUser: (userId, signal) => readJson(http, `/users/${segment(userId)}`, accountSchema, signal ? { signal } : {}),
    getLoyalty: (userId, signal) => readJson(http, `/users/${segment(userId)}/loyalty`, loyaltySchema, signal ? { signal } : {}),
  };
}

const orderSchema = z.object({
  orderNo: z.string(),
  placedAt: isoDate,
  status: z.enum(['ACCEPTED', 'PICKING', 'SHIPPED', 'DELIVERED', 'CANCELLED']),
  total: z.object({ amount: decimal, currency: z.string().regex(/^[A-Z]{3}$/) }),
  lineCount: z.number().int().min(0),
});
export type UpstreamOrder = z.output<typeof orderSchema>;

export interface OrdersClient {
  /** Newest first; an unknown user has none. */
  list(userId: string, limit: number, signal?: AbortSignal): Promise<UpstreamOrder[]>;
}

export function createOrdersClient(http: UpstreamHttp): OrdersClient {
  return {
    async list(userId, limit, signal) {
      const answer = await readJson(http, `/users/${segment(userId)}/orders`, z.object({ orders: z.array(orderSchema) }), {
        searchParams: { limit: String(limit) },
        ...(signal ? { signal } : {}),
        notFound: () => ({ orders: [] }),
      });
      return answer.orders;
    },
  };
}

const cartSchema = z.object({
  items: z.array(z.object({ sku, quantity: z.number().int().min(1), addedAt: z.string().optional() })),
  version: z.number().int().min(0),
});
export type UpstreamCart = z.output<typeof cartSchema>;

export interface CartClient {
  get(userId: string, signal?: AbortSignal): Promise<UpstreamCart>;
  /** Sets (1..99) or removes (0) a line; with `expectedVersion`, a concurrent change rejects with an `http` 409 UpstreamError. */
  setItem(userId: string, sku: string, quantity: number, expectedVersion: number | undefined, signal?: AbortSignal): Promise<UpstreamCart>;
  clear(userId: string, expectedVersion: number | undefined, signal?: AbortSignal): Promise<UpstreamCart>;
}

export function createCartClient(http: UpstreamHttp): CartClient {
  const ifMatch = (version: number | undefined): Record<string, string> => (version === undefined ? {} : { 'if-match': String(version) });
  return {
    get: (userId, signal) => readJson(http, `/carts/${segment(userId)}`, cartSchema, { ...(signal ? { signal } : {}), notFound: () => ({ items: [], version: 0 }) }),
    setItem: (userId, itemSku, quantity, expectedVersion, signal) =>
      readJson(http, `/carts/${segment(userId)}/items/${segment(itemSku)}`, cartSchema, {
        method: quantity === 0 ? 'DELETE' : 'PUT',
        headers: { ...ifMatch(expectedVersion), ...(quantity === 0 ? {} : { 'content-type': 'application/json' }) },
        ...(quantity === 0 ? {} : { body: JSON.stringify({ quantity }) }),
        ...(signal ? { signal } : {}),
      }),
    clear: (userId, expectedVersion, signal) =>
      readJson(http, `/carts/${segment(userId)}`, cartSchema, { method: 'DELETE', headers: ifMatch(expectedVersion), ...(signal ? { signal } : {}) }),
  };
}

export interface WishlistClient {
  get(userId: string, signal?: AbortSignal): Promise<string[]>;
}

export function createWishlistClient(http: UpstreamHttp): WishlistClient {
  return {
    async get(userId, signal) {
      const answer = await readJson(http, `/users/${segment(userId)}/wishlist`, z.object({ skus: z.array(z.string()) }), {
        ...(signal ? { signal } : {}),
        notFound: () => ({ skus: [] }),
      });
      return answer.skus.filter((value) => sku.safeParse(value).success);
    },
  };
}

const notificationsSchema = z.object({
  unread: z.number().int().min(0),
  items: z.array(z.object({ id: z.string(), kind: z.string(), text: z.string(), createdAt: isoDate })),
});
export type UpstreamNotifications = z.output<typeof notificationsSchema>;

export interface NotificationsClient {
  unread(userId: string, limit: number, signal?: AbortSignal): Promise<UpstreamNotifications>;
}

export function createNotificationsClient(http: UpstreamHttp): NotificationsClient {
  return {
    unread: (userId, limit, signal) =>
      readJson(http, `/users/${segment(userId)}/notifications`, notificationsSchema, {
        searchParams: { unread: 'true', limit: String(limit) },
        ...(signal ? { signal } : {}),
        notFound: () => ({ unread: 0, items: [] }),
      }),
  };
}

/** Whether an error is the cart service's 409 (a stale If-Match). */
export const isVersionConflict = (error: unknown): boolean => error instanceof UpstreamError && error.kind === 'http' && error.status === 409;
