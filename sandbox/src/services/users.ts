import { createJsonService, intParam } from '../host/json-service.js';
import { json, type ServiceDefinition } from '../host/types.js';
import type { SandboxStore } from '../data/store.js';

/** Accounts: profile and loyalty; 404 for an unknown user. */
export function createAccountsService(store: SandboxStore, apiKey: string): ServiceDefinition {
  return createJsonService('accounts', apiKey, [
    {
      method: 'GET',
      pattern: '/users/:userId',
      operation: 'getUser',
      handle(_request, params) {
        const account = store.accounts.get(params.userId ?? '');
        return account ? json(200, account) : json(404, { error: 'not_found' });
      },
    },
    {
      method: 'GET',
      pattern: '/users/:userId/loyalty',
      operation: 'getLoyalty',
      handle(_request, params) {
        const loyalty = store.loyalty.get(params.userId ?? '');
        return loyalty ? json(200, loyalty) : json(404, { error: 'not_found' });
      },
    },
  ]);
}

/** Orders: newest first, placed orders included; an unknown user has none. */
export function createOrdersService(store: SandboxStore, apiKey: string): ServiceDefinition {
  return createJsonService('orders', apiKey, [
    {
      method: 'GET',
      pattern: '/users/:userId/orders',
      operation: 'getOrders',
      handle(request, params) {
        const limit = intParam(request.query, 'limit', 1, 50);
        if (limit === null) return json(400, { error: 'bad_request' });
        // The store keeps each user's orders newest first; PlaceOrder puts a new one in front, whatever the clock says.
        const orders = (store.orders.get(params.userId ?? '') ?? []).slice(0, limit ?? 10);
        return json(200, { orders });
      },
    },
  ]);
}

/** Wishlist: SKUs only; an unknown user has an empty one. */
export function createWishlistService(store: SandboxStore, apiKey: string): ServiceDefinition {
  return createJsonService('wishlist', apiKey, [
    {
      method: 'GET',
      pattern: '/users/:userId/wishlist',
      operation: 'getWishlist',
      handle(_request, params) {
        return json(200, { skus: store.wishlists.get(params.userId ?? '') ?? [] });
      },
    },
  ]);
}

/** Notifications: the unread count and the newest items; an unknown user has none. */
export function createNotificationsService(store: SandboxStore, apiKey: string): ServiceDefinition {
  return createJsonService('notifications', apiKey, [
    {
      method: 'GET',
      pattern: '/users/:userId/notifications',
      operation: 'getNotifications',
      handle(request, params) {
        const limit = intParam(request.query, 'limit', 1, 50);
        const unreadParam = request.query.get('unread');
        if (
          limit === null ||
          (unreadParam !== null && unreadParam !== 'true' && unreadParam !== 'false')
        ) {
          return json(400, { error: 'bad_request' });
        }
        const all = store.notifications.get(params.userId ?? '') ?? [];
        const unread = all.filter((n) => !n.read).length;
        const items = all
          .filter((n) => unreadParam !== 'true' || !n.read)
          .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
          .slice(0, limit ?? 10)
          .map(({ id, kind, text, createdAt }) => ({ id, kind, text, createdAt }));
        return json(200, { unread, items });
      },
    },
  ]);
}
