import { describe, expect, it } from 'vitest';
import { callJson, useSandbox } from '../testing/helpers.js';

const sandbox = useSandbox();

const UNKNOWN_USER = 'u-0000';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listAt(body: unknown, key: string): unknown[] {
  const list = isRecord(body) ? body[key] : undefined;
  if (!Array.isArray(list)) throw new Error(`no list ${key} in ${JSON.stringify(body)}`);
  return list;
}

const fieldOf =
  (key: string) =>
  (item: unknown): unknown =>
    isRecord(item) ? item[key] : undefined;

describe('accounts service', () => {
  it('answers the profile of u-1001', async () => {
    const { status, headers, body } = await callJson(sandbox(), 'accounts', '/users/u-1001');

    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(body).toEqual({
      id: 'u-1001',
      email: 'ann@example.test',
      name: { first: 'Ann', last: 'Lee' },
      locale: 'de-DE',
      currency: 'EUR',
      tier: 'gold',
      createdAt: '2024-03-01T09:00:00Z',
    });
  });

  it('answers the loyalty of u-1001 with the next tier and the points it needs', async () => {
    const { status, body } = await callJson(sandbox(), 'accounts', '/users/u-1001/loyalty');

    expect(status).toBe(200);
    expect(body).toEqual({
      points: 1234,
      tier: 'gold',
      nextTier: { name: 'platinum', pointsNeeded: 766 },
    });
  });

  it('answers nextTier null at the top tier (u-1003)', async () => {
    const { status, body } = await callJson(sandbox(), 'accounts', '/users/u-1003/loyalty');

    expect(status).toBe(200);
    expect(body).toEqual({ points: 25000, tier: 'platinum', nextTier: null });
  });

  it('keeps non-ASCII names intact (u-1003)', async () => {
    const { body } = await callJson(sandbox(), 'accounts', '/users/u-1003');

    expect(body).toMatchObject({
      id: 'u-1003',
      name: { first: 'Zoë', last: 'Ōkubo' },
      tier: 'platinum',
    });
  });

  it('answers 404 {"error":"not_found"} for the profile and the loyalty of an unknown user', async () => {
    const profile = await callJson(sandbox(), 'accounts', `/users/${UNKNOWN_USER}`);
    const loyalty = await callJson(sandbox(), 'accounts', `/users/${UNKNOWN_USER}/loyalty`);

    expect(profile.status).toBe(404);
    expect(profile.body).toEqual({ error: 'not_found' });
    expect(loyalty.status).toBe(404);
    expect(loyalty.body).toEqual({ error: 'not_found' });
  });

  it('answers 404 for the demo user that only the identity provider knows (u-9999)', async () => {
    const { status } = await callJson(sandbox(), 'accounts', '/users/u-9999');

    expect(status).toBe(404);
  });

  it('answers 401 {"error":"unauthorized"} without an X-Api-Key', async () => {
    const { status, body } = await callJson(sandbox(), 'accounts', '/users/u-1001', {
      apiKey: null,
    });

    expect(status).toBe(401);
    expect(body).toEqual({ error: 'unauthorized' });
  });
});

describe('orders service', () => {
  it('answers a user’s orders in the documented shape, newest first', async () => {
    const { status, body } = await callJson(sandbox(), 'orders', '/users/u-1001/orders?limit=5');

    expect(status).toBe(200);
    expect(body).toEqual({
      orders: [
        {
          orderNo: 'SO-2026-000123',
          placedAt: '2026-11-20T08:00:00Z',
          status: 'SHIPPED',
          total: { amount: '259.80', currency: 'EUR' },
          lineCount: 2,
        },
        {
          orderNo: 'SO-2026-000101',
          placedAt: '2026-10-02T14:12:00Z',
          status: 'DELIVERED',
          total: { amount: '39.95', currency: 'EUR' },
          lineCount: 1,
        },
        {
          orderNo: 'SO-2026-000077',
          placedAt: '2026-08-15T10:00:00Z',
          status: 'CANCELLED',
          total: { amount: '120.00', currency: 'EUR' },
          lineCount: 3,
        },
      ],
    });
  });

  it('answers at most limit orders, the newest ones (u-1002 has 7, limit=5 gives 5)', async () => {
    const five = await callJson(sandbox(), 'orders', '/users/u-1002/orders?limit=5');
    const all = await callJson(sandbox(), 'orders', '/users/u-1002/orders?limit=50');

    const allOrders = listAt(all.body, 'orders');
    expect(allOrders).toHaveLength(7);
    const placedAt = allOrders.map(fieldOf('placedAt'));
    expect(placedAt).toEqual([...placedAt].map(String).sort().reverse());
    expect(listAt(five.body, 'orders')).toEqual(allOrders.slice(0, 5));
    expect(listAt(five.body, 'orders')[0]).toMatchObject({
      orderNo: 'SO-2026-000050',
      status: 'PICKING',
    });
  });

  it('answers an empty list for an unknown user', async () => {
    const { status, body } = await callJson(
      sandbox(),
      'orders',
      `/users/${UNKNOWN_USER}/orders?limit=5`,
    );

    expect(status).toBe(200);
    expect(body).toEqual({ orders: [] });
  });

  it('answers 401 without an X-Api-Key', async () => {
    const { status } = await callJson(sandbox(), 'orders', '/users/u-1001/orders', {
      apiKey: null,
    });

    expect(status).toBe(401);
  });
});

