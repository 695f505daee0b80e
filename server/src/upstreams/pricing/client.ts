import { z } from 'zod';
import { askInChunks, decodeJson } from '../../kit/upstream/json.js';
import type { Upstream } from '../../kit/upstream/upstream.js';
import type { Price, PricingClient } from './records.js';

/** The pricing service takes at most this many SKUs per call. */
export const PRICING_MAX_SKUS_PER_CALL = 50;

const decimal = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,6})?$/);
const pricesSchema = z.object({
  prices: z.array(
    z.object({
      sku: z.string(),
      currency: z.literal('EUR'),
      amount: decimal,
      compareAt: decimal.nullish().transform((v) => v ?? null),
      promotion: z
        .object({ code: z.string(), label: z.string() })
        .nullish()
        .transform((v) => v ?? null),
    }),
  ),
});

export function createPricingClient(upstream: Upstream): PricingClient {
  return {
    async getPrices(skus, call) {
      const prices = new Map<string, Price>();
      if (skus.length === 0) return prices;
      const parts = await askInChunks(skus, PRICING_MAX_SKUS_PER_CALL, (part) =>
        upstream.call(
          { operation: 'getPrices', path: '/v2/prices', query: { skus: part.join(',') } },
          (answer) => decodeJson(answer, pricesSchema),
          call,
        ),
      );
      for (const part of parts) {
        for (const { sku, amount, compareAt, promotion } of part.prices)
          prices.set(sku, { amount, compareAt, promotion });
      }
      return prices;
    },
  };
}
