import { z } from 'zod';
import { decodeJson, segment } from '../../kit/upstream/json.js';
import type { Upstream } from '../../kit/upstream/upstream.js';
import type { Reviews, ReviewsClient } from './records.js';

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
}) satisfies z.ZodType<Reviews>;

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
