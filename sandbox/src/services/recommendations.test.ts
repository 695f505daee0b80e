import { describe, expect, it } from 'vitest';
import { FIXTURE_SKUS, UNKNOWN_SKUS } from '../data/fixtures.js';
import { callJson, useSandbox } from '../testing/helpers.js';

const sandbox = useSandbox();

// Asymmetric matchers, typed `unknown` rather than `any`.
const aSku: unknown = expect.stringMatching(/^[0-9A-Za-z-]{1,32}$/);
const aReason: unknown = expect.toBeOneOf(['bought_together', 'similar', 'trending', 'for_you']);
const aScore: unknown = expect.toSatisfy(
  (score: unknown) => typeof score === 'number' && score > 0 && score <= 1,
);

function itemsOf(body: unknown): unknown[] {
  const items =
    typeof body === 'object' && body !== null && 'items' in body ? body.items : undefined;
  if (!Array.isArray(items)) throw new Error(`no items list in ${JSON.stringify(body)}`);
  return items;
}

const skuOf = (item: unknown): unknown =>
  typeof item === 'object' && item !== null && 'sku' in item ? item.sku : undefined;

function expectWellFormed(items: unknown[]): void {
  for (const item of items) expect(item).toEqual({ sku: aSku, score: aScore, reason: aReason });
  expect(new Set(items.map(skuOf)).size).toBe(items.length);
}

describe('recommendations service: GET /v1/recommendations', () => {
  it('answers SKUs for a product, some unknown to the ERP (999999) or discontinued (000124)', async () => {
    const { status, headers, body } = await callJson(
      sandbox(),
      'recommendations',
      `/v1/recommendations?sku=${FIXTURE_SKUS.withOddRecommendations}&limit=8`,
    );

    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    const items = itemsOf(body);
    expect(items).toHaveLength(8);
    expectWellFormed(items);
    expect(items[0]).toEqual({ sku: '000205', score: 0.91, reason: 'bought_together' });
    expect(items.map(skuOf)).toEqual(
      expect.arrayContaining([UNKNOWN_SKUS[0], FIXTURE_SKUS.discontinued]),
    );
  });

  it('answers 8 items when no limit is given', async () => {
    const { body } = await callJson(sandbox(), 'recommendations', '/v1/recommendations?sku=100007');

    expect(itemsOf(body)).toHaveLength(8);
  });

  it('honours the limit for a product', async () => {
    const three = await callJson(
      sandbox(),
      'recommendations',
      `/v1/recommendations?sku=${FIXTURE_SKUS.example}&limit=3`,
    );
    const twenty = await callJson(
      sandbox(),
      'recommendations',
      '/v1/recommendations?sku=100042&limit=20',
    );

    expect(itemsOf(three.body).map(skuOf)).toEqual(['000205', '000124', '999999']);
    expect(itemsOf(twenty.body)).toHaveLength(20);
    expectWellFormed(itemsOf(twenty.body));
  });

  it('never recommends a product to itself', async () => {
    const { body } = await callJson(
      sandbox(),
      'recommendations',
      '/v1/recommendations?sku=100042&limit=50',
    );

    expect(itemsOf(body).map(skuOf)).not.toContain('100042');
  });

  it('answers recommendations for a user, each SKU once, with the limit honoured', async () => {
    const five = await callJson(
      sandbox(),
      'recommendations',
      '/v1/recommendations?userId=u-1001&limit=5',
    );
    const fifty = await callJson(
      sandbox(),
      'recommendations',
      '/v1/recommendations?userId=u-1001&limit=50',
    );

    expect(five.status).toBe(200);
    expect(itemsOf(five.body)).toHaveLength(5);
    expectWellFormed(itemsOf(five.body));
    expect(itemsOf(fifty.body)).toHaveLength(50);
    expectWellFormed(itemsOf(fifty.body));
  });

  it('lists each SKU once when the generic picks overlap the user’s wishlist (u-1002)', async () => {
    const { body } = await callJson(
      sandbox(),
      'recommendations',
      '/v1/recommendations?userId=u-1002&limit=8',
    );

    const skus = itemsOf(body).map(skuOf);
    expect(skus).toHaveLength(8);
    expect(new Set(skus).size).toBe(8);
  });

  it('answers the same recommendations for the same user every time', async () => {
    const first = await callJson(
      sandbox(),
      'recommendations',
      '/v1/recommendations?userId=u-1002&limit=8',
    );
    const second = await callJson(
      sandbox(),
      'recommendations',
      '/v1/recommendations?userId=u-1002&limit=8',
    );

    expect(second.body).toEqual(first.body);
  });

  it('answers a generic list for an unknown user rather than failing', async () => {
    const { status, body } = await callJson(
      sandbox(),
      'recommendations',
      '/v1/recommendations?userId=u-0000&limit=4',
    );

    expect(status).toBe(200);
    expect(itemsOf(body)).toHaveLength(4);
  });

  it('answers 400 with neither sku nor userId', async () => {
    const { status } = await callJson(sandbox(), 'recommendations', '/v1/recommendations?limit=8');

    expect(status).toBe(400);
  });

  it('answers 400 with both sku and userId', async () => {
    const { status } = await callJson(
      sandbox(),
      'recommendations',
      '/v1/recommendations?sku=000123&userId=u-1001&limit=8',
    );

    expect(status).toBe(400);
  });

  it('answers 400 for a limit outside 1 to 50', async () => {
    const zero = await callJson(
      sandbox(),
      'recommendations',
      '/v1/recommendations?sku=000123&limit=0',
    );
    const tooMany = await callJson(
      sandbox(),
      'recommendations',
      '/v1/recommendations?sku=000123&limit=51',
    );

    expect(zero.status).toBe(400);
    expect(tooMany.status).toBe(400);
  });

  it('answers 401 {"error":"unauthorized"} without an X-Api-Key', async () => {
    const { status, body } = await callJson(
      sandbox(),
      'recommendations',
      '/v1/recommendations?sku=000123',
      { apiKey: null },
    );

    expect(status).toBe(401);
    expect(body).toEqual({ error: 'unauthorized' });
  });
});
