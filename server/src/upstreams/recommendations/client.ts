import { SKU_PATTERN } from '@storefront/shared';
import { z } from 'zod';
import { decodeJson } from '../../kit/upstream/json.js';
import type { CallOptions, Upstream, UpstreamAnswer } from '../../kit/upstream/upstream.js';

const recommendationsSchema = z.object({
  items: z.array(
    z.object({ sku: z.string(), score: z.number().optional(), reason: z.string().optional() }),
  ),
});

/** Recommended SKUs, best first: only strings that are SKUs (the service is not trusted to send nothing else). */
const skusOf = (answer: UpstreamAnswer): string[] =>
  answer.status === 404
    ? []
    : decodeJson(answer, recommendationsSchema).items.flatMap((item) =>
        SKU_PATTERN.test(item.sku) ? [item.sku] : [],
      );

export interface RecommendationsClient {
  /** Recommended SKUs, best first; some may be unknown to the ERP or discontinued. */
  forSku(sku: string, limit: number, call?: CallOptions): Promise<string[]>;
  forUser(userId: string, limit: number, call?: CallOptions): Promise<string[]>;
}

export function createRecommendationsClient(upstream: Upstream): RecommendationsClient {
  const ask = (query: Record<string, string>, call: CallOptions | undefined) =>
    upstream.call(
      { operation: 'getRecommendations', path: '/v1/recommendations', query },
      skusOf,
      call,
    );
  return {
    forSku: (sku, limit, call) => ask({ sku, limit: String(limit) }, call),
    forUser: (userId, limit, call) => ask({ userId, limit: String(limit) }, call),
  };
}
