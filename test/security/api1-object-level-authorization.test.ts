import { describe, expect, it } from 'vitest';
import { errorOf, useBff } from '../helpers/bff.js';
import { SHIP_TO } from '../helpers/cache.js';
import { freshShopper, newReference, storedCart } from '../helpers/shopper.js';

// OWASP API1:2023, broken object-level authorization: a user reaches only their own objects.

describe('API1: every object belongs to the signed-in user', () => {
  const bff = useBff();

  it("does not answer another user's clientReference with that user's order: it places the caller's own", async () => {
    const ann = await freshShopper(bff());
    const ben = await freshShopper(bff());
    await ann.client.cart.setItem.mutate({ sku: '000219', quantity: 1 });
    await ben.client.cart.setItem.mutate({ sku: '000220', quantity: 2 });
    const reference = newReference();
    const anns = await ann.client.orders.place.mutate({
      shipTo: SHIP_TO,
      clientReference: reference,
    });
    const bens = await ben.client.orders.place.mutate({
      shipTo: SHIP_TO,
      clientReference: reference,
    });
    expect(bens.orderNo).not.toBe(anns.orderNo);
    expect(bens.total).toEqual({ amount: '1.00', currencyCode: 'EUR' });
    expect((await ben.client.orders.list.query()).orders.map((order) => order.orderNo)).toEqual([
      bens.orderNo,
    ]);
    expect((await ann.client.orders.list.query()).orders.map((order) => order.orderNo)).toEqual([
      anns.orderNo,
    ]);
  });

  it("neither shows nor empties anything when a user with an empty cart sends another user's reference", async () => {
    const ann = await freshShopper(bff());
    const ben = await freshShopper(bff());
    await ann.client.cart.setItem.mutate({ sku: '000219', quantity: 1 });
    const reference = newReference();
    await ann.client.orders.place.mutate({ shipTo: SHIP_TO, clientReference: reference });
    await ann.client.cart.setItem.mutate({ sku: '000220', quantity: 3 });
    const { data } = await errorOf(
      ben.client.orders.place.mutate({ shipTo: SHIP_TO, clientReference: reference }),
    );
    expect(data).toMatchObject({ code: 'BAD_REQUEST', appCode: 'EMPTY_CART' });
    expect(storedCart(bff(), ann.userId)).toEqual([{ sku: '000220', quantity: 3 }]);
  });

  it('acts on the token’s user only: an id in the input is refused, and changes no cart', async () => {
    const ann = await freshShopper(bff());
    const ben = await freshShopper(bff());
    const withForeignId = {
      sku: '000219',
      quantity: 2,
      userId: ben.userId,
      customerId: ben.userId,
    } as { sku: string; quantity: number };
    const { message, data } = await errorOf(ann.client.cart.setItem.mutate(withForeignId));
    expect(data).toMatchObject({ code: 'BAD_REQUEST' });
    expect(message).toBe("Invalid input: 'userId', 'customerId' are not fields of this input.");
    expect(storedCart(bff(), ann.userId)).toEqual([]);
    expect(storedCart(bff(), ben.userId)).toEqual([]);
    await ann.client.cart.setItem.mutate({ sku: '000219', quantity: 2 });
    expect(storedCart(bff(), ann.userId)).toEqual([{ sku: '000219', quantity: 2 }]);
    expect(storedCart(bff(), ben.userId)).toEqual([]);
  });
});
