import { createJsonService, intParam } from '../host/json-service.js';
import { json, type ServiceDefinition } from '../host/types.js';
import type { SandboxStore } from '../data/store.js';

export function createRecommendationsService(
  store: SandboxStore,
  apiKey: string,
): ServiceDefinition {
  return createJsonService('recommendations', apiKey, [
    {
      method: 'GET',
      pattern: '/v1/recommendations',
      operation: 'getRecommendations',
      handle(request) {
        const sku = request.query.get('sku');
        const userId = request.query.get('userId');
        const limitParam = intParam(request.query, 'limit', 1, 50);
        if (limitParam === null || (sku === null) === (userId === null))
          return json(400, { error: 'bad_request' });
        const limit = limitParam ?? 8;
        if (sku !== null) {
          if (!store.catalog.bySku.has(sku)) return json(404, { error: 'not_found' });
          return json(200, { items: store.catalog.recommendationsForSku(sku, limit) });
        }
        // Unknown users get the generic list: personalisation falls back, it does not fail.
        const id = userId ?? '';
        return json(200, {
          items: store.catalog.recommendationsForUser(id, store.wishlists.get(id) ?? [], limit),
        });
      },
    },
  ]);
}
