import { SKU_PATTERN } from '@storefront/shared';
import { z } from 'zod';
import { decodeJson, segment } from '../../kit/upstream/json.js';
import type { CallOptions, Upstream, UpstreamAnswer } from '../../kit/upstream/upstream.js';

const cartSchema = z.object({
  items: z.array(
    z.object({
      sku: z.string().regex(SKU_PATTERN),
      quantity: z.number().int().min(1),
      addedAt: z.string().optional(),
    }),
  ),
  version: z.number().int().min(0),
});
/** A user's cart as the cart service keeps it: SKUs and quantities, and its version. */
export type StoredCart = z.output<typeof cartSchema>;

/** What a change of the cart came to: the cart after it, or a version conflict (the cart changed since `expectedVersion`). */
export type CartChange =
  { changed: true; cart: StoredCart } | { changed: false; conflict: 'version' };

export interface CartClient {
  /** The user's cart; an unknown user has an empty one. */
  get(userId: string, call?: CallOptions): Promise<StoredCart>;
  /** Sets (1..99) or removes (0) a line; with `expectedVersion`, a concurrent change is a conflict. */
  setItem(
    userId: string,
    sku: string,
    quantity: number,
    expectedVersion: number | undefined,
    call?: CallOptions,
  ): Promise<CartChange>;
  /** Empties the cart; with `expectedVersion`, a concurrent change is a conflict. */
  clear(
    userId: string,
    expectedVersion: number | undefined,
    call?: CallOptions,
  ): Promise<CartChange>;
}

const changeOf = (answer: UpstreamAnswer): CartChange =>
  answer.status === 409
    ? { changed: false, conflict: 'version' }
    : { changed: true, cart: decodeJson(answer, cartSchema) };

export function createCartClient(upstream: Upstream): CartClient {
  const ifMatch = (version: number | undefined): Record<string, string> =>
    version === undefined ? {} : { 'if-match': String(version) };
  return {
    get: (userId, call) =>
      upstream.call(
        { operation: 'getCart', path: `/carts/${segment(userId)}` },
        (answer) =>
          answer.status === 404 ? { items: [], version: 0 } : decodeJson(answer, cartSchema),
        call,
      ),
    setItem: (userId, sku, quantity, expectedVersion, call) =>
      upstream.call(
        quantity === 0
          ? {
              operation: 'removeItem',
              method: 'DELETE',
              path: `/carts/${segment(userId)}/items/${segment(sku)}`,
              headers: ifMatch(expectedVersion),
            }
          : {
              operation: 'setItem',
              method: 'PUT',
              path: `/carts/${segment(userId)}/items/${segment(sku)}`,
              headers: { ...ifMatch(expectedVersion), 'content-type': 'application/json' },
              body: JSON.stringify({ quantity }),
            },
        changeOf,
        call,
      ),
    clear: (userId, expectedVersion, call) =>
      upstream.call(
        {
          operation: 'clearCart',
          method: 'DELETE',
          path: `/carts/${segment(userId)}`,
          headers: ifMatch(expectedVersion),
        },
        changeOf,
        call,
      ),
  };
}
