import { describe, expect, it } from 'vitest';
import { FIXTURE_SKUS, UNKNOWN_SKUS } from '../data/fixtures.js';
import { callJson, useSandbox } from '../testing/helpers.js';

const sandbox = useSandbox();

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

// Asymmetric matchers, typed `unknown` rather than `any`.
const aString: unknown = expect.any(String);
const anIsoTimestamp: unknown = expect.stringMatching(ISO_UTC);
const aRating: unknown = expect.toBeOneOf([1, 2, 3, 4, 5]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path of keys and indexes in a JSON body; undefined where the path breaks. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = isRecord(current) ? current[step] : undefined;
  }
  return current;
}

function listAt(value: unknown, ...path: string[]): unknown[] {
  const found = at(value, ...path);
  if (!Array.isArray(found))
    throw new Error(`no list at ${path.join('.')} in ${JSON.stringify(value)}`);
  return found;
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`not a string: ${JSON.stringify(value)}`);
  return value;
}

describe('reviews service: GET /products/{sku}/reviews', () => {
  it('answers the 3 newest reviews, newest first, with limit=3&sort=recent', async () => {
    const { status, headers, body } = await callJson(
      sandbox(),
      'reviews',
      `/products/${FIXTURE_SKUS.example}/reviews?limit=3&sort=recent`,
    );

    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(at(body, 'sku')).toBe('000123');
    const reviews = listAt(body, 'reviews');
    expect(reviews).toHaveLength(3);
    for (const review of reviews) {
      expect(review).toEqual({
        id: aString,
        author: aString,
        rating: aRating,
        title: aString,
        body: aString,
        createdAt: anIsoTimestamp,
      });
    }
    const createdAt = reviews.map((review) => text(at(review, 'createdAt')));
    expect(new Set(createdAt).size).toBe(3);
    expect(createdAt).toEqual([...createdAt].sort().reverse());
  });

  it('answers the same newest reviews first whatever the limit', async () => {
    const three = await callJson(
      sandbox(),
      'reviews',
      `/products/${FIXTURE_SKUS.example}/reviews?limit=3&sort=recent`,
    );
    const twenty = await callJson(
      sandbox(),
      'reviews',
      `/products/${FIXTURE_SKUS.example}/reviews?limit=20&sort=recent`,
    );

    const twentyReviews = listAt(twenty.body, 'reviews');
    expect(twentyReviews).toHaveLength(20);
    expect(listAt(three.body, 'reviews')).toEqual(twentyReviews.slice(0, 3));
    const createdAt = twentyReviews.map((review) => text(at(review, 'createdAt')));
    expect(createdAt).toEqual([...createdAt].sort().reverse());
  });

  it('summarises all reviews: count 128 for 000123 and an average between 1 and 5 with one decimal', async () => {
    const { body } = await callJson(
      sandbox(),
      'reviews',
      `/products/${FIXTURE_SKUS.example}/reviews?limit=3&sort=recent`,
    );

    expect(at(body, 'summary', 'count')).toBe(128);
    const average = at(body, 'summary', 'average');
    expect(average).toBeGreaterThanOrEqual(1);
    expect(average).toBeLessThanOrEqual(5);
    expect(Number.isInteger(Number(average) * 10)).toBe(true);
  });

  it('averages the ratings of every review (000206 has two)', async () => {
    const { body } = await callJson(
      sandbox(),
      'reviews',
      '/products/000206/reviews?limit=10&sort=recent',
    );

    const ratings = listAt(body, 'reviews').map((review) => Number(at(review, 'rating')));
    expect(ratings).toHaveLength(2);
    expect(at(body, 'summary')).toEqual({
      count: 2,
      average: Math.round(((ratings[0] ?? 0) + (ratings[1] ?? 0)) * 5) / 10,
    });
  });

  it('answers count 0, average 0 and no reviews for a product without reviews (000213)', async () => {
    const { status, body } = await callJson(
      sandbox(),
      'reviews',
      `/products/${FIXTURE_SKUS.noReviews}/reviews?limit=3&sort=recent`,
    );

    expect(status).toBe(200);
    expect(body).toEqual({ sku: '000213', summary: { average: 0, count: 0 }, reviews: [] });
  });

  it('answers 404 {"error":"not_found"} for an unknown SKU', async () => {
    const { status, body } = await callJson(
      sandbox(),
      'reviews',
      `/products/${UNKNOWN_SKUS[0]}/reviews?limit=3&sort=recent`,
    );

    expect(status).toBe(404);
    expect(body).toEqual({ error: 'not_found' });
  });

  it('answers 400 for a limit that is not a positive integer', async () => {
    const { status } = await callJson(
      sandbox(),
      'reviews',
      `/products/${FIXTURE_SKUS.example}/reviews?limit=abc&sort=recent`,
    );

    expect(status).toBe(400);
  });

  it('answers 401 {"error":"unauthorized"} without an X-Api-Key', async () => {
    const { status, body } = await callJson(
      sandbox(),
      'reviews',
      `/products/${FIXTURE_SKUS.example}/reviews?limit=3`,
      { apiKey: null },
    );

    expect(status).toBe(401);
    expect(body).toEqual({ error: 'unauthorized' });
  });
});
