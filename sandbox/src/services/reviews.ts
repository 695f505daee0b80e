import { createJsonService, intParam } from '../host/json-service.js';
import { json, type ServiceDefinition } from '../host/types.js';
import type { SandboxStore } from '../data/store.js';

export function createReviewsService(store: SandboxStore, apiKey: string): ServiceDefinition {
  return createJsonService('reviews', apiKey, [
    {
      method: 'GET',
      pattern: '/products/:sku/reviews',
      operation: 'getReviews',
      handle(request, params) {
        const sku = params.sku ?? '';
        const limit = intParam(request.query, 'limit', 1, 50);
        const sort = request.query.get('sort') ?? 'recent';
        if (limit === null || sort !== 'recent') return json(400, { error: 'bad_request' });
        if (!store.catalog.bySku.has(sku)) return json(404, { error: 'not_found' });
        const { average, count, reviews } = store.catalog.reviews(sku, limit ?? 10);
        return json(200, { sku, summary: { average, count }, reviews });
      },
    },
  ]);
}
