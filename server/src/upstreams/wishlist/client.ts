import { SKU_PATTERN } from '@storefront/shared';
import { z } from 'zod';
import { decodeJson, segment } from '../../kit/upstream/json.js';
import type { CallOptions, Upstream } from '../../kit/upstream/upstream.js';

const wishlistSchema = z.object({ skus: z.array(z.string()) });

export interface WishlistClient {
  /** The SKUs on the user's wishlist (strings that are not SKUs left out); an unknown user has none. */
  get(userId: string, call?: CallOptions): Promise<string[]>;
}

export function createWishlistClient(upstream: Upstream): WishlistClient {
  return {
    get: (userId, call) =>
      upstream.call(
        { operation: 'getWishlist', path: `/users/${segment(userId)}/wishlist` },
        (answer) =>
          answer.status === 404
            ? []
            : decodeJson(answer, wishlistSchema).skus.filter((sku) => SKU_PATTERN.test(sku)),
        call,
      ),
  };
}
