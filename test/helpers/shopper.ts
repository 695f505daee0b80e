import { randomUUID } from 'node:crypto';
import { createStorefrontClient, type StorefrontClient } from '@storefront/client';
import type { Bff } from './bff.js';

/** A typed client signed in as a demo user (`ann`, `ben`, `zoe`, `ghost`): a token from the sandbox identity provider per request. */
export function signedIn(bff: Bff, username: string): StorefrontClient {
  return signedInWith(bff, () => bff.sandbox.idp.tokenFor(username));
}

/** A typed client that sends this token (or whatever `getToken` gives) as `Authorization: Bearer …`. */
export function signedInWith(bff: Bff, getToken: () => string | Promise<string>): StorefrontClient {
  return createStorefrontClient({ url: `${bff.url}/trpc`, getToken });
}

export interface FreshShopper {
  /** The token's `sub`: `u-test-…`, unknown to every upstream (an empty cart, no orders, no account). */
  userId: string;
  client: StorefrontClient;
}

let shoppers = 0;

/** A signed-in shopper no test has used: an empty cart of their own, so tests that change carts stay apart. */
export async function freshShopper(bff: Bff): Promise<FreshShopper> {
  shoppers += 1;
  const userId = `u-test-${String(shoppers)}-${randomUUID().slice(0, 8)}`;
  const token = await bff.sandbox.idp.issueToken({ sub: userId });
  return { userId, client: signedInWith(bff, () => token) };
}

/** A shopper's cart lines as the sandbox's cart service holds them (`[]` for none). */
export function storedCart(bff: Bff, userId: string): { sku: string; quantity: number }[] {
  return (bff.sandbox.store.carts.get(userId)?.items ?? []).map(({ sku, quantity }) => ({
    sku,
    quantity,
  }));
}

/** Units of a SKU on hand over all warehouses, as the sandbox's ERP holds them now. */
export function onHand(bff: Bff, sku: string): number {
  return (bff.sandbox.store.stock.get(sku) ?? []).reduce((total, row) => total + row.quantity, 0);
}

/** The pricing service's EUR amount of a SKU (throws when it has none: a test that needs a price says so). */
export function eurPrice(bff: Bff, sku: string): string {
  const price = bff.sandbox.store.catalog.prices.get(sku);
  if (!price) throw new Error(`the sandbox has no price for ${sku}`);
  return price.amount;
}

/** A fresh clientReference for orders.place. */
export const newReference = (): string => randomUUID();
