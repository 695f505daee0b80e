import { createJsonService, SKU_PATTERN } from '../host/json-service.js';
import {
  json,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceDefinition,
} from '../host/types.js';
import type { Cart } from '../data/model.js';
import type { SandboxStore } from '../data/store.js';

/** A line's quantity is 1 to this. */
export const CART_MAX_QUANTITY = 99;

/**
 * The cart: GET answers it, PUT sets a line, DELETE removes a line or everything; every change
 * bumps `version`, and an `If-Match` that names another version answers 409.
 */
export function createCartService(store: SandboxStore, apiKey: string): ServiceDefinition {
  const cartOf = (userId: string): Cart => store.carts.get(userId) ?? { items: [], version: 0 };
  const answer = (userId: string): SandboxResponse => {
    const cart = cartOf(userId);
    return json(200, { userId, items: cart.items, version: cart.version });
  };
  /** Runs a change under `If-Match`; `change` returns whether anything changed. */
  const mutate = (
    request: SandboxRequest,
    userId: string,
    change: (cart: Cart) => boolean,
  ): SandboxResponse => {
    const cart = cartOf(userId);
    const ifMatch = request.headers['if-match'];
    if (
      ifMatch !== undefined &&
      ifMatch.trim() !== '*' &&
      ifMatch
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1')
        .trim() !== String(cart.version)
    ) {
      return json(409, { error: 'version_conflict' });
    }
    const next: Cart = { items: cart.items.map((item) => ({ ...item })), version: cart.version };
    if (change(next)) {
      next.version += 1;
      store.carts.set(userId, next);
    }
    return answer(userId);
  };

  return createJsonService('cart', apiKey, [
    {
      method: 'GET',
      pattern: '/carts/:userId',
      operation: 'getCart',
      handle: (_request, params) => answer(params.userId ?? ''),
    },
    {
      method: 'PUT',
      pattern: '/carts/:userId/items/:sku',
      operation: 'setCartItem',
      handle(request, params) {
        const sku = params.sku ?? '';
        if (!SKU_PATTERN.test(sku)) return json(400, { error: 'invalid_sku' });
        let quantity: unknown;
        try {
          quantity = (JSON.parse(request.body) as { quantity?: unknown } | null)?.quantity;
        } catch {
          return json(400, { error: 'bad_request' });
        }
        if (
          typeof quantity !== 'number' ||
          !Number.isInteger(quantity) ||
          quantity < 1 ||
          quantity > CART_MAX_QUANTITY
        ) {
          return json(400, { error: 'invalid_quantity' });
        }
        return mutate(request, params.userId ?? '', (cart) => {
          const line = cart.items.find((item) => item.sku === sku);
          if (line?.quantity === quantity) return false;
          if (line) line.quantity = quantity;
          else cart.items.push({ sku, quantity, addedAt: new Date().toISOString() });
          return true;
        });
      },
    },
    {
      method: 'DELETE',
      pattern: '/carts/:userId/items/:sku',
      operation: 'removeCartItem',
      handle(request, params) {
        const sku = params.sku ?? '';
        return mutate(request, params.userId ?? '', (cart) => {
          const index = cart.items.findIndex((item) => item.sku === sku);
          if (index < 0) return false;
          cart.items.splice(index, 1);
          return true;
        });
      },
    },
    {
      method: 'DELETE',
      pattern: '/carts/:userId',
      operation: 'clearCart',
      handle(request, params) {
        return mutate(request, params.userId ?? '', (cart) => {
          if (cart.items.length === 0) return false;
          cart.items.length = 0;
          return true;
        });
      },
    },
  ]);
}
