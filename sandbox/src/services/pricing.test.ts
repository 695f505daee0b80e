import { describe, expect, it } from 'vitest';
import { FIXTURE_SKUS, UNKNOWN_SKUS } from '../data/fixtures.js';
import { callJson, useSandbox } from '../testing/helpers.js';
import { PRICES_MAX_SKUS } from './pricing.js';

const sandbox = useSandbox();

const DECIMAL = /^\d+\.\d{2}$/;

// Asymmetric matchers, typed `unknown` rather than `any`.
const aString: unknown = expect.any(String);
const aDecimal: unknown = expect.stringMatching(DECIMAL);
const oneOf = (values: unknown[]): unknown => expect.toBeOneOf(values);

/** Generated SKUs, consecutive from 100000 (the test catalog holds 500 products). */
const generatedSkus = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => String(100000 + i));

/** The `prices` list of an answer body (throws when there is none). */
function pricesOf(body: unknown): unknown[] {
  const prices =
    typeof body === 'object' && body !== null && 'prices' in body ? body.prices : undefined;
  if (!Array.isArray(prices)) throw new Error(`no prices list in ${JSON.stringify(body)}`);
  return prices;
}

const skuOf = (price: unknown): unknown =>
  typeof price === 'object' && price !== null && 'sku' in price ? price.sku : undefined;

describe('pricing service: GET /v2/prices', () => {
  it('answers the prices of several SKUs as JSON, with the documented shape', async () => {
    const { status, headers, body } = await callJson(
      sandbox(),
      'pricing',
      `/v2/prices?skus=${FIXTURE_SKUS.example},${FIXTURE_SKUS.sameDigits},${FIXTURE_SKUS.discontinued}`,
    );

    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    const prices = pricesOf(body);
    expect(prices).toHaveLength(3);
    expect(prices).toEqual(
      expect.arrayContaining([
        {
          sku: '000123',
          currency: 'EUR',
          amount: '129.90',
          compareAt: '149.90',
          promotion: { code: 'WINTER', label: 'Winter sale' },
        },
        { sku: '123', currency: 'EUR', amount: '39.95', compareAt: null, promotion: null },
        { sku: '000124', currency: 'EUR', amount: '79.00', compareAt: '99.00', promotion: null },
      ]),
    );
  });

  it('writes every amount as a decimal string in EUR, compareAt and promotion either null or set', async () => {
    const skus = generatedSkus(40);
    const { status, body } = await callJson(
      sandbox(),
      'pricing',
      `/v2/prices?skus=${skus.join(',')}`,
    );

    expect(status).toBe(200);
    const prices = pricesOf(body);
    expect(prices.length).toBeGreaterThan(30);
    for (const price of prices) {
      expect(price).toEqual({
        sku: oneOf(skus),
        currency: 'EUR',
        amount: aDecimal,
        compareAt: oneOf([null, aDecimal]),
        promotion: oneOf([null, { code: aString, label: aString }]),
      });
    }
  });

  it('leaves unknown SKUs out instead of failing', async () => {
    const { status, body } = await callJson(
      sandbox(),
      'pricing',
      `/v2/prices?skus=${UNKNOWN_SKUS.join(',')},${FIXTURE_SKUS.example}`,
    );

    expect(status).toBe(200);
    expect(pricesOf(body).map(skuOf)).toEqual([FIXTURE_SKUS.example]);
  });

  it('answers an empty list for a product that has no price (000211)', async () => {
    const { status, body } = await callJson(
      sandbox(),
      'pricing',
      `/v2/prices?skus=${FIXTURE_SKUS.noPrice}`,
    );

    expect(status).toBe(200);
    expect(body).toEqual({ prices: [] });
  });

  it('keeps leading zeros apart: 000123 and 123 are different products with different prices', async () => {
    const { body } = await callJson(sandbox(), 'pricing', '/v2/prices?skus=123');

    expect(body).toEqual({
      prices: [{ sku: '123', currency: 'EUR', amount: '39.95', compareAt: null, promotion: null }],
    });
  });

  it(`accepts ${String(PRICES_MAX_SKUS)} SKUs in one call`, async () => {
    const skus = generatedSkus(PRICES_MAX_SKUS);
    const { status, body } = await callJson(
      sandbox(),
      'pricing',
      `/v2/prices?skus=${skus.join(',')}`,
    );

    expect(status).toBe(200);
    expect(pricesOf(body).length).toBeGreaterThan(PRICES_MAX_SKUS / 2);
  });

  it(`answers 400 for ${String(PRICES_MAX_SKUS + 1)} SKUs`, async () => {
    const { status, body } = await callJson(
      sandbox(),
      'pricing',
      `/v2/prices?skus=${generatedSkus(PRICES_MAX_SKUS + 1).join(',')}`,
    );

    expect(status).toBe(400);
    expect(body).toMatchObject({ error: aString });
  });

  it('answers 400 without skus', async () => {
    const { status } = await callJson(sandbox(), 'pricing', '/v2/prices');

    expect(status).toBe(400);
  });

  it('answers 401 {"error":"unauthorized"} without an X-Api-Key', async () => {
    const { status, body } = await callJson(sandbox(), 'pricing', '/v2/prices?skus=000123', {
      apiKey: null,
    });

    expect(status).toBe(401);
    expect(body).toEqual({ error: 'unauthorized' });
  });

  it('answers 401 for a wrong key, including another service’s key', async () => {
    const wrong = await callJson(sandbox(), 'pricing', '/v2/prices?skus=000123', {
      apiKey: 'not-the-key',
    });
    const other = await callJson(sandbox(), 'pricing', '/v2/prices?skus=000123', {
      apiKey: sandbox().keys.reviews,
    });

    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'unauthorized' });
    expect(other.status).toBe(401);
  });
});
