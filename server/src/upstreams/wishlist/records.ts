import type { CallOptions } from '../../kit/upstream/upstream.js';

/** What the wishlist client answers (./client.ts): SKUs. */

export interface WishlistClient {
  /** The SKUs on the user's wishlist (strings that are not SKUs left out); an unknown user has none. */
  get(userId: string, call?: CallOptions): Promise<string[]>;
}
