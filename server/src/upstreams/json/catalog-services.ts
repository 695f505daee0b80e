import { z } from 'zod';
import type { UpstreamHttp } from '../../kit/http.js';
import { chunk } from '../erp/client.js';
import { readJson, segment } from './read-json.js';

/** The pricing service takes at most this many SKUs per call. */
export const PRICING_MAX_SKUS_PER_CALL = 50;

const decimal = z.string().trim().regex(/^\d{1,12}(\.\d{1,6})?$/);

const priceSchema = z.object({
  sku: z.string(),
  currency: z.literal('EUR'),
  amount: decimal,
  compareAt: decimal.nullable().optional().transform((v) => v ?? null),
  promotion: z.object({ code: z.string(), label: z.string() }).nullable().optional().transform((v) => v ?? null),
});
export type UpstreamPrice = z.output<typeof priceSchema>;

const pricesSchema = z.object({ prices: z.array(priceSchema) });

export interface PricingClient {
  /** Prices by SKU (EUR); unknown SKUs are absent; more than 50 SKUs are split into parallel calls. */
  getPrices(skus: readonly string[], signal?: AbortSignal): Promise<Map<string, UpstreamPrice>>;
}

export function createPricingClient(http: UpstreamHttp): PricingClient {
  return {
    async getPrices(skus, signal) {
      const unique = [...new Set(skus)];
      if (unique.length === 0) return new Map();
      const parts = await Promise.all(
        chunk(unique, PRICING_MAX_SKUS_PER_CALL).map((part) =>
          readJson(http, '/v2/prices', pricesSchema, { searchParams: { skus: part.join(',') }, ...(signal ? { signal } : {}) }),
        ),
      );
      return new Map(parts.flatMap((part) => part.prices.map((price) => [price.sku, price] as const)));
    },
  };
}

const reviewsSchema = z.object({
  summary: z.object({ average: z.number().min(0).max(5), count: z.number().int().min(0) }),
  reviews: z.array(
    z.object({
      id: z.string(),
      author: z.string(),
      rating: z.number().min(0).max(5),
      title: z.string(),
      body: z.string(),
      createdAt: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
    }),
  ),
});
export type UpstreamReviews = z.output<typeof reviewsSchema>;

export interface ReviewsClient {
  /** The rating summary and the newest `limit` reviews; a product the service does not know has none. */
  getReviews(sku: string, limit: number, signal?: AbortSignal): Promise<UpstreamReviews>;
}

export function createReviewsClient(http: UpstreamHttp): ReviewsClient {
  return {
    getReviews: (sku, limit, signal) =>
      readJson(http, `/products/${segment(sku)}/reviews`, reviewsSchema, {
        searchParams: { limit: String(limit), sort: 'recent' },
        ...(signal ? { signal } : {}),
        notFound: () => ({ summary: { average: 0, count: 0 }, reviews: [] }),
      }),
  };
}

const recommendationsSchema = z.object({
  items: z.array(z.object({ sku: z.string(), score: z.number().optional(), reason: z.string().optional() })),
});

export interface RecommendationsClient {
  /** Recommended SKUs, best first; some may be unknown to the ERP or discontinued. */
  forSku(sku: string, limit: number, signal?: AbortSignal): Promise<string[]>;
  forUser(userId: string, limit: number, signal?: AbortSignal): Promise<string[]>;
}

export function createRecommendationsClient(http: UpstreamHttp): RecommendationsClient {
  const ask = async (searchParams: Record<string, string>, signal: AbortSignal | undefined): Promise<string[]> => {
    const answer = await readJson(http, '/v1/recommendations', recommendationsSchema, {
      searchParams,
      ...(signal ? { signal } : {}),
      notFound: () => ({ items: [] }),
    });
    return answer.items.map((item) => item.sku);
  };
  return {
    forSku: (sku, limit, signal) => ask({ sku, limit: String(limit) }, signal),
    forUser: (userId, limit, signal) => ask({ userId, limit: String(limit) }, signal),
  };
}
