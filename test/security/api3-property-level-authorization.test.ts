import { describe, expect, it } from 'vitest';
import { errorOf, useBff } from '../helpers/bff.js';
import { signedIn } from '../helpers/shopper.js';

// OWASP API3:2023, broken object property level authorization: a client sees the contract's
// fields, never more of what an upstream sends, and can set none it should not.

describe('API3: properties', () => {
  const bff = useBff();

  it("answers the profile's contract fields only, whatever else the accounts service sends", async () => {
    const { sandbox } = bff();
    const user = {
      id: 'u-1001',
      email: 'ann@example.test',
      name: { first: 'Ann', last: 'Lee' },
      locale: 'de-DE',
      currency: 'EUR',
      tier: 'gold',
      createdAt: '2024-03-01T09:00:00Z',
      passwordHash: 'secret-hash',
      internalNotes: 'vip',
    };
    sandbox.faults.inject(
      'accounts',
      { kind: 'answer', status: 200, contentType: 'application/json', body: JSON.stringify(user) },
      { operation: 'getUser', times: 1 },
    );
    const dashboard = await signedIn(bff(), 'ann').account.dashboard.query();
    expect(Object.keys(dashboard.profile).sort()).toEqual([
      'email',
      'firstName',
      'id',
      'lastName',
      'tier',
    ]);
    expect(JSON.stringify(dashboard)).not.toContain('secret-hash');
  });

  it('keeps fields of reviews beyond the contract out of the page', async () => {
    const { sandbox } = bff();
    const reviews = {
      sku: '000123',
      summary: { average: 5, count: 1 },
      reviews: [
        {
          id: 'r-1',
          author: 'Ann',
          authorEmail: 'ann@example.test',
          rating: 5,
          title: 't',
          body: 'b',
          createdAt: '2026-09-02T10:00:00Z',
          moderationFlags: ['x'],
        },
      ],
    };
    sandbox.faults.inject(
      'reviews',
      {
        kind: 'answer',
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify(reviews),
      },
      { times: 1 },
    );
    const page = await bff().client.product.page.query({ sku: '000123' });
    expect(Object.keys(page.reviews[0] ?? {}).sort()).toEqual([
      'author',
      'body',
      'createdAt',
      'id',
      'rating',
      'title',
    ]);
  });

  it('lets a client set only what the input declares: a cart line cannot be given a price', async () => {
    const ann = signedIn(bff(), 'ann');
    const { message, data } = await errorOf(
      ann.cart.setItem.mutate({
        sku: '000219',
        quantity: 1,
        unitPrice: { amount: '0.01', currencyCode: 'EUR' },
      } as { sku: string; quantity: number }),
    );
    expect(data).toMatchObject({ code: 'BAD_REQUEST' });
    expect(message).toBe("Invalid input: 'unitPrice' is not a field of this input.");
    const cart = await ann.cart.setItem.mutate({ sku: '000219', quantity: 1 });
    expect(cart.items.find((item) => item.sku === '000219')?.unitPrice).toEqual({
      amount: '10.00',
      currencyCode: 'EUR',
    });
  });
});
