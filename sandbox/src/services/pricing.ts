import { createJsonService, SKU_PATTERN } from '../host/json-service.js';
import { json, type ServiceDefinition } from '../host/types.js';
import type { SandboxStore } from '../data/store.js';

/** At most this many SKUs per prices call. */
export const PRICES_MAX_SKUS = 50;

export function createPricingService(store: SandboxStore, apiKey: string): ServiceDefinition {
  return createJsonService('pricing', apiKey, [
    {
      method: 'GET',
      pattern: '/v2/prices',
      operation: 'getPrices',
      handle(request) {
        const raw = request.query.get('skus');
        if (raw === null || raw === '')
          return json(400, { error: 'bad_request', message: 'skus is required' });
        const skus = [...new Set(raw.split(','))];
        if (skus.length > PRICES_MAX_SKUS)
          return json(400, { error: 'too_many_skus', max: PRICES_MAX_SKUS });
        if (!skus.every((sku) => SKU_PATTERN.test(sku)))
          return json(400, { error: 'bad_request', message: 'invalid sku' });
        const prices = skus.flatMap((sku) => {
          const price = store.catalog.prices.get(sku);
          return price ? [{ sku, currency: 'EUR', ...price }] : [];
        });
        return json(200, { prices });
      },
    },
  ]);
}
