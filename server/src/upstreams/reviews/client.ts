import { z } from 'zod';
import { decodeJson, segment } from '../../kit/upstream/json.js';
import type { CallOptions, Upstream } from '../../kit/upstream/upstream.js';

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

/** A product's rating summary and its newest reviews. */
export type Reviews = z.output<typeof reviewsSchema>;

export interface ReviewsClient {
  /** The rating summary and the newest `limit` reviews; a product the service does not know has none. */
  getReviews(sku: string, limit: number, call?: CallOptions): Promise<Reviews>;
}

export function createReviewsClient(upstream: Upstream): ReviewsClient {
  return {
    getReviews: (sku, limit, call) =>
      upstream.call(
        {
          operation: 'getReviews',
          path: `/products/${segment(sku)}/reviews`,
          query: { limit: String(limit), sort: 'recent' },
        },
        (answer) =>
          answer.status === 404
            ? { summary: { average: 0, count: 0 }, reviews: [] }
            : decodeJson(answer, reviewsSchema),
        call,
      ),
  };
}
