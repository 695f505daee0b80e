import type { CallOptions } from '../../kit/upstream/upstream.js';

/** What the cart client answers (./client.ts): plain records and typed outcomes. */

/** A user's cart as the cart service keeps it: SKUs and quantities, and its version. */
export interface StoredCart {
  items: { sku: string; quantity: number; addedAt?: string | undefined }[];
  version: number;
}

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