describe('wishlist service', () => {
  it('answers the wishlist’s SKUs as strings, leading zeros kept', async () => {
    const { status, body } = await callJson(sandbox(), 'wishlist', '/users/u-1001/wishlist');

    expect(status).toBe(200);
    expect(body).toEqual({ skus: ['000123', '000202', '000124', '999999', '000207'] });
  });

  it('answers all 120 SKUs of u-1002 in one list', async () => {
    const { body } = await callJson(sandbox(), 'wishlist', '/users/u-1002/wishlist');

    const skus = listAt(body, 'skus');
    expect(skus).toHaveLength(120);
    expect(skus.slice(0, 2)).toEqual(['000124', '999999']);
    expect(new Set(skus).size).toBe(120);
  });

  it('answers an empty list for an unknown user', async () => {
    const { status, body } = await callJson(
      sandbox(),
      'wishlist',
      `/users/${UNKNOWN_USER}/wishlist`,
    );

    expect(status).toBe(200);
    expect(body).toEqual({ skus: [] });
  });

  it('answers 401 without an X-Api-Key', async () => {
    const { status } = await callJson(sandbox(), 'wishlist', '/users/u-1001/wishlist', {
      apiKey: null,
    });

    expect(status).toBe(401);
  });
});

describe('notifications service', () => {
  it('answers only unread items and the unread count with unread=true', async () => {
    const unreadOnly = await callJson(
      sandbox(),
      'notifications',
      '/users/u-1001/notifications?unread=true&limit=5',
    );
    const everything = await callJson(
      sandbox(),
      'notifications',
      '/users/u-1001/notifications?limit=5',
    );

    expect(unreadOnly.status).toBe(200);
    expect(unreadOnly.body).toEqual({
      unread: 3,
      items: [
        {
          id: 'n-1',
          kind: 'order_shipped',
          text: 'Your order SO-2026-000123 is on its way.',
          createdAt: '2026-11-21T07:00:00Z',
        },
        {
          id: 'n-2',
          kind: 'price_drop',
          text: 'Summit Jacket is now 10 % off.',
          createdAt: '2026-11-19T12:00:00Z',
        },
        {
          id: 'n-3',
          kind: 'loyalty',
          text: 'You are 766 points away from platinum.',
          createdAt: '2026-11-10T12:00:00Z',
        },
      ],
    });
    expect(listAt(everything.body, 'items').map(fieldOf('id'))).toEqual([
      'n-1',
      'n-2',
      'n-3',
      'n-4',
    ]);
    expect(everything.body).toMatchObject({ unread: 3 });
  });

  it('counts every unread notification while answering at most limit items, newest first (u-1002)', async () => {
    const five = await callJson(
      sandbox(),
      'notifications',
      '/users/u-1002/notifications?unread=true&limit=5',
    );
    const allUnread = await callJson(
      sandbox(),
      'notifications',
      '/users/u-1002/notifications?unread=true&limit=50',
    );

    expect(five.body).toMatchObject({ unread: 6 });
    const fiveItems = listAt(five.body, 'items');
    expect(fiveItems).toHaveLength(5);
    const createdAt = fiveItems.map(fieldOf('createdAt'));
    expect(createdAt).toEqual([...createdAt].map(String).sort().reverse());
    expect(listAt(allUnread.body, 'items').map(fieldOf('id'))).toEqual([
      'n-100',
      'n-101',
      'n-102',
      'n-103',
      'n-104',
      'n-105',
    ]);
  });

  it('answers unread 0 and no items for an unknown user', async () => {
    const { status, body } = await callJson(
      sandbox(),
      'notifications',
      `/users/${UNKNOWN_USER}/notifications?unread=true&limit=5`,
    );

    expect(status).toBe(200);
    expect(body).toEqual({ unread: 0, items: [] });
  });

  it('answers 401 without an X-Api-Key', async () => {
    const { status } = await callJson(sandbox(), 'notifications', '/users/u-1001/notifications', {
      apiKey: null,
    });

    expect(status).toBe(401);
  });
});
