import { SKU_PATTERN } from '@storefront/shared';
import { z } from 'zod';
import { decodeJson } from '../../kit/upstream/json.js';
import type { CallOptions, Upstream, UpstreamAnswer } from '../../kit/upstream/upstream.js';
import type { RecommendationsClient } from './records.js';

const recommendationsSchema = z.object({
  items: z.array(
    z.object({ sku: z.string(), score: z.number().optional(), reason: z.string().optional() }),
  ),
});

/**
 * Recommended SKUs, best first, as many as were asked for at most: only distinct strings that are
 * SKUs (the service is not trusted to send nothing else, nor to keep to the limit), cut before any
 * of them is looked up.
 */
function skusOf(answer: UpstreamAnswer, limit: number): string[] {
  if (answer.status === 404) return [];
  const skus = new Set<string>();
  for (const item of decodeJson(answer, recommendationsSchema).items) {
    if (skus.size >= limit) break;
    if (SKU_PATTERN.test(item.sku)) skus.add(item.sku);
  }
  return [...skus];
}

export function createRecommendationsClient(upstream: Upstream): RecommendationsClient {
  const ask = (query: Record<string, string>, limit: number, call: CallOptions | undefined) =>
    upstream.call(
      {
        operation: 'getRecommendations',
        path: '/v1/recommendations',
        query: { ...query, limit: String(limit) },
      },
      (answer) => skusOf(answer, limit),
      call,
    );
  return {
    forSku: (sku, limit, call) => ask({ sku }, limit, call),
    forUser: (userId, limit, call) => ask({ userId }, limit, call),
  };
}
