import {
  productPageInput,
  productPageOutput,
  productSearchInput,
  productSearchOutput,
} from '@storefront/shared';
import {
  productPage,
  RECOMMENDATIONS_ASKED,
  REVIEWS_SHOWN,
  searchView,
} from '../domain/product.js';
import { productNotFound } from '../errors.js';
import { aggregate, optional, required } from '../kit/aggregate.js';
import type { CallOptions } from '../kit/upstream/upstream.js';
import { tagsOf } from '../upstreams/cache-policies.js';
import type { Price } from '../upstreams/pricing/client.js';
import { publicProcedure, router } from '../trpc.js';
import { converterOf, converterPart } from './parts.js';

export const productRouter = router({
  page: publicProcedure
    // Stock (5 s) is the shortest-lived part of a page; an order of the SKU drops the kept answer at once.
    .meta({
      publicMaxAgeSeconds: 5,
      tagsOf: (input) => {
        const parsed = productPageInput.safeParse(input);
        return parsed.success ? tagsOf.productPage(parsed.data.sku) : [];
      },
    })
    .input(productPageInput)
    .output(productPageOutput)
    .query(async ({ input, ctx, signal }) => {
      const { erp, pricing, reviews, recommendations, fx } = ctx.upstreams;
      const { ERP_TIMEOUT_MS: erpBudget, PART_TIMEOUT_MS: partBudget } = ctx.config;
      let recommended: Promise<string[]> | undefined;
      // Shared by two parts: asked once.
      const recommendedSkus = (call: CallOptions): Promise<string[]> =>
        (recommended ??= recommendations
          .forSku(input.sku, RECOMMENDATIONS_ASKED, call)
          .then((skus) => skus.filter((sku) => sku !== input.sku)));

      const parts = await aggregate(
        {
          product: required(erpBudget, (call) => erp.getProduct(input.sku, call)),
          // Shared by price and recommendations; a currency the ECB does not list fails the page.
          convert: optional(partBudget, converterPart(input.currency ?? 'EUR', fx)),
          price: optional(partBudget, async (call) =>
            (await pricing.getPrices([input.sku], call)).get(input.sku),
          ),
          availability: optional(
            partBudget,
            async (call) => (await erp.getStock([input.sku], call)).get(input.sku) ?? [],
          ),
          reviews: optional(partBudget, (call) =>
            reviews.getReviews(input.sku, REVIEWS_SHOWN, call),
          ),
          // Recommended SKUs are hydrated with one GetProducts and one prices call, never one call
          // per SKU; the two run as parts of their own, so that pricing trouble leaves the
          // recommendations shown without prices.
          recommendations: optional(partBudget, async (call) => {
            const skus = await recommendedSkus(call);
            return { skus, products: await erp.getProducts(skus, call) };
          }),
          recommendationPrices: optional(partBudget, async (call) =>
            pricing.getPrices(await recommendedSkus(call), call),
          ),
        },
        { signal, scope: ctx.scope, deadlineMs: Math.max(erpBudget, partBudget) + 500 },
      );
      if (!parts.product) throw productNotFound(input.sku);
      return productPage({ ...parts, product: parts.product, convert: converterOf(parts.convert) });
    }),

  search: publicProcedure
    // Prices (10 s) are the shortest-lived part of a result page.
    .meta({ publicMaxAgeSeconds: 10 })
    .input(productSearchInput)
    .output(productSearchOutput)
    .query(async ({ input, ctx, signal }) => {
      const { erp, pricing, fx } = ctx.upstreams;
      const { ERP_TIMEOUT_MS: erpBudget, PART_TIMEOUT_MS: partBudget } = ctx.config;
      const query = input.query?.trim();
      const found = await aggregate(
        {
          convert: optional(partBudget, converterPart(input.currency ?? 'EUR', fx)),
          results: required(erpBudget, (call) =>
            erp.searchProducts(
              {
                ...(query ? { query } : {}),
                ...(input.category ? { category: input.category } : {}),
                page: input.page,
                pageSize: input.pageSize,
              },
              call,
            ),
          ),
        },
        { signal, scope: ctx.scope },
      );
      const skus = found.results.products.map((product) => product.sku);
      const { prices } = await aggregate(
        {
          prices: optional(partBudget, (call): Promise<ReadonlyMap<string, Price>> =>
            pricing.getPrices(skus, call),
          ),
        },
        { signal, scope: ctx.scope },
      );
      return searchView(found.results, input, prices, converterOf(found.convert));
    }),
});
