import { SKU_PATTERN } from '@storefront/shared';
import { z } from 'zod';
import { decodeJson, segment } from '../../kit/upstream/json.js';
import type { Upstream } from '../../kit/upstream/upstream.js';
import type { WishlistClient } from './records.js';

const wishlistSchema = z.object({ skus: z.array(z.string()) });

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
