import { SKU_PATTERN } from '@storefront/shared';
import { z } from 'zod';
import { decodeJson, segment } from '../../kit/upstream/json.js';
import type { Upstream, UpstreamAnswer } from '../../kit/upstream/upstream.js';
import type { CartChange, CartClient, StoredCart } from './records.js';

const cartSchema = z.object({
  items: z.array(
    z.object({
      sku: z.string().regex(SKU_PATTERN),
      quantity: z.number().int().min(1),
      addedAt: z.string().optional(),
    }),
  ),
  version: z.number().int().min(0),
}) satisfies z.ZodType<StoredCart>;

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
